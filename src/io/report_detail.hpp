#pragma once

// The report engine's order sections (private): whole-range metrics, per-period metrics and
// cohorts, RFM. Each reads one prepared set of orders.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crm/io/report.hpp"
#include "crm/orders.hpp"
#include "crm/retention.hpp"
#include "crm/value.hpp"

#include "../core/parallel.hpp"
#include "report_orders.hpp"

namespace crm::io::detail {

/// One set of orders (all of them, or one --by group) and what every section needs from it.
struct order_section {
  /// Groups the orders, runs `after_grouping` (the caller may free the orders' rows there, so
  /// that the summary reuses their memory), then summarises the grouping.
  order_section(const order_data& o, const report_options& opt, day_t as_of_day, const table& t,
                const std::function<void()>& after_grouping = {})
      : orders(o),
        options(opt),
        as_of(as_of_day),
        source(t),
        grouped(o.group(2)),
        summary(summarize(grouped, o.customer_count, after_grouping)) {}
  /// Runs `first`, then summarises `g`.
  static customer_summary summarize(const customer_orders& g, std::uint32_t customers,
                                    const std::function<void()>& first) {
    if (first) first();
    customer_summary s(customers);
    s.update(g, 2);
    return s;
  }
  const order_data& orders;
  const report_options& options;
  day_t as_of;
  const table& source;
  customer_orders grouped;  ///< the orders by customer; released by add_periods once used
  customer_summary summary;
  std::optional<double> annual_churn;   ///< from the monthly churn table, when known
  std::optional<upsell_result> upsell;  ///< by --period, when add_periods computed it
};

using group_t = std::vector<std::pair<std::string, std::string>>;

/// Runs `side` on a second thread while `here` runs on this one, then rethrows what either
/// threw. The two must not write the same data.
template <typename Side, typename Here>
void run_beside(Side&& side, Here&& here) {
  crm::detail::on_threads(2, [&](std::size_t part) { part == 0 ? side() : here(); });
}

/// Customers, orders, revenue, aov, frequency, repeat rate, lifespan, CLV, concentration, ...
void add_whole_range(order_section& s, const group_t& group, std::vector<metric_result>& out);
/// The per-period table (active, new, retained, churn, ...) and the cohort matrix; also sets
/// s.annual_churn and s.upsell, and frees s.grouped.
void add_periods(order_section& s, report& r);
/// Annual churn from a monthly churn table (last up to 12 complete months).
[[nodiscard]] std::optional<double> annual_churn(std::span<const churn_row> monthly);
/// The churn options of the report for periods of `kind`.
[[nodiscard]] churn_options churn_options_of(const order_section& s, period_kind kind);
/// RFM summary and segments.
void add_rfm(const order_section& s, report& r);

}  // namespace crm::io::detail
