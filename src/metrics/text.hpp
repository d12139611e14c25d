#pragma once

// Private helpers of the kernels' error messages.

#include <array>
#include <charconv>
#include <string>

namespace crm::detail {

/// Shortest text that reads back as `v` ("11", "7.5", "-1", "inf", "nan").
[[nodiscard]] inline std::string number_text(double v) {
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("?");
}

}  // namespace crm::detail
