#pragma once

// From a typed orders table to the columns the order kernels take: one element per order (line
// items combined by order id), rows the kernels cannot use counted by reason, never dropped
// silently. Columns are borrowed from the table where they already have the right type.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crm/io/table.hpp"
#include "crm/orders.hpp"

namespace crm::io::detail {

/// Orders ready for the kernels, with what was left out and why.
struct order_data {
  std::span<const std::uint32_t> customer;
  std::span<const day_t> day;
  std::span<const std::int64_t> amount;  ///< empty without amounts, or when in `amount32`
  /// The amounts when they were borrowed from a compact (int32) column: extract_orders with
  /// compact_amounts; `amount` is then empty, and view() has no amounts (use group()).
  std::span<const std::int32_t> amount32;
  bool has_amount = false;  ///< the orders have amounts (in `amount` or `amount32`)
  std::uint32_t customer_count = 0;
  /// Rank of each customer's id in id order (ties of RFM are broken by it).
  std::vector<std::uint32_t> tie_rank;
  /// Per order: the row it came from (its first line); empty when orders are rows 1:1 and none
  /// was excluded.
  std::vector<std::uint32_t> first_row;

  std::size_t rows = 0;            ///< table rows
  std::size_t lines_combined = 0;  ///< rows folded into an earlier row of the same order
  std::size_t no_customer = 0;     ///< rows without a customer id (excluded)
  std::size_t no_date = 0;         ///< rows without an order date (excluded)
  std::size_t no_amount = 0;       ///< rows without an amount (excluded)
  std::size_t refund_rows = 0;     ///< orders with a negative amount (kept out of the orders)
  std::int64_t refunded_e4 = 0;    ///< Σ |negative amounts|
  std::string amount_source;       ///< "amount", "quantity × unit_price" or empty

  /// Row-level customer codes (for cross-sell), borrowed from the table.
  std::span<const std::uint32_t> row_customer;
  /// Per table row: 1 when it has a customer, a date and (if the table has amounts) an amount;
  /// empty when every row does.
  std::vector<std::uint8_t> usable_row;

  // Owned storage behind the spans when they could not be borrowed or were joined.
  std::vector<std::uint32_t> row_customer_store;
  std::vector<std::uint32_t> customer_store;
  std::vector<day_t> day_store;
  std::vector<std::int64_t> amount_store;

  [[nodiscard]] orders_view view() const noexcept {
    return {customer, day, amount, customer_count};
  }
  /// Order k's amount (1/10000 units); has_amount must be true.
  [[nodiscard]] std::int64_t amount_at(std::size_t k) const noexcept {
    return amount32.empty() ? amount[k] : std::int64_t{amount32[k]};
  }
  /// True when one of the order columns is a column of `c` itself (borrowed, not copied).
  [[nodiscard]] bool borrows(const column& c) const noexcept;
  /// The orders grouped by customer, amounts from `amount` or `amount32`.
  [[nodiscard]] customer_orders group(unsigned threads) const;
  /// Frees the per-order columns it owns and forgets the borrowed ones (customer, day, amount,
  /// first_row, usable_row, row_customer): for after the grouping, when nothing reads orders
  /// in row order any more. The counts, has_amount and tie_rank stay.
  void release_rows() noexcept;
  /// The table row each order starts on.
  [[nodiscard]] std::size_t row_of(std::size_t order) const noexcept {
    return first_row.empty() ? order : first_row[order];
  }
  /// The orders with keep[k] != 0 (one flag per order), as owned columns.
  [[nodiscard]] order_data subset(std::span<const std::uint8_t> keep) const;
  /// The orders before `as_of` (the report's range); `left_out` counts the others.
  [[nodiscard]] order_data before(day_t as_of, std::size_t& left_out) const;
};

/// Builds the order columns of an orders table. Throws invalid_input when the table has no
/// customer key or no order date (the caller checks the kind first). With `compact_amounts`, an
/// int32 amount column whose rows are the orders is borrowed as `amount32` (else widened).
[[nodiscard]] order_data extract_orders(const table& t, bool compact_amounts = false);

}  // namespace crm::io::detail
