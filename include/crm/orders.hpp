#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <span>
#include <vector>

#include "crm/dates.hpp"

namespace crm {

/// Orders as caller-owned columns of equal length, one element per order (line items already
/// combined into orders by the caller). Nothing is copied.
struct orders_view {
  std::span<const std::uint32_t> customer;  ///< dense customer index, < customer_count
  std::span<const day_t> day;               ///< order day (days since 1970-01-01, report zone)
  std::span<const std::int64_t> amount;     ///< order value in 1/10000 currency units (may be
                                            ///< negative: a refund); empty = no amount known
  std::uint32_t customer_count = 0;         ///< size of the customer index space

  [[nodiscard]] std::size_t size() const noexcept { return customer.size(); }
  [[nodiscard]] bool has_amount() const noexcept { return !amount.empty() || customer.empty(); }
};

/// Money in 1/10000 units -> currency units (exact sums stay integer until this last step).
[[nodiscard]] constexpr double money_from_e4(std::int64_t e4) noexcept {
  return static_cast<double>(e4) / 10000.0;
}

/// Checks an orders_view at a library boundary: `day` as long as `customer`, `amount` empty or as
/// long, every customer index < customer_count. Throws invalid_input naming `function`, the
/// column and the first bad row.
void validate(const orders_view& orders, const char* function);

/// A customer's order amounts (1/10000 units) as customer_orders holds them: in 64 bits, or in
/// 32 when it was built from 32-bit amounts. Read as int64 either way.
class amount_view {
 public:
  amount_view() = default;
  explicit amount_view(std::span<const std::int64_t> wide) noexcept
      : wide_(wide.data()), size_(wide.size()) {}
  explicit amount_view(std::span<const std::int32_t> narrow) noexcept
      : narrow_(narrow.data()), size_(narrow.size()) {}

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::int64_t operator[](std::size_t i) const noexcept {
    return narrow_ != nullptr ? std::int64_t{narrow_[i]} : wide_[i];
  }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::int64_t;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::int64_t;
    iterator() = default;
    iterator(const amount_view& view, std::size_t i) noexcept
        : wide_(view.wide_), narrow_(view.narrow_), i_(i) {}
    std::int64_t operator*() const noexcept {
      return narrow_ != nullptr ? std::int64_t{narrow_[i_]} : wide_[i_];
    }
    iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator before = *this;
      ++i_;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }

   private:
    const std::int64_t* wide_ = nullptr;  // the view's data, not the view: outlives it
    const std::int32_t* narrow_ = nullptr;
    std::size_t i_ = 0;
  };
  [[nodiscard]] iterator begin() const noexcept { return {*this, 0}; }
  [[nodiscard]] iterator end() const noexcept { return {*this, size_}; }

 private:
  const std::int64_t* wide_ = nullptr;
  const std::int32_t* narrow_ = nullptr;
  std::size_t size_ = 0;
};

/// Day value of a customer with no order in first_day() / last_day().
inline constexpr day_t no_day = std::numeric_limits<day_t>::min();

/// Orders grouped by customer (compressed rows): customer c's orders are positions
/// [offsets()[c], offsets()[c + 1]) of the day and amount arrays, by day ascending (equal days by
/// amount, so the layout does not depend on the input's row order). Built by one counting sort;
/// after it every per-customer metric is a sequential pass, and disjoint customer ranges can be
/// handed to different threads (split()). Memory: 4 bytes per customer + 4 (12 with amounts, 8
/// with 32-bit amounts) per order.
class customer_orders {
 public:
  customer_orders() = default;
  /// Groups `orders` (validated: throws invalid_input like validate()), the rows shared among
  /// up to `threads` threads (parts of at least 65536 rows).
  explicit customer_orders(const orders_view& orders, unsigned threads = 1);
  /// The same with the amounts in 32 bits (1/10000 units; e.g. a compact column of the reader),
  /// one per order, kept in 32 bits (amounts() widens them): `orders.amount` must be empty.
  customer_orders(const orders_view& orders, std::span<const std::int32_t> amount,
                  unsigned threads = 1);

