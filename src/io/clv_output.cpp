// Renderings of a clv_analysis: the model report (text, Markdown, JSON) and the per-customer
// predictions (CSV, JSON). Numbers are printed with a fixed number of significant digits, so
// the output does not depend on the last bits of a threaded sum.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crm/io/clv.hpp"

#include "report_render.hpp"

namespace crm::io {
namespace {

using json = nlohmann::ordered_json;

/// `digits` significant digits as printf's %g (estimates, predictions), "" for NaN / inf.
std::string sig(double v, int digits = 6) {
  if (!std::isfinite(v)) return "";
  char buf[40];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
  return {buf, res.ptr};
}

/// Appends sig(v, digits) for a finite v without a temporary string (per-customer rows). A whole
/// number below 10^digits, which %g prints as that integer, goes through the integer path (about
/// ten times faster: x, and P(alive) = 1 and m_x = 0 of the many customers without repeats).
void put_number(std::string& out, double v, int digits) {
  char buf[40];
  constexpr double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
  const bool whole = digits <= 10 && v == std::trunc(v) && std::abs(v) < pow10[digits] &&
                     !(v == 0.0 && std::signbit(v));
  const auto res =
      whole ? std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v))
            : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
  out.append(buf, res.ptr);
}

/// Appends `,` and sig(v, digits) (empty for NaN / inf).
void put(std::string& out, double v, int digits) {
  out += ',';
  if (std::isfinite(v)) put_number(out, v, digits);
}

/// A JSON number with 10 significant digits, null for NaN / inf.
json num(double v) {
  if (!std::isfinite(v)) return nullptr;
  return std::stod(fmt::format("{:.10g}", v));
}

std::string unit_name(clv::time_unit u) {
  switch (u) {
    case clv::time_unit::day:
      return "day";
    case clv::time_unit::week:
      return "week";
    case clv::time_unit::month:
      return "month";
  }
  return "week";
}

std::string model_source(clv_model m) {
  switch (m) {
    case clv_model::bgnbd:
      return "Fader, Hardie & Lee (2005), Counting your customers the easy way";
    case clv_model::mbgnbd:
      return "Batislam, Denizel & Filiztekin (2007), MBG/NBD";
    case clv_model::pareto_nbd:
      return "Schmittlein, Morrison & Colombo (1987); Fader & Hardie (2005) note";
  }
  return "";
}

using detail::text_table;

std::string heading(const std::string& title, bool md) {
  return md ? "\n## " + title + "\n\n" : "\n" + title + "\n";
}

std::string fit_table(const clv::fit_result& f, bool md) {
  text_table t({"parameter", "estimate", "std. error"});
  for (const auto& p : f.params) t.add({p.name, sig(p.value), sig(p.std_error, 4)});
  std::string out = t.render(md);
  out += fmt::format("{}log-likelihood {}  AIC {}  BIC {}  ({}, {} iterations)\n", md ? "\n" : " ",
                     sig(f.log_likelihood, 8), sig(f.aic(), 8), sig(f.bic(), 8),
                     f.converged ? "converged" : "NOT converged: " + f.message, f.iterations);
  return out;
}

json fit_json(const clv::fit_result& f) {
  json params = json::object();
  for (const auto& p : f.params) {
    params[p.name] = {{"estimate", num(p.value)}, {"std_error", num(p.std_error)}};
  }
  return {{"parameters", params},
          {"log_likelihood", num(f.log_likelihood)},
          {"aic", num(f.aic())},
          {"bic", num(f.bic())},
          {"n", num(f.n)},
          {"iterations", f.iterations},
          {"converged", f.converged},
          {"message", f.message}};
}

double finite_sum(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) {
    if (std::isfinite(x)) s += x;
  }
  return s;
}

double mean(const std::vector<double>& v) {
  return v.empty() ? std::nan("") : finite_sum(v) / static_cast<double>(v.size());
}

double historical_value(const clv_analysis& a, std::size_t i) {
  return a.m_x.empty() ? std::nan("") : a.x[i] * a.m_x[i];
}

