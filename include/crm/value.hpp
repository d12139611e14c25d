#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crm/orders.hpp"

namespace crm {

/// Whole-range order totals (docs/metrics.md "Orders and value").
struct order_totals {
  std::uint64_t customers = 0;  ///< customers with >= 1 order
  std::uint64_t orders = 0;     ///< orders
  std::int64_t revenue_e4 = 0;  ///< exact Σ amount, 1/10000 units
  day_t first_day = no_day;     ///< earliest order day (no_day when empty)
  day_t last_day = no_day;      ///< latest order day
  bool has_amount = true;       ///< false when some orders came without amounts (aov, arpu:
                                ///< nullopt rather than a revenue of 0)
};

/// Totals of a summary.
[[nodiscard]] order_totals totals(const customer_summary& summary) noexcept;

/// Average order value = revenue / orders, currency units; nullopt when orders = 0 or
/// !has_amount.
[[nodiscard]] std::optional<double> aov(const order_totals& t) noexcept;
/// Purchase frequency = orders / customers; nullopt when customers = 0.
[[nodiscard]] std::optional<double> purchase_frequency(const order_totals& t) noexcept;
/// Purchases per customer per year (W1 `purchase_frequency_per_year`) = (orders / customers) /
/// span_years, span_years = (last_day − first_day + 1) / 365.25; nullopt when customers = 0.
[[nodiscard]] std::optional<double> purchase_frequency_per_year(const order_totals& t) noexcept;
/// ARPU = revenue / customers (customers active in the range), currency units; nullopt when 0
/// or !has_amount.
[[nodiscard]] std::optional<double> arpu(const order_totals& t) noexcept;

/// Repeat purchase rate = customers with >= 2 orders / customers with >= 1 order (W1
/// `repeat_rate`); nullopt when there is no customer.
[[nodiscard]] std::optional<double> repeat_purchase_rate(const customer_summary& summary) noexcept;

/// Cohort form: customers with >= 2 orders within `days` days of their first order (first day
/// + days inclusive) / customers with >= 1 order. A second pass over the same orders the summary
/// was built from (throws invalid_input on a bad view, a customer_count mismatch or an order
/// before the customer's first day in the summary). nullopt when there is no customer.
[[nodiscard]] std::optional<double> repeat_purchase_rate_within(const orders_view& orders,
                                                                const customer_summary& summary,
                                                                std::uint32_t days);

/// Observed mean customer lifespan in years: mean over customers with orders of
/// (last day - first day) / 365.25, one-time buyers count 0 (W1 `lifespan_years`).
[[nodiscard]] std::optional<double> observed_lifespan_years(
    const customer_summary& summary) noexcept;

/// How clv_simple gets its expected lifespan.
enum class clv_lifespan : std::uint8_t {
  observed_span,  ///< observed mean span (W1): aov × purchases per year × lifespan years
  churn,          ///< 1 / annual churn rate (METRICS.md default when a churn rate is known)
  discounted,     ///< margin-based: m · r / (1 + d − r), m = annual value per customer × margin
};

/// Options of clv_simple.
struct clv_options {
  clv_lifespan lifespan = clv_lifespan::observed_span;
  double gross_margin = 1.0;                ///< fraction 0..1 applied to the value
  std::optional<double> annual_churn_rate;  ///< needed by `churn` and (as 1 − r) `discounted`
  double discount_rate = 0.10;              ///< d of the discounted form, per year
};

/// Simple CLV (docs/metrics.md): aov × purchase_frequency_per_year × lifespan_years × margin,
/// purchase_frequency_per_year = (orders / customers) / span_years with span_years =
/// (last day − first day + 1) / 365.25. nullopt when any factor is undefined (no orders, no
/// amounts, churn variant without a churn rate or with churn 0, discounted variant without a
/// churn rate or with 1 + d − r <= 0). Throws invalid_input on a margin outside 0..1, a churn
/// rate outside 0..1 or a discount rate <= -1, checked first.
[[nodiscard]] std::optional<double> clv_simple(const customer_summary& summary,
                                               const clv_options& options = {});

/// Share of revenue from the top `top_share` (default 20 %) of customers by spend: the
/// ceil(top_share × customers) customers with the highest spend (a product within 1e-12
/// relative of an integer counts as that integer: 0.07 × 100 = 7); nullopt when no customer,
/// no amounts or total revenue <= 0. Throws invalid_input unless 0 < top_share <= 1.
[[nodiscard]] std::optional<double> top_revenue_share(const customer_summary& summary,
                                                      double top_share = 0.2);

/// Cross-sell rate = customers who bought in >= 2 distinct categories / customers with >= 1
/// categorised order. `category` is a code per order (one per orders row; 0xFFFFFFFF =
/// unknown, ignored). An accumulator over any split of the rows.
class cross_sell_counter {
 public:
  explicit cross_sell_counter(std::uint32_t customer_count);
  void update(std::span<const std::uint32_t> customer, std::span<const std::uint32_t> category);
  void merge(const cross_sell_counter& other);
  [[nodiscard]] std::optional<double> rate() const noexcept;
  [[nodiscard]] std::uint64_t customers() const noexcept;     ///< base n
  [[nodiscard]] std::uint64_t cross_buyers() const noexcept;  ///< numerator

