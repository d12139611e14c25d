#include "rows_by_customer.hpp"

#include <string>

#include "crm/error.hpp"

namespace crm::detail {

rows_by_customer::rows_by_customer(const orders_view& orders)
    : offset(std::size_t{orders.customer_count} + 1, 0), row(orders.size()) {
  if (orders.size() >= 0xFFFFFFFFULL) {
    throw invalid_input("too many rows for one pass (split the input)",
                        {"rows_by_customer", "customer", -1, std::to_string(orders.size())});
  }
  for (const std::uint32_t c : orders.customer) ++offset[c + 1];
  for (std::size_t c = 1; c < offset.size(); ++c) offset[c] += offset[c - 1];
  std::vector<std::uint32_t> next(offset.begin(), offset.end() - 1);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    row[next[orders.customer[i]]++] = static_cast<std::uint32_t>(i);
  }
}

}  // namespace crm::detail