std::string render_json(const clv_analysis& a) {
  json j;
  j["generator"] = "crm-metrics clv";
  j["inputs"] = a.sources;
  j["input"] = a.input_kind;
  j["unit"] = unit_name(a.options.unit);
  if (a.calibration_end != no_day) j["calibration_end"] = format_date(a.calibration_end);
  if (a.holdout_end != no_day) j["holdout_end"] = format_date(a.holdout_end);
  j["customers"] = a.customers();
  j["purchase_model"] = {{"model", a.model_name}, {"source", model_source(a.options.model)}};
  j["purchase_model"].update(fit_json(a.purchase_fit));
  if (a.spend_fit) {
    j["spend_model"] = {{"model", "Gamma-Gamma"}, {"customers", a.spend_customers}};
    j["spend_model"].update(fit_json(*a.spend_fit));
  } else {
    j["spend_model"] = nullptr;
  }
  json p = {{"horizon_months", a.options.horizon_months},
            {"horizon", num(a.horizon)},
            {"annual_discount", num(a.options.annual_discount)},
            {"margin", num(a.options.margin)},
            {"expected_purchases_total", num(finite_sum(a.expected))},
            {"expected_purchases_new_customer", num(a.new_customer_expected)},
            {"p_alive_mean", num(mean(a.p_alive))}};
  if (!a.clv.empty()) {
    p["clv_total"] = num(finite_sum(a.clv));
    p["clv_mean"] = num(mean(a.clv));
  }
  j["predictions"] = p;
  if (!a.holdout.empty()) {
    json rows = json::array();
    for (const auto& r : a.holdout) {
      rows.push_back({{"calibration_frequency", r.bucket},
                      {"customers", num(r.customers)},
                      {"actual_mean", num(r.actual_mean)},
                      {"predicted_mean", num(r.predicted_mean)}});
    }
    j["holdout"] = {{"length", num(a.holdout_length)}, {"buckets", rows}};
  }
  json risk = json::array();
  for (std::size_t i : a.at_risk) {
    risk.push_back({{"customer_id", a.customer_id[i]},
                    {"x", num(a.x[i])},
                    {"t_x", num(a.t_x[i])},
                    {"T", num(a.T[i])},
                    {"p_alive", num(a.p_alive[i])},
                    {"historical_value", num(historical_value(a, i))}});
  }
  j["at_risk"] = {{"p_alive_below", num(a.options.at_risk_alive)}, {"customers", risk}};
  j["notes"] = a.notes;
  return j.dump(1) + "\n";
}

std::string render_text(const clv_analysis& a, bool md) {
  const std::string unit = unit_name(a.options.unit);
  std::string out = md ? "# " : "";
  out += fmt::format("crm-metrics clv · {} · {} customers · time unit {}\n", a.model_name,
                     a.customers(), unit);
  out += heading("Inputs", md);
  for (const std::string& s : a.sources) out += (md ? "- " : " ") + s + "\n";
  out += fmt::format("{}read as {}", md ? "\n" : " ", a.input_kind);
  if (a.calibration_end != no_day) out += ", calibration to " + format_date(a.calibration_end);
  if (a.holdout_end != no_day) out += ", holdout to " + format_date(a.holdout_end);
  out += "\n";
  out +=
      heading("Purchase model: " + a.model_name + " (" + model_source(a.options.model) + ")", md);
  out += fit_table(a.purchase_fit, md);
  if (a.spend_fit) {
    out += heading(fmt::format("Spend model: Gamma-Gamma on {} customers with repeat purchases",
                               a.spend_customers),
                   md);
    out += fit_table(*a.spend_fit, md);
  }
  out += heading(
      fmt::format("Predictions over {} months ({} {}s), annual discount {} %, margin {} %",
                  a.options.horizon_months, sig(a.horizon, 4), unit,
                  sig(100.0 * a.options.annual_discount, 4), sig(100.0 * a.options.margin, 4)),
      md);
  text_table p({"measure", "value"});
  p.add({"expected purchases, all customers", sig(finite_sum(a.expected))});
  p.add({"expected purchases of a new customer", sig(a.new_customer_expected)});
  p.add({"mean P(alive)", sig(mean(a.p_alive), 4)});
  if (!a.clv.empty()) {
    p.add({"CLV, total", fmt::format("{:.2f}", finite_sum(a.clv))});
    p.add({"CLV, mean per customer", fmt::format("{:.2f}", mean(a.clv))});
  }
  out += p.render(md);
  if (!a.holdout.empty()) {
    out += heading(fmt::format("Holdout check: purchases in the {} {}s after calibration",
                               sig(a.holdout_length, 4), unit),
                   md);
    text_table h({"repeat purchases in calibration", "customers", "actual mean", "predicted mean"});
    double n = 0.0;
    double actual = 0.0;
    double predicted = 0.0;
    for (const auto& r : a.holdout) {
      h.add({r.bucket, sig(r.customers, 9), sig(r.actual_mean, 4), sig(r.predicted_mean, 4)});
      n += r.customers;
      actual += r.actual_mean * r.customers;
      predicted += r.predicted_mean * r.customers;
    }
    h.add({"all", sig(n, 9), sig(actual / n, 4), sig(predicted / n, 4)});
    out += h.render(md);
  }
  if (!a.at_risk.empty()) {
    out += heading(fmt::format("At risk: P(alive) below {}, most valuable first",
                               sig(a.options.at_risk_alive, 3)),
                   md);
    text_table r({"customer_id", "x", "t_x", "T", "P(alive)",
                  a.m_x.empty() ? "repeat purchases" : "repeat spend"});
    for (std::size_t i : a.at_risk) {
      r.add({a.customer_id[i], sig(a.x[i]), sig(a.t_x[i], 4), sig(a.T[i], 4),
             fmt::format("{:.3f}", a.p_alive[i]),
             a.m_x.empty() ? sig(a.x[i]) : fmt::format("{:.2f}", historical_value(a, i))});
    }
    out += r.render(md);
  }
  if (!a.notes.empty()) {
    out += heading("Notes", md);
    for (const std::string& note : a.notes) out += (md ? "- " : " ") + note + "\n";
  }
  return out;
}

}  // namespace

