// The `clv` engine: the per-customer summary from a summary table or from orders, the model fits
// and the predictions (crm::io::analyze_clv).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crm/clv/bgnbd.hpp"
#include "crm/clv/common.hpp"
#include "crm/clv/gamma_gamma.hpp"
#include "crm/clv/pareto_nbd.hpp"
#include "crm/clv/summary.hpp"
#include "crm/error.hpp"
#include "crm/io/clv.hpp"
#include "crm/io/input_error.hpp"

#include "report_orders.hpp"

namespace crm::io {

std::string_view to_string(clv_model model) noexcept {
  switch (model) {
    case clv_model::bgnbd:
      return "bgnbd";
    case clv_model::mbgnbd:
      return "mbgnbd";
    case clv_model::pareto_nbd:
      return "pnbd";
  }
  return "bgnbd";
}

namespace {

/// A column of a summary table as doubles (money in currency units); missing cells are errors.
std::vector<double> numbers(const table& t, const column& c) {
  const std::int64_t field = (&c - t.columns.data()) + 1;
  const auto missing = [&](std::size_t row) {
    return input_error("a value is required here", {t.source, t.line_of(row), field, c.header});
  };
  std::vector<double> out(t.rows);
  for (std::size_t row = 0; row < t.rows; ++row) {
    if (c.is_missing(row)) throw missing(row);
    switch (c.storage) {
      case column_storage::int64:
      case column_storage::int32:
        out[row] = c.type == value_type::money ? money_from_e4(c.int_at(row))
                                               : static_cast<double>(c.int_at(row));
        break;
      case column_storage::real:
        out[row] = c.reals[row];
        break;
      default:
        throw input_error("expected a number", {t.source, t.line_of(row), field, c.header},
                          c.text(row));
    }
  }
  return out;
}

input_error bad_cell(const table& t, const column& c, std::size_t row, const std::string& reason) {
  return input_error(reason, {t.source, t.line_of(row), (&c - t.columns.data()) + 1, c.header},
                     c.text(row));
}

bool usable_summary(const table& t) {
  return t.kind() == table_kind::customer_summary && t.find("frequency") != nullptr &&
         t.find("recency") != nullptr && t.find("age") != nullptr;
}

/// Rows of a customer summary table (lifetimes, Hardie, BTYD headers), checked cell by cell.
void from_summary(const table& t, const clv_options& o, clv_analysis& a) {
  a.input_kind = "summary";
  const column& fc = *t.find("frequency");
  const column& rc = *t.find("recency");
  const column& ac = *t.find("age");
  const column* key = t.customer_key();
  a.x = numbers(t, fc);
  a.t_x = numbers(t, rc);
  a.T = numbers(t, ac);
  for (std::size_t i = 0; i < t.rows; ++i) {
    if (!(a.x[i] >= 0.0) || a.x[i] != std::floor(a.x[i])) {
      throw bad_cell(t, fc, i, "frequency must be a whole number >= 0");
    }
    if (!(a.T[i] > 0.0) || !std::isfinite(a.T[i])) throw bad_cell(t, ac, i, "age T must be > 0");
    if (!(a.t_x[i] >= 0.0) || a.t_x[i] > a.T[i]) {
      throw bad_cell(t, rc, i, "recency must lie between 0 and the age T");
    }
    if (a.x[i] == 0.0 && a.t_x[i] != 0.0) {
      throw bad_cell(t, rc, i, "recency must be 0 for a customer without repeat purchases");
    }
  }
  if (const column* mc = t.find("monetary_value")) {
    a.m_x = numbers(t, *mc);
    for (std::size_t i = 0; i < t.rows; ++i) {
      if (a.m_x[i] < 0.0) throw bad_cell(t, *mc, i, "mean spend must be >= 0");
    }
  } else {
    a.notes.push_back("the summary has no monetary value: no spend model and no CLV");
  }
  if (const column* hc = t.find("holdout_frequency")) {
    a.x_holdout = numbers(t, *hc);
    for (std::size_t i = 0; i < t.rows; ++i) {
      if (!(a.x_holdout[i] >= 0.0) || a.x_holdout[i] != std::floor(a.x_holdout[i])) {
        throw bad_cell(t, *hc, i, "holdout frequency must be a whole number >= 0");
      }
    }
    if (const column* lc = t.find("holdout_length")) {
      const std::vector<double> length = numbers(t, *lc);
      for (std::size_t i = 0; i < t.rows; ++i) {
        if (length[i] != length[0]) {
          throw bad_cell(t, *lc, i, "every customer needs the same holdout length");
        }
      }
      a.holdout_length = length.empty() ? 0.0 : length[0];
    } else {
      a.holdout_length = o.holdout_length;
    }
    if (!(a.holdout_length > 0.0)) {
      throw invalid_input(
          "the summary has a holdout frequency but no holdout length: give --holdout-length",
          {"clv", hc->header, -1, ""});
    }
  }
  a.customer_id.resize(t.rows);
  for (std::size_t i = 0; i < t.rows; ++i) {
    a.customer_id[i] = key != nullptr ? key->key_text(key->codes[i]) : std::to_string(i + 1);
  }
  if (key != nullptr && key->distinct() != t.rows) {
    std::vector<std::uint8_t> seen(key->distinct(), 0);
    for (std::size_t i = 0; i < t.rows; ++i) {
      if (seen[key->codes[i]]++ != 0) throw bad_cell(t, *key, i, "customer id appears twice");
    }
  }
}

/// The summary of an orders table, in customer-id order.
void from_orders(const table& t, const clv_options& o, clv_analysis& a) {
  a.input_kind = "orders";
  const detail::order_data orders = detail::extract_orders(t);
  clv::summary_options so;
  so.unit = o.unit;
  so.calibration_end = o.calibration_end;
  so.holdout_end = o.holdout_end;
  clv::customer_summary_table s = clv::summarize(orders.view(), so);
  a.calibration_end = s.calibration_end;
  a.holdout_end = o.holdout_end;
  a.later_customers = s.later_customers;
  a.holdout_length = s.holdout_length;
  const column& key = *t.customer_key();
  std::vector<std::size_t> order(s.customer.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (!orders.tie_rank.empty()) {  // id order, as `rfm`
    std::sort(order.begin(), order.end(), [&](std::size_t p, std::size_t q) {
      return orders.tie_rank[s.customer[p]] < orders.tie_rank[s.customer[q]];
    });
  }
  const auto pick = [&](const std::vector<double>& v) {
    std::vector<double> out;
    if (v.empty()) return out;
    out.reserve(order.size());
    for (std::size_t i : order) out.push_back(v[i]);
    return out;
  };
  a.x = pick(s.x);
  a.t_x = pick(s.t_x);
  a.T = pick(s.T);
  a.m_x = pick(s.m_x);
  a.x_holdout = pick(s.x_holdout);
  a.customer_id.reserve(order.size());
  for (std::size_t i : order) a.customer_id.push_back(key.key_text(s.customer[i]));
  const auto count = [&](std::size_t n, const char* what) {
    if (n > 0) a.notes.push_back(fmt::format("{} order rows {}: left out", n, what));
  };
  count(orders.no_customer, "without a customer id");
  count(orders.no_date, "without an order date");
  count(orders.no_amount, "without an amount");
  count(orders.refund_rows, "with a negative amount (refunds)");
  if (s.later_customers > 0) {
    a.notes.push_back(fmt::format(
        "{} customers whose first order is on or after the calibration end {} are left out "
        "(age 0: no model can use them)",
        s.later_customers, format_date(s.calibration_end)));
  }
  if (a.m_x.empty()) a.notes.push_back("the orders have no amount: no spend model and no CLV");
}

double months_to_units(clv::time_unit unit) { return (365.25 / 12.0) / clv::days_per(unit); }

/// The purchase model behind one interface.
struct purchase_model {
  clv_model kind;
  clv::bgnbd_params bg{};
  clv::pareto_nbd_params pnbd{};

  [[nodiscard]] clv::bgnbd_variant variant() const {
    return kind == clv_model::mbgnbd ? clv::bgnbd_variant::modified : clv::bgnbd_variant::bg;
  }
  [[nodiscard]] double unconditional(double t) const {
    return kind == clv_model::pareto_nbd ? clv::pareto_nbd_expected_purchases(pnbd, t)
                                         : clv::bgnbd_expected_purchases(bg, variant(), t);
  }
  void predict(const clv::rfm_view& v, double t, std::span<double> expected,
               std::span<double> alive) const {
    if (kind == clv_model::pareto_nbd) {
      clv::pareto_nbd_predict(pnbd, v, t, expected, alive);
    } else {
      clv::bgnbd_predict(bg, variant(), v, t, expected, alive);
    }
  }
};

purchase_model fit_purchases(clv_analysis& a) {
  const clv::rfm_view v{a.x, a.t_x, a.T};
  purchase_model m{a.options.model};
  switch (a.options.model) {
    case clv_model::bgnbd:
    case clv_model::mbgnbd:
      a.model_name = a.options.model == clv_model::bgnbd ? "BG/NBD" : "MBG/NBD";
      a.purchase_fit = clv::fit_bgnbd(v, m.variant());
      m.bg = clv::bgnbd_params_of(a.purchase_fit);
      break;
    case clv_model::pareto_nbd:
      a.model_name = "Pareto/NBD";
      a.purchase_fit = clv::fit_pareto_nbd(v);
      m.pnbd = clv::pareto_nbd_params_of(a.purchase_fit);
      break;
  }
  if (!a.purchase_fit.converged) {
    a.notes.push_back("the purchase model did not converge: " + a.purchase_fit.message);
  }
  return m;
}

void fit_spend(clv_analysis& a) {
  if (a.m_x.empty()) return;
  std::vector<double> x;
  std::vector<double> m;
  std::size_t zero_spend = 0;
  for (std::size_t i = 0; i < a.customers(); ++i) {
    if (a.x[i] < 1.0) continue;
    if (a.m_x[i] > 0.0) {
      x.push_back(a.x[i]);
      m.push_back(a.m_x[i]);
    } else {
      ++zero_spend;
    }
  }
  if (zero_spend > 0) {
    a.notes.push_back(fmt::format(
        "{} customers with repeat purchases but a mean spend of 0 are left out of the spend "
        "model (Gamma-Gamma needs spend > 0)",
        zero_spend));
  }
  a.spend_customers = x.size();
  if (x.size() < 3) {
    a.notes.push_back("fewer than 3 customers with repeat spend: no spend model and no CLV");
    return;
  }
  a.spend_fit = clv::fit_gamma_gamma(clv::spend_view{x, m});
  if (!a.spend_fit->converged) {
    a.notes.push_back("the spend model did not converge: " + a.spend_fit->message);
  }
}

/// Σ_{k=1..months} (E[Y(k·step)] − E[Y((k−1)·step)]) / (1+d)^k per customer: the discounted
/// expected purchases of clv::discounted_value with the spend factored out, in one pass of the
/// model's kernel. The horizon's expectations and P(alive) go to `expected` and `alive`.
std::vector<double> discounted_purchases(const purchase_model& m, const clv::rfm_view& v,
                                         double step, unsigned months, double monthly,
                                         std::span<double> expected, std::span<double> alive) {
  std::vector<double> total(v.size());
  if (m.kind == clv_model::pareto_nbd) {
    clv::pareto_nbd_discounted_purchases(m.pnbd, v, months, step, monthly, total, expected, alive);
  } else {
    clv::bgnbd_discounted_purchases(m.bg, m.variant(), v, months, step, monthly, total, expected,
                                    alive);
  }
  return total;
}

void predict(clv_analysis& a, const purchase_model& m) {
  const std::size_t n = a.customers();
  const clv::rfm_view v{a.x, a.t_x, a.T};
  const double step = months_to_units(a.options.unit);
  a.horizon = step * a.options.horizon_months;
  a.new_customer_expected = m.unconditional(a.horizon);
  a.expected.resize(n);
  a.p_alive.resize(n);
  if (!a.spend_fit) {
    m.predict(v, a.horizon, a.expected, a.p_alive);
    return;
  }
  const double monthly = std::pow(1.0 + a.options.annual_discount, 1.0 / 12.0) - 1.0;
  const std::vector<double> purchases =
      discounted_purchases(m, v, step, a.options.horizon_months, monthly, a.expected, a.p_alive);
  const clv::gamma_gamma_params g = clv::gamma_gamma_params_of(*a.spend_fit);
  const bool population_mean = g.q > 1.0;
  if (!population_mean) {
    a.notes.push_back(
        "the spend model's q <= 1 (no finite mean spend of a new customer): customers without "
        "repeat purchases get no expected spend and no CLV");
  }
  a.expected_spend.assign(n, std::nan(""));
  a.clv.assign(n, std::nan(""));
  for (std::size_t i = 0; i < n; ++i) {
    const double x = a.x[i];
    const bool known = x >= 1.0 && a.m_x[i] > 0.0;  // else the population mean
    if (!known && !population_mean) continue;
    const double spend =
        clv::gamma_gamma_expected_spend(g, known ? x : 0.0, known ? a.m_x[i] : 0.0);
    a.expected_spend[i] = spend;
    a.clv[i] = a.options.margin * spend * purchases[i];
  }
}

void holdout_check(clv_analysis& a, const purchase_model& m) {
  if (a.x_holdout.empty() || !(a.holdout_length > 0.0)) return;
  const std::size_t n = a.customers();
  std::vector<double> predicted(n);
  m.predict(clv::rfm_view{a.x, a.t_x, a.T}, a.holdout_length, predicted, {});
  constexpr std::size_t buckets = 8;  // 0..6 and 7+
  a.holdout.resize(buckets);
  for (std::size_t b = 0; b < buckets; ++b) {
    a.holdout[b].bucket = b + 1 < buckets ? std::to_string(b) : std::to_string(b) + "+";
  }
  for (std::size_t i = 0; i < n; ++i) {
    clv_holdout_row& row = a.holdout[std::min<std::size_t>(static_cast<std::size_t>(a.x[i]), 7)];
    row.customers += 1.0;
    row.actual_mean += a.x_holdout[i];
    row.predicted_mean += predicted[i];
  }
  std::erase_if(a.holdout, [](const clv_holdout_row& r) { return r.customers == 0.0; });
  for (clv_holdout_row& row : a.holdout) {
    row.actual_mean /= row.customers;
    row.predicted_mean /= row.customers;
  }
}

void at_risk(clv_analysis& a) {
  if (a.options.at_risk == 0) return;
  const bool spend = !a.m_x.empty();
  const auto value = [&](std::size_t i) { return spend ? a.x[i] * a.m_x[i] : a.x[i]; };
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < a.customers(); ++i) {
    if (a.x[i] >= 1.0 && a.p_alive[i] < a.options.at_risk_alive) rows.push_back(i);
  }
  const std::size_t keep = std::min(rows.size(), a.options.at_risk);
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(),
                    [&](std::size_t p, std::size_t q) {
                      if (value(p) != value(q)) return value(p) > value(q);
                      if (a.p_alive[p] != a.p_alive[q]) return a.p_alive[p] < a.p_alive[q];
                      return p < q;
                    });
  rows.resize(keep);
  a.at_risk = std::move(rows);
}

void check_options(const clv_options& o) {
  const auto bad = [](const char* option, double v, const char* reason) {
    throw invalid_input(reason, {"clv", option, -1, fmt::format("{}", v)});
  };
  if (o.horizon_months < 1) bad("horizon_months", o.horizon_months, "the horizon must be >= 1");
  if (!(o.annual_discount > -1.0) || !std::isfinite(o.annual_discount)) {
    bad("annual_discount", o.annual_discount, "the discount rate must be > -1");
  }
  if (!(o.margin > 0.0) || o.margin > 1.0) bad("margin", o.margin, "the margin must be in (0, 1]");
  if (!(o.at_risk_alive > 0.0) || o.at_risk_alive > 1.0) {
    bad("at_risk_alive", o.at_risk_alive, "the P(alive) threshold must be in (0, 1]");
  }
  if (o.holdout_end != no_day && o.calibration_end == no_day) {
    throw invalid_input("a holdout end needs a calibration end", {"clv", "holdout_end", -1, ""});
  }
}

}  // namespace

