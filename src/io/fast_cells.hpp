#pragma once

// Private: inline readers of the plainest cell forms (the ones machine-written exports use for
// nearly every cell), for the reader's fast path and the fast paths of values.cpp. Each refuses
// anything else, and the caller then takes the general parser of values.hpp
// (tests/unit/reader_fast_test.cpp).

#include <cstdint>
#include <cstring>
#include <string_view>

namespace crm::io::detail {

/// Reads the digits from `q` (before `end`) onto the end of `v` (v = 10 v + digit; wraps past
/// 19 digits, which the callers refuse); returns the end of the digits.
[[nodiscard]] inline const char* scan_digits(const char* q, const char* end,
                                             std::uint64_t& v) noexcept {
  for (; q != end; ++q) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(*q)) - unsigned{'0'};
    if (d > 9) break;
    v = v * 10 + d;
  }
  return q;
}

/// Reads a plain non-negative integer without leading zeros, up to 18 digits (is_plain_integer)
/// from `p`; returns the end of its digits, or nullptr when the digits there are not one.
[[nodiscard]] inline const char* scan_plain_id(const char* p, const char* end,
                                               std::int64_t& out) noexcept {
  std::uint64_t v = 0;
  const char* const q = scan_digits(p, end, v);
  const auto n = q - p;
  if (n == 0 || n > 18 || (n > 1 && *p == '0')) return nullptr;
  out = static_cast<std::int64_t>(v);
  return q;
}

/// Reads money written `-?D{1,14}(<point>D{1,4})?` (at most 18 digits: no overflow) from `p` as
/// 1/10000 units; returns the end of that text, or nullptr when the text there is not so written
/// (the caller checks that the cell ends where the number does).
[[nodiscard]] inline const char* scan_plain_money(const char* p, const char* end, char point,
                                                  std::int64_t& out) noexcept {
  const char* q = p;
  const bool negative = q != end && *q == '-';
  if (negative) ++q;
  const char* const whole = q;
  std::uint64_t v = 0;
  q = scan_digits(q, end, v);
  const auto digits = q - whole;
  if (digits == 0 || digits > 14) return nullptr;
  auto scale = 4;
  if (q != end && *q == point) {
    const char* const frac = ++q;
    q = scan_digits(q, end, v);
    const auto decimals = q - frac;
    if (decimals == 0 || decimals > 4) return nullptr;
    scale -= static_cast<int>(decimals);
  }
  constexpr std::uint64_t tens[] = {1, 10, 100, 1000, 10000};
  const auto e4 = static_cast<std::int64_t>(v * tens[scale]);
  out = negative ? -e4 : e4;
  return q;
}

/// A whole cell that scan_plain_money reads; `out` is left alone when it is not one.
[[nodiscard]] inline bool fast_plain_money(std::string_view s, char point,
                                           std::int64_t& out) noexcept {
  std::int64_t v = 0;
  if (scan_plain_money(s.data(), s.data() + s.size(), point, v) != s.data() + s.size()) {
    return false;
  }
  out = v;
  return true;
}

/// One timestamp cell's text remembered with its converted value: exports sorted by date repeat
/// the same date cell for many rows in a row, and comparing 10 or 19 bytes is cheaper than
/// converting.
struct last_timestamp {
  char text[19] = {};
  std::size_t size = 0;
  std::int64_t value = 0;
  bool has_time = false;

  [[nodiscard]] bool matches(std::string_view s) const noexcept {
    if (s.size() != size || size == 0) return false;
    if (size == 10) {  // a date: two loads, no call
      std::uint64_t a = 0;
      std::uint64_t b = 0;
      std::uint16_t c = 0;
      std::uint16_t d = 0;
      std::memcpy(&a, s.data(), 8);
      std::memcpy(&b, text, 8);
      std::memcpy(&c, s.data() + 8, 2);
      std::memcpy(&d, text + 8, 2);
      return a == b && c == d;
    }
    return std::memcmp(s.data(), text, size) == 0;
  }
  void remember(std::string_view s, std::int64_t v, bool t) noexcept {
    std::memcpy(text, s.data(), s.size());
    size = s.size();
    value = v;
    has_time = t;
  }
};

}  // namespace crm::io::detail
