#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "crm/dates.hpp"
#include "crm/orders.hpp"

namespace crm {

/// Which calendar periods each customer ordered in, plus orders and revenue per period: the state
/// behind active / new / retained customers and the cohort matrix. An accumulator: `update` over
/// any split of the rows, `merge` partial states built with the same constructor arguments.
/// Storage: a bitset of the periods per customer when that is small (e.g. months), otherwise the
/// sorted distinct (customer, period) pairs; memory never exceeds 8 bytes per order.
class period_activity {
 public:
  /// Periods of `kind` from the one containing `first_day` to the one containing `last_day`.
  /// Throws invalid_input when last_day < first_day.
  period_activity(std::uint32_t customer_count, period_kind kind, day_t first_day, day_t last_day);

  /// Adds orders; throws invalid_input on a bad view, a customer_count mismatch or an order day
  /// outside [first_day, last_day] (naming the row).
  void update(const orders_view& orders);
  /// Adds another state built with the same arguments (invalid_input otherwise).
  void merge(const period_activity& other);

  [[nodiscard]] period_kind kind() const noexcept;
  [[nodiscard]] std::int32_t first_period() const noexcept;  ///< period index (dates.hpp)
  [[nodiscard]] std::int32_t last_period() const noexcept;
  [[nodiscard]] std::uint32_t customer_count() const noexcept;
  /// True when customer ordered in period index `period`.
  [[nodiscard]] bool active(std::uint32_t customer, std::int32_t period) const;
  /// The first period the customer ordered in (its cohort); nullopt when it has no order.
  [[nodiscard]] std::optional<std::int32_t> first_active(std::uint32_t customer) const;

  /// Orders and revenue (1/10000 units) per period, from first_period() on.
  [[nodiscard]] std::span<const std::uint64_t> period_orders() const noexcept {
    return period_orders_;
  }
  [[nodiscard]] std::span<const std::int64_t> period_revenue() const noexcept {
    return period_revenue_;
  }
  /// False when some update had no amounts.
  [[nodiscard]] bool has_amount() const noexcept { return has_amount_; }

  /// The slot (period − first_period()) of a day, by table lookup; −1 outside the range.
  [[nodiscard]] std::int32_t slot_of(day_t day) const noexcept {
    const std::int64_t k = std::int64_t{day} - first_day_;
    return k >= 0 && k < static_cast<std::int64_t>(slot_of_day_.size())
               ? slot_of_day_[static_cast<std::size_t>(k)]
               : -1;
  }

  /// Calls fn(period_index) for each period the customer ordered in, ascending.
  template <typename Fn>
  void for_each_active(std::uint32_t customer, Fn&& fn) const;

 private:
  std::uint32_t customers_;
  period_kind kind_;
  std::int32_t first_period_;
  std::int32_t last_period_;
  day_t first_day_;
  std::vector<std::int32_t> slot_of_day_;     // period slot of each day of the range
  std::uint32_t words_;                       // 64-bit words per customer in dense mode, else 0
  std::vector<std::uint64_t> bits_;           // dense: customers_ × words_
  mutable std::vector<std::uint64_t> pairs_;  // sparse: customer << 32 | (period − first)
  mutable bool pairs_sorted_ = true;
  std::vector<std::uint64_t> period_orders_;  // per period offset
  std::vector<std::int64_t> period_revenue_;
  bool has_amount_ = true;

