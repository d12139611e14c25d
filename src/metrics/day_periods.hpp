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

}  // namespace crm::detail