  [[nodiscard]] std::uint32_t customer_count() const noexcept {
    return offset_.empty() ? 0 : static_cast<std::uint32_t>(offset_.size() - 1);
  }
  /// Number of orders.
  [[nodiscard]] std::size_t size() const noexcept { return day_.size(); }
  /// False when the view had no amounts (amounts() is then empty for every customer).
  [[nodiscard]] bool has_amount() const noexcept { return has_amount_; }
  /// customer_count() + 1 ascending positions.
  [[nodiscard]] std::span<const std::uint32_t> offsets() const noexcept { return offset_; }
  /// Customer c's order days, ascending.
  [[nodiscard]] std::span<const day_t> days(std::uint32_t c) const noexcept {
    return {day_.data() + offset_[c], offset_[c + 1] - offset_[c]};
  }
  /// Customer c's order amounts (1/10000 units), in the order of days(c); empty without amounts.
  [[nodiscard]] amount_view amounts(std::uint32_t c) const noexcept {
    if (!has_amount_) return {};
    const std::size_t n = offset_[c + 1] - offset_[c];
    if (!amount32_.empty()) return amount_view(std::span(amount32_.data() + offset_[c], n));
    return amount_view(std::span(amount_.data() + offset_[c], n));
  }
  /// Earliest and latest order day; no_day when there is no order.
  [[nodiscard]] day_t min_day() const noexcept { return min_day_; }
  [[nodiscard]] day_t max_day() const noexcept { return max_day_; }
  /// parts + 1 ascending customer indices from 0 to customer_count() cutting the customers into
  /// `parts` ranges of about equal numbers of orders (parts >= 1).
  [[nodiscard]] std::vector<std::uint32_t> split(unsigned parts) const;

 private:
  template <typename Amount>
  void group(const orders_view& orders, std::span<const Amount> amount, unsigned threads);

  std::vector<std::uint32_t> offset_;
  std::vector<day_t> day_;
  std::vector<std::int64_t> amount_;
  std::vector<std::int32_t> amount32_;  ///< instead of amount_ when built from 32-bit amounts
  day_t min_day_ = no_day;
  day_t max_day_ = no_day;
  bool has_amount_ = true;
};

/// Per-customer state of an orders table: first and last order day, number of orders, spend.
/// An accumulator (docs/metrics.md "Accumulators"): `update` over any split of the rows, in any
/// order, then `merge` partial summaries over the same customer index space; the result equals
/// one pass. Memory: 20 bytes per customer. Spend is exact (int64 1/10000 units).
class customer_summary {
 public:
  explicit customer_summary(std::uint32_t customer_count);

  /// Adds orders (validated; throws invalid_input on a bad view or a customer_count mismatch).
  void update(const orders_view& orders);
  /// Adds grouped orders: a sequential pass over the customers, shared among up to `threads`
  /// threads by customer range (throws invalid_input on a customer_count mismatch).
  void update(const customer_orders& orders, unsigned threads = 1);
  /// Adds another summary of the same customer index space (throws invalid_input otherwise).
  void merge(const customer_summary& other);

  [[nodiscard]] std::uint32_t customer_count() const noexcept {
    return static_cast<std::uint32_t>(orders_.size());
  }
  /// First order day per customer; no_day when the customer has no order.
  [[nodiscard]] std::span<const day_t> first_day() const noexcept { return first_; }
  /// Last order day per customer; no_day when the customer has no order.
  [[nodiscard]] std::span<const day_t> last_day() const noexcept { return last_; }
  /// Orders per customer (0 for an index with no order).
  [[nodiscard]] std::span<const std::uint32_t> orders() const noexcept { return orders_; }
  /// Spend per customer, 1/10000 units (0 when no amount was given).
  [[nodiscard]] std::span<const std::int64_t> spend() const noexcept { return spend_; }

  /// Customers with at least one order.
  [[nodiscard]] std::uint64_t customers_with_orders() const noexcept;
  /// All orders added.
  [[nodiscard]] std::uint64_t total_orders() const noexcept { return total_orders_; }
  /// Exact sum of all amounts, 1/10000 units.
  [[nodiscard]] std::int64_t total_spend() const noexcept { return total_spend_; }
  /// Earliest and latest order day over all customers; no_day when there is no order.
  [[nodiscard]] day_t min_day() const noexcept { return min_day_; }
  [[nodiscard]] day_t max_day() const noexcept { return max_day_; }
  /// False when some update had orders but no amount column.
  [[nodiscard]] bool has_amount() const noexcept { return has_amount_; }

 private:
  std::vector<day_t> first_;
  std::vector<day_t> last_;
  std::vector<std::uint32_t> orders_;
  std::vector<std::int64_t> spend_;
  std::uint64_t total_orders_ = 0;
  std::int64_t total_spend_ = 0;
  day_t min_day_ = no_day;
  day_t max_day_ = no_day;
  bool has_amount_ = true;
};

}  // namespace crm