  void normalize() const;  // sparse mode: sort and de-duplicate pairs_
  [[nodiscard]] std::span<const std::uint64_t> pairs_of(std::uint32_t customer) const;
};

/// One period of the activity table (docs/metrics.md "Active customers and retention").
struct period_row {
  std::int32_t period = 0;          ///< period index
  std::uint64_t active = 0;         ///< customers with >= 1 order in the period
  std::uint64_t new_customers = 0;  ///< customers whose first order is in the period
  std::uint64_t orders = 0;
  std::int64_t revenue_e4 = 0;
  std::optional<std::uint64_t> retained;  ///< active in p−1 and p; nullopt for the first period
  /// retained / active(p−1) (W1 `monthly[].retention`); nullopt for the first period or when
  /// active(p−1) = 0.
  std::optional<double> retention;
  /// revenue / active customers of the period; nullopt when active = 0 or amounts are missing.
  std::optional<double> arpu;
};

template <typename Fn>
void period_activity::for_each_active(std::uint32_t customer, Fn&& fn) const {
  if (words_ > 0) {
    const std::uint64_t* w = bits_.data() + std::size_t{customer} * words_;
    for (std::uint32_t k = 0; k < words_; ++k) {
      for (std::uint64_t b = w[k]; b != 0; b &= b - 1) {
        fn(first_period_ +
           static_cast<std::int32_t>(k * 64 + static_cast<std::uint32_t>(std::countr_zero(b))));
      }
    }
    return;
  }
  for (const std::uint64_t p : pairs_of(customer)) {
    fn(first_period_ + static_cast<std::int32_t>(p & 0xFFFFFFFFU));
  }
}

/// Every period from first to last, gaps included.
[[nodiscard]] std::vector<period_row> activity_by_period(const period_activity& activity);

/// One cohort: customers whose first order falls in `cohort`, and for k = 0 .. last − cohort the
/// number of them active in cohort + k and their revenue there.
struct cohort_row {
  std::int32_t cohort = 0;
  std::uint64_t size = 0;
  std::vector<std::uint64_t> active;     ///< active[0] == size
  std::vector<std::int64_t> revenue_e4;  ///< empty when amounts are missing
  /// active[k] / size.
  [[nodiscard]] double retention(std::size_t k) const noexcept;
};

/// The cohort retention matrix (customers and revenue): one row per non-empty cohort, in order.
/// `orders` must be the orders the activity was built from (for the revenue cells; its amount
/// may be empty).
[[nodiscard]] std::vector<cohort_row> cohort_matrix(const period_activity& activity,
                                                    const orders_view& orders);

/// The per-period table and the cohort matrix from orders grouped by customer, customer by
/// customer: the same figures as activity_by_period and cohort_matrix over a period_activity of
/// the same orders, without a bitset per customer. An accumulator over disjoint customer ranges:
/// `add` ranges (e.g. one per thread, from customer_orders::split), then `merge` the partial
/// tables built with the same arguments.
class period_tables {
 public:
  /// Periods of `kind` from the one containing `first_day` to the one containing `last_day`;
  /// `has_amount` says whether revenue is known. Throws invalid_input when last_day < first_day.
  period_tables(period_kind kind, day_t first_day, day_t last_day, bool has_amount);

  /// Adds customers [begin, end) of `orders`; throws invalid_input for an order day outside
  /// [first_day, last_day] or a range beyond orders.customer_count().
  void add(const customer_orders& orders, std::uint32_t begin, std::uint32_t end);
  /// Adds another table built with the same arguments (invalid_input otherwise).
  void merge(const period_tables& other);

  /// Every period from first to last, gaps included.
  [[nodiscard]] std::vector<period_row> rows() const;
  /// One row per non-empty cohort, in order.
  [[nodiscard]] std::vector<cohort_row> cohorts() const;

