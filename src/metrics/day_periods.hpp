#pragma once

// Private: periods of days by table lookup (a row then costs one load, not a civil-date
// conversion).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "crm/dates.hpp"

namespace crm::detail {

/// Period index of each day in [first, first + size).
[[nodiscard]] inline std::vector<std::int32_t> period_table(day_t first, std::size_t size,
                                                            period_kind kind) {
  std::vector<std::int32_t> table(size);
  for (std::size_t k = 0; k < size; ++k) {
    table[k] = period_index(static_cast<day_t>(first + static_cast<std::int64_t>(k)), kind);
  }
  return table;
}

/// The slot (period index − the first day's period index) of each day of [first_day, last_day];
/// last_day >= first_day.
[[nodiscard]] inline std::vector<std::int32_t> period_slots(day_t first_day, day_t last_day,
                                                            period_kind kind) {
  std::vector<std::int32_t> slot = period_table(
      first_day, static_cast<std::size_t>(std::int64_t{last_day} - first_day) + 1, kind);
  const std::int32_t first_period = period_index(first_day, kind);
  for (std::int32_t& p : slot) p -= first_period;
  return slot;
}

}  // namespace crm::detail
