#pragma once

// Rows of an orders_view grouped by customer (a counting sort): the customer-major layout that
// churn and up-sell walk. O(rows + customers) time and 4 bytes per row + per customer.

#include <cstdint>
#include <span>
#include <vector>

#include "crm/orders.hpp"

namespace crm::detail {

struct rows_by_customer {
  std::vector<std::uint32_t> offset;  ///< customer c's rows are row[offset[c] .. offset[c + 1])
  std::vector<std::uint32_t> row;     ///< row indices, by customer, then in input order

  /// Groups the rows of a validated view (at most 2^32 − 1 rows).
  explicit rows_by_customer(const orders_view& orders);

  [[nodiscard]] std::span<std::uint32_t> of(std::uint32_t customer) noexcept {
    return {row.data() + offset[customer], row.data() + offset[customer + 1]};
  }
};

}  // namespace crm::detail
