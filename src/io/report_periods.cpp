// The per-period table, the cohort matrix and the RFM section of a report.

#include <algorithm>
#include <string>

#include "crm/acquisition.hpp"
#include "crm/retention.hpp"
#include "crm/rfm.hpp"
#include "crm/value.hpp"

#include "report_detail.hpp"

namespace crm::io::detail {
namespace {

std::int64_t as_n(std::uint64_t v) { return static_cast<std::int64_t>(v); }

metric_result at(metric_result m, std::int32_t period, period_kind kind, std::string variant) {
  m.period = period_label(period, kind);
  m.variant = std::move(variant);
  return m;
}

metric_result count(const char* id, std::uint64_t v, const char* unit) {
  return metric_result::ok(id, static_cast<double>(v), unit, as_n(v));
}

metric_result rate(const char* id, std::optional<double> v, std::uint64_t n) {
  return v ? metric_result::ok(id, *v, "ratio", as_n(n))
           : metric_result::insufficient(id, "ratio", as_n(n), "its base is empty");
}

void add_activity_rows(const std::vector<period_row>& rows, period_kind kind, bool money,
                       std::vector<metric_result>& out) {
  for (const period_row& p : rows) {
    out.push_back(at(count("active_customers", p.active, "customers"), p.period, kind, {}));
    out.push_back(at(count("new_customers", p.new_customers, "customers"), p.period, kind,
                     "first order in the period"));
    out.push_back(at(count("orders", p.orders, "orders"), p.period, kind, {}));
    if (money) {
      out.push_back(
          at(metric_result::ok("revenue", money_from_e4(p.revenue_e4), "currency", as_n(p.orders)),
             p.period, kind, {}));
      const std::optional<double> aov_p =
          p.orders > 0
              ? std::optional<double>(money_from_e4(p.revenue_e4) / static_cast<double>(p.orders))
              : std::nullopt;
      metric_result a = aov_p ? metric_result::ok("aov", *aov_p, "currency", as_n(p.orders))
                              : metric_result::insufficient("aov", "currency", 0, "no order");
      out.push_back(at(std::move(a), p.period, kind, {}));
      metric_result u =
          p.arpu ? metric_result::ok("arpu", *p.arpu, "currency", as_n(p.active))
                 : metric_result::insufficient("arpu", "currency", 0, "no active customer");
      out.push_back(at(std::move(u), p.period, kind, {}));
    }
    if (p.retained) {
      out.push_back(at(count("retained_customers", *p.retained, "customers"), p.period, kind,
                       "active in this and the previous period"));
      out.push_back(at(rate("active_retention_rate", p.retention, *p.retained), p.period, kind,
                       "retained / active in the previous period"));
    }
  }
}

std::string churn_variant(const report_options& o, bool partial) {
  static constexpr const char* bases[] = {"start", "start_plus_new", "average"};
  std::string v = "inactivity " + std::to_string(o.inactivity_days) + " days, base " +
                  bases[static_cast<int>(o.churn_denominator)];
  if (o.churn_include_new) v += ", new customers included";
  if (partial) v += ", partial period";
  return v;
}

void add_churn_rows(const order_section& s, std::span<const churn_row> rows,
                    std::vector<metric_result>& out) {
  const period_kind kind = s.options.period;
  for (const churn_row& c : rows) {
    const std::string variant = churn_variant(s.options, c.partial);
    out.push_back(at(count("churned_customers", c.lost, "customers"), c.period, kind, variant));
    out.push_back(at(rate("churn_rate", c.churn_rate, c.at_start), c.period, kind, variant));
    out.push_back(
        at(rate("retention_rate", c.retention_rate, c.at_start), c.period, kind, variant));
  }
}

/// new_customer_growth (new customers vs the previous period) and customer_base_growth (active
/// base at the end vs the start, the churn table's counts) per period; the whole range gets the
/// last complete period's values.
void add_growth_rows(std::span<const period_row> activity, std::span<const churn_row> churn,
                     period_kind kind, std::vector<metric_result>& out) {
  std::optional<metric_result> last_new;
  std::optional<metric_result> last_base;
  for (std::size_t i = 1; i < activity.size(); ++i) {
    const period_row& p = activity[i];
    const auto g = growth_rate(static_cast<double>(activity[i - 1].new_customers),
                               static_cast<double>(p.new_customers));
    out.push_back(at(rate("new_customer_growth", g, activity[i - 1].new_customers), p.period, kind,
                     "vs the previous period"));
    last_new = out.back();
  }
  for (const churn_row& c : churn) {
    const auto g = growth_rate(static_cast<double>(c.at_start), static_cast<double>(c.at_end));
    out.push_back(at(rate("customer_base_growth", g, c.at_start), c.period, kind,
                     "active customers at the end vs the start"));
    if (!c.partial) last_base = out.back();
  }
  // The last new-customer growth of a complete period: churn rows know which are partial.
  if (!churn.empty() && churn.back().partial && activity.size() >= 3) {
    for (auto it = out.rbegin(); it != out.rend(); ++it) {
      if (it->id == "new_customer_growth" &&
          it->period != period_label(churn.back().period, kind)) {
        last_new = *it;
        break;
      }
    }
  }
  for (std::optional<metric_result>* m : {&last_new, &last_base}) {
    if (!*m) continue;
    metric_result whole = **m;
    whole.variant = "last complete " + std::string(to_string(kind)) + " (" + *whole.period + ")";
    whole.period.reset();
    out.push_back(std::move(whole));
  }
}

/// Every per-customer table of the report over one range of customers: one thread's share.
struct period_pass {
  period_tables tables;
  churn_counter churn;
  std::optional<churn_counter> monthly;  ///< when --period is not month (for annual churn)
  std::optional<upsell_counter> up;      ///< when amounts are known