 private:
  std::vector<std::uint32_t> first_;  // first category seen, or 0xFFFFFFFF
  std::vector<std::uint8_t> multi_;
};

/// Up-sell rate over the whole range: among customers with orders in >= 2 distinct periods of
/// `kind`, the share whose mean order value in their last active period exceeds the mean in the
/// period before it (their previous active period). One pass, 32 bytes per customer. Orders
/// with negative amounts count at their value. nullopt when no customer has 2 active periods or
/// amounts are missing. Throws invalid_input on a bad view.
struct upsell_result {
  std::uint64_t base = 0;    ///< customers active in >= 2 periods
  std::uint64_t upsold = 0;  ///< of those, whose mean order value grew
  [[nodiscard]] std::optional<double> rate() const noexcept;
};
[[nodiscard]] upsell_result upsell(const orders_view& orders, period_kind kind);
/// The up-sell counts from orders grouped by customer, customer by customer (no per-customer
/// state): an accumulator over disjoint customer ranges (`add` ranges, `merge` counters of the
/// same kind). Equals upsell() over the same orders.
class upsell_counter {
 public:
  /// Periods of `kind` for order days in [first_day, last_day] (looked up in a table of that
  /// range; throws invalid_input when last_day < first_day).
  upsell_counter(period_kind kind, day_t first_day, day_t last_day);
  /// Adds customers [begin, end); throws invalid_input for a day outside the range, a range
  /// beyond orders.customer_count(), or orders without amounts.
  void add(const customer_orders& orders, std::uint32_t begin, std::uint32_t end);
  /// Adds a counter built with the same arguments (invalid_input otherwise).
  void merge(const upsell_counter& other);
  [[nodiscard]] upsell_result result() const noexcept { return counts_; }

 private:
  period_kind kind_;
  day_t first_day_;
  std::vector<std::int32_t> period_of_day_;
  upsell_result counts_;
};
class period_activity;
/// The same with the periods of an activity already built from these orders (saves the day
/// range pass). Throws invalid_input when its customer_count differs or an order day is
/// outside its range.
[[nodiscard]] upsell_result upsell(const orders_view& orders, const period_activity& activity);

/// Refunds, as found in the data (DATA.md): negative amounts, or a refunded amount / refunded
/// flag per order.
struct refund_result {
  std::int64_t gross_sales_e4 = 0;  ///< Σ positive amounts
  std::int64_t refunded_e4 = 0;     ///< Σ refunded value (absolute)
  std::uint64_t orders = 0;         ///< orders with a positive amount
  std::uint64_t refunded_orders = 0;
  /// Refunded value / gross sales; nullopt when gross sales = 0.
  [[nodiscard]] std::optional<double> rate() const noexcept;
  /// Refunded orders / orders; nullopt when orders = 0.
  [[nodiscard]] std::optional<double> order_rate() const noexcept;
};
/// Convention 1: negative amounts are refunds (their absolute value, counted as refund rows);
/// positive amounts are sales; 0 and the missing sentinel INT64_MIN are neither.
[[nodiscard]] refund_result refunds_from_negative_amounts(std::span<const std::int64_t> amount);
/// Convention 2: a refunded amount per order (0 or missing INT64_MIN = none; 1/10000 units,
/// >= 0, may exceed the order) and/or a refunded flag per order (1 = refunded in full when no
/// refunded amount is given; 0 and any other value, e.g. the reader's missing boolean 2, = not
/// flagged). Only orders with a positive amount are sales; other rows are skipped. Either span
/// may be empty; non-empty spans must be as long as `amount` (invalid_input otherwise; a
/// negative refunded amount is invalid_input naming the row).
[[nodiscard]] refund_result refunds_from_columns(std::span<const std::int64_t> amount,
                                                 std::span<const std::int64_t> refunded_amount,
                                                 std::span<const std::uint8_t> refunded_flag);

}  // namespace crm
