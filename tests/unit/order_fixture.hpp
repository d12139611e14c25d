#pragma once

// A small orders table used by the kernel tests, with every figure worked out by hand in the
// tests that use it.
//
//   row customer day         amount
//   0   0        2024-01-05  10.00
//   1   1        2024-01-20  20.00
//   2   0        2024-02-03  30.00
//   3   2        2024-03-01   8.00
//   4   1        2024-03-15  25.00
//   5   0        2024-03-20   5.00
// customer 3 has no order (customer_count 4).

#include <cstdint>
#include <vector>

#include "crm/dates.hpp"
#include "crm/orders.hpp"
#include "crm/retention.hpp"

namespace fixture {

inline crm::day_t d(int y, unsigned m, unsigned day) { return crm::days_from_civil(y, m, day); }

/// Monthly churn of the fixture with an inactivity window, as of 2024-03-21 (March partial).
inline crm::churn_options churn_at(std::uint32_t window) {
  crm::churn_options c;
  c.kind = crm::period_kind::month;
  c.inactivity_days = window;
  c.as_of = d(2024, 3, 21);
  return c;
}

struct orders {
  std::vector<std::uint32_t> customer{0, 1, 0, 2, 1, 0};
  std::vector<crm::day_t> day{d(2024, 1, 5), d(2024, 1, 20), d(2024, 2, 3),
                              d(2024, 3, 1), d(2024, 3, 15), d(2024, 3, 20)};
  std::vector<std::int64_t> amount{100000, 200000, 300000, 80000, 250000, 50000};

  [[nodiscard]] crm::orders_view view() const { return {customer, day, amount, 4}; }
  /// Rows [begin, end) as a view.
  [[nodiscard]] crm::orders_view rows(std::size_t begin, std::size_t end) const {
    return {std::span(customer).subspan(begin, end - begin),
            std::span(day).subspan(begin, end - begin),
            std::span(amount).subspan(begin, end - begin), 4};
  }
};

}  // namespace fixture