clv_analysis analyze_clv(std::span<const read_result> inputs, const clv_options& options) {
  check_options(options);
  clv_analysis a;
  a.options = options;
  for (const read_result& in : inputs) a.sources.push_back(in.data.source);
  const auto summary = std::find_if(inputs.begin(), inputs.end(),
                                    [](const read_result& r) { return usable_summary(r.data); });
  const auto orders = std::find_if(inputs.begin(), inputs.end(), [](const read_result& r) {
    return r.data.kind() == table_kind::orders;
  });
  if (summary != inputs.end()) {
    from_summary(summary->data, options, a);
    if (options.calibration_end != no_day || options.holdout_end != no_day) {
      a.notes.push_back(
          "--calibration-end and --holdout-end apply to orders; the summary is used as it is");
    }
  } else if (orders != inputs.end()) {
    from_orders(orders->data, options, a);
  } else {
    throw invalid_input(
        "no input is an orders table (customer id + order date) or a customer summary with "
        "frequency, recency and age (lifetimes ID,frequency,recency,T; Hardie x,t_x,T,zbar; "
        "BTYD cust,x,t.x,T.cal); `inspect` shows what each input was recognised as",
        {"clv", "", -1, inputs.empty() ? "" : inputs.front().data.source});
  }
  if (a.customers() == 0) {
    throw invalid_input("no customer with an age T > 0 to fit the models on",
                        {"clv", "", -1, a.sources.empty() ? "" : a.sources.front()});
  }
  const purchase_model m = fit_purchases(a);
  fit_spend(a);
  predict(a, m);
  holdout_check(a, m);
  at_risk(a);
  return a;
}

}  // namespace crm::io