 private:
  period_kind kind_;
  std::int32_t first_period_;
  day_t first_day_;
  bool has_amount_;
  std::vector<std::int32_t> slot_of_day_;
  std::vector<std::uint64_t> active_, fresh_, retained_, orders_;
  std::vector<std::int64_t> revenue_;
  std::vector<std::vector<std::uint64_t>> cells_;  // [cohort slot][k]: active customers
  std::vector<std::vector<std::int64_t>> cell_revenue_;
};

/// Denominator of churn_rate (METRICS.md "Churn rate").
enum class churn_base : std::uint8_t {
  start,           ///< customers active at the start of the period (default)
  start_plus_new,  ///< active at the start + new in the period
  average,         ///< (active at start + active at end) / 2
};

/// Options of the churn functions.
struct churn_options {
  period_kind kind = period_kind::month;
  std::uint32_t inactivity_days = 90;  ///< order-only data: lost after this many days without
                                       ///< an order (active at t ⇔ an order in (t − W, t])
  churn_base base = churn_base::start;
  bool include_new = false;  ///< count customers who join and are lost in the same period
  day_t as_of = 0;           ///< analysis date; periods end at min(period end, as_of − 1)
};

/// One period of churn. Counts are customers.
struct churn_row {
  std::int32_t period = 0;
  std::uint64_t at_start = 0;        ///< active on the day before the period starts
  std::uint64_t new_customers = 0;   ///< first order (or created) within the period
  std::uint64_t lost = 0;            ///< active at start (or new, with include_new), not at end
  std::uint64_t at_end = 0;          ///< active on the period's last day (clipped to as_of − 1)
  bool partial = false;              ///< the period ends after as_of − 1
  std::optional<double> churn_rate;  ///< lost / base; nullopt when the base is 0
  std::optional<double> retention_rate;  ///< 1 − churn_rate
};

/// The churn table from orders grouped by customer, customer by customer: an accumulator over
/// disjoint customer ranges (`add` ranges, `merge` counters built with the same arguments).
/// Periods from the one containing `first_day` (the earliest order day) to the one containing
/// options.as_of − 1; throws invalid_input when as_of <= first_day (and `add` when
/// inactivity_days is 0).
class churn_counter {
 public:
  churn_counter(day_t first_day, const churn_options& options);
  /// Adds customers [begin, end); throws invalid_input for an order day before first_day or on
  /// or after as_of, or a range beyond orders.customer_count().
  void add(const customer_orders& orders, std::uint32_t begin, std::uint32_t end);
  /// Adds another counter built with the same arguments (invalid_input otherwise).
  void merge(const churn_counter& other);
  [[nodiscard]] std::vector<churn_row> rows() const;

 private:
  churn_options options_;
  std::int32_t first_period_;
  std::vector<day_t> start_, end_;     // each period's first and last day (clipped to as_of − 1)
  std::vector<std::uint8_t> partial_;  // the period ends after as_of − 1
  std::vector<std::int32_t> slot_of_day_;  // period of each day from start_[0] to end_.back()
  std::vector<std::uint64_t> at_start_, at_end_, fresh_, lost_;

  [[nodiscard]] std::size_t slot_of(day_t day) const;
  /// Counts one customer from its active spells [a, b] (inclusive days, ascending, disjoint).
  void count_spells(std::span<const std::pair<day_t, day_t>> spells);
  friend std::vector<churn_row> churn_by_dates(std::span<const day_t> created,
                                               std::span<const day_t> churned,
                                               const churn_options& options);
};

/// Churn per period from orders alone: from the period of the first order to the one containing
/// as_of − 1. `summary` must be built from the same orders. Throws invalid_input on a bad view
/// or as_of <= the last order day.
[[nodiscard]] std::vector<churn_row> churn_by_inactivity(const orders_view& orders,
                                                         const customer_summary& summary,
                                                         const churn_options& options);

/// Churn per period from a customers table: `created` (acquisition day; no_day = unknown, the
/// customer is ignored and counted in `unknown_created`) and `churned` (no_day = not churned).
/// Active at t ⇔ created <= t and (not churned or churned > t). Periods from the earliest created
/// day to as_of − 1. Throws invalid_input on different lengths or churned < created (naming the
/// row).
[[nodiscard]] std::vector<churn_row> churn_by_dates(std::span<const day_t> created,
                                                    std::span<const day_t> churned,
                                                    const churn_options& options);

/// Converts a churn rate over `periods` periods to a per-period rate: 1 − (1 − r)^(1/periods)
/// (never a plain average). nullopt when r is outside 0..1 or periods <= 0.
[[nodiscard]] std::optional<double> per_period_churn(double rate, double periods) noexcept;

}  // namespace crm