std::string render_clv(const clv_analysis& a, report_format format) {
  if (format == report_format::json) return render_json(a);
  return render_text(a, format == report_format::markdown);
}

namespace {

/// The per-customer columns in output order (m_x only with spend data, expected_spend and clv
/// only with a spend model), with the significant digits each is printed with: 10 for the
/// summary's own values, 8 for predictions.
struct customer_column {
  const char* name;
  const std::vector<double>* values;
  int digits;
};

std::vector<customer_column> customer_columns(const clv_analysis& a) {
  std::vector<customer_column> out{{"x", &a.x, 10}, {"t_x", &a.t_x, 10}, {"T", &a.T, 10}};
  if (!a.m_x.empty()) out.push_back({"m_x", &a.m_x, 10});
  out.push_back({"p_alive", &a.p_alive, 8});
  out.push_back({"expected_purchases", &a.expected, 8});
  if (!a.expected_spend.empty()) {
    out.push_back({"expected_spend", &a.expected_spend, 8});
    out.push_back({"clv", &a.clv, 8});
  }
  return out;
}

/// `text` as a JSON string (quotes, backslashes and control characters escaped; UTF-8 as is).
void put_json_string(std::string& out, std::string_view text) {
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (plain) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += json(std::string(text)).dump();
  }
}

/// Appends rows [begin, end) to `out`: CSV lines, or JSON objects one per line (null for a
/// value that is not a number), each but the very last followed by a comma.
void customer_rows(const clv_analysis& a, const std::vector<customer_column>& columns, bool as_json,
                   std::size_t begin, std::size_t end, std::string& out) {
  const std::size_t n = a.customers();
  for (std::size_t i = begin; i < end; ++i) {
    if (!as_json) {
      out += detail::csv_cell(a.customer_id[i]);
      for (const customer_column& c : columns) put(out, (*c.values)[i], c.digits);
      out += '\n';
      continue;
    }
    out += "  {\"customer_id\": ";
    put_json_string(out, a.customer_id[i]);
    for (const customer_column& c : columns) {
      out += ", \"";
      out += c.name;
      out += "\": ";
      const double v = (*c.values)[i];
      if (std::isfinite(v)) {
        put_number(out, v, c.digits);
      } else {
        out += "null";
      }
    }
    out += i + 1 < n ? "},\n" : "}\n";
  }
}

/// Passes the rows to `sink` (a string_view at a time, in row order), formatted in blocks of
/// 16,384 rows, one block per thread at a time on up to 8 threads into buffers reused from round
/// to round: formatting numbers to 8-10 significant digits is the cost of this output.
template <class Sink>
void customer_blocks(const clv_analysis& a, bool as_json, Sink&& sink) {
  constexpr std::size_t block = 16'384;
  const std::vector<customer_column> columns = customer_columns(a);
  const std::size_t n = a.customers();
  const std::size_t blocks = (n + block - 1) / block;
  const std::size_t workers =
      std::min<std::size_t>({blocks, 8, std::max(1u, std::thread::hardware_concurrency())});
  std::vector<std::string> buffers(std::max<std::size_t>(workers, 1));
  for (std::size_t first = 0; first < blocks; first += workers) {
    const std::size_t count = std::min(workers, blocks - first);
    const auto run = [&](std::size_t w) {
      buffers[w].clear();
      const std::size_t begin = (first + w) * block;
      customer_rows(a, columns, as_json, begin, std::min(n, begin + block), buffers[w]);
    };
    std::vector<std::thread> threads;
    for (std::size_t w = 1; w < count; ++w) threads.emplace_back(run, w);
    run(0);
    for (auto& t : threads) t.join();
    for (std::size_t w = 0; w < count; ++w) sink(std::string_view(buffers[w]));
  }
}

/// The whole per-customer output through `sink`: CSV with a header line, or a JSON object
/// {"horizon_months": H, "customers": [...]} with one customer object per line.
template <class Sink>
void customer_output(const clv_analysis& a, report_format format, Sink&& sink) {
  const bool as_json = format == report_format::json;
  if (as_json) {
    sink(
        fmt::format("{{\n \"horizon_months\": {},\n \"customers\": [\n", a.options.horizon_months));
  } else {
    std::string header = "customer_id";
    for (const customer_column& c : customer_columns(a)) header += std::string(",") + c.name;
    sink(header + "\n");
  }
  customer_blocks(a, as_json, sink);
  if (as_json) sink(std::string_view(" ]\n}\n"));
}

}  // namespace

std::string render_clv_customers(const clv_analysis& a, report_format format) {
  std::string out;
  customer_output(a, format, [&](std::string_view part) { out += part; });
  return out;
}

void write_clv_customers(const clv_analysis& a, report_format format, atomic_file& out) {
  customer_output(a, format, [&](std::string_view part) { out.write(part); });
}

}  // namespace crm::io