  explicit period_pass(const order_section& s)
      : tables(s.options.period, s.summary.min_day(), s.summary.max_day(), s.grouped.has_amount()),
        churn(s.summary.min_day(), churn_options_of(s, s.options.period)) {
    if (s.options.period != period_kind::month) {
      monthly.emplace(s.summary.min_day(), churn_options_of(s, period_kind::month));
    }
    if (s.grouped.has_amount()) {
      up.emplace(s.options.period, s.summary.min_day(), s.summary.max_day());
    }
  }
  void add(const customer_orders& g, std::uint32_t begin, std::uint32_t end) {
    tables.add(g, begin, end);
    churn.add(g, begin, end);
    if (monthly) monthly->add(g, begin, end);
    if (up) up->add(g, begin, end);
  }
  void merge(const period_pass& other) {
    tables.merge(other.tables);
    churn.merge(other.churn);
    if (monthly) monthly->merge(*other.monthly);
    if (up) up->merge(*other.up);
  }
};

}  // namespace

void add_periods(order_section& s, report& r) {
  if (s.summary.total_orders() == 0) return;
  // Two threads, each over the customers of about half the orders; their counts then merge.
  const std::vector<std::uint32_t> cut = s.grouped.split(2);
  period_pass here(s);
  period_pass side(s);
  run_beside([&] { side.add(s.grouped, cut[1], cut[2]); },
             [&] { here.add(s.grouped, cut[0], cut[1]); });
  here.merge(side);
  s.grouped = customer_orders();  // every later section reads the summary: free the grouping
  const std::vector<period_row> rows = here.tables.rows();
  const std::vector<churn_row> churn = here.churn.rows();
  add_activity_rows(rows, s.options.period, s.orders.has_amount, r.metrics);
  add_churn_rows(s, churn, r.metrics);
  add_growth_rows(rows, churn, s.options.period, r.metrics);
  s.annual_churn = annual_churn(here.monthly ? here.monthly->rows() : churn);
  if (here.up) s.upsell = here.up->result();
  report_cohorts cohorts;
  cohorts.rows = here.tables.cohorts();
  cohorts.period = s.options.period;
  cohorts.has_revenue = s.orders.has_amount;
  r.cohorts = std::move(cohorts);
}

void add_rfm(const order_section& s, report& r) {
  rfm_options o;
  o.as_of = s.as_of;
  o.monetary = s.options.rfm_m;
  o.recency_cuts = s.options.rfm_recency_cuts;
  o.frequency_cuts = s.options.rfm_frequency_cuts;
  o.monetary_cuts = s.options.rfm_monetary_cuts;
  const rfm_table t = rfm_scores(s.summary, o, s.orders.tie_rank);
  if (t.customer.empty()) return;
  report_rfm out;
  out.as_of = s.as_of;
  out.preset = s.options.rfm_segments;
  // Integer sums are exact; the monetary sum runs in customer-id order so that the result does
  // not depend on the row order of the input.
  std::int64_t rec = 0;
  std::uint64_t freq = 0;
  for (std::size_t i = 0; i < t.customer.size(); ++i) {
    rec += t.recency_days[i];
    freq += t.frequency[i];
  }
  // The rows are in tie order: tie_rank order (text ids) or customer index (integer ids).
  double mon = 0.0;
  for (const double v : t.monetary) mon += v;
  const auto n = static_cast<double>(t.customer.size());
  out.mean_recency_days = static_cast<double>(rec) / n;
  out.mean_frequency = static_cast<double>(freq) / n;
  out.mean_monetary = mon / n;
  out.cells = rfm_cells(t);
  const std::vector<rfm_rule> rules =
      s.options.rfm_segments == "rfm" ? r_rfm_segments() : default_segments();
  std::vector<std::uint64_t> counts(rules.size(), 0);
  for (const std::int32_t seg : assign_segments(t, rules)) {
    if (seg < 0) {
      ++out.unmatched;
    } else {
      ++counts[static_cast<std::size_t>(seg)];
    }
  }
  for (std::size_t i = 0; i < rules.size(); ++i)
    out.segments.emplace_back(rules[i].name, counts[i]);
  r.rfm = std::move(out);
}

}  // namespace crm::io::detail
