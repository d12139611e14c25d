// Number, money, boolean and missing-value parsers for single cells (crm/io/values.hpp).
// Hot path: plain `123.45` and plain integers are handled by a direct digit loop before any of
// the general machinery (affixes, separators, exponents) runs.

#include "crm/io/values.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>

#include "fast_cells.hpp"

namespace crm::io {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ci(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return to_lower(x) == to_lower(y); });
}

// ASCII white space, NO-BREAK SPACE (U+00A0) and IDEOGRAPHIC SPACE (U+3000), as UTF-8.
constexpr std::array<std::string_view, 2> wide_spaces{"\xC2\xA0", "\xE3\x80\x80"};

constexpr bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Bytes of white space at the front / back of `s` (0 when none).
std::size_t space_at_front(std::string_view s) noexcept {
  if (!s.empty() && is_ascii_space(s.front())) return 1;
  for (const std::string_view w : wide_spaces) {
    if (s.starts_with(w)) return w.size();
  }
  return 0;
}

std::size_t space_at_back(std::string_view s) noexcept {
  if (!s.empty() && is_ascii_space(s.back())) return 1;
  for (const std::string_view w : wide_spaces) {
    if (s.ends_with(w)) return w.size();
  }
  return 0;
}

std::string_view trim_front(std::string_view s) noexcept {
  while (const std::size_t k = space_at_front(s)) s.remove_prefix(k);
  return s;
}

std::string_view trim_back(std::string_view s) noexcept {
  while (const std::size_t k = space_at_back(s)) s.remove_suffix(k);
  return s;
}

std::string_view trim(std::string_view s) noexcept { return trim_back(trim_front(s)); }

// US$ HK$ R$ $ € £ ¥ ￥ ₩ ₹ 元 (UTF-8) and ISO codes; longer tokens first so that `US$` wins
// over `$`. Compared case-insensitively (ASCII letters only).
constexpr std::array<std::string_view, 18> currency_tokens{
    "US$",          "HK$",          "R$",           "$",
    "\xE2\x82\xAC", "\xC2\xA3",     "\xC2\xA5",     "\xEF\xBF\xA5",
    "\xE2\x82\xA9", "\xE2\x82\xB9", "\xE5\x85\x83", "RMB",
    "CNY",          "USD",          "EUR",          "GBP",
    "JPY",          "BRL"};

// Length of the currency token at the start (or the end) of `s`, 0 if none.
std::size_t currency_at(std::string_view s, bool at_end) noexcept {
  for (const std::string_view t : currency_tokens) {
    if (s.size() >= t.size() &&
        equals_ci(s.substr(at_end ? s.size() - t.size() : 0, t.size()), t)) {
      return t.size();
    }
  }
  return 0;
}

// What surrounds the number: sign, accounting parentheses, currency, percent.
struct affixes {
  bool negative = false;
  bool percent = false;
  std::string_view core;  // the number itself, still with separators
};

// Removes one affix from `s` if one applies; false when none does.
bool peel_one(std::string_view& s, affixes& a, bool& sign, bool& paren, bool& currency,
              bool allow_percent) noexcept {
  if (!paren && !sign && s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    s = trim(s.substr(1, s.size() - 2));
    paren = a.negative = true;
  } else if (!sign && !paren && !s.empty() && (s.front() == '-' || s.front() == '+')) {
    a.negative = s.front() == '-';
    s.remove_prefix(1);
    sign = true;
  } else if (const std::size_t k = currency || a.percent ? 0 : currency_at(s, false); k != 0) {
    s = trim_front(s.substr(k));
    currency = true;
  } else if (const std::size_t m = currency || a.percent ? 0 : currency_at(s, true); m != 0) {
    s = trim_back(s.substr(0, s.size() - m));
    currency = true;
  } else if (allow_percent && !a.percent && !currency && s.ends_with('%')) {
    s = trim_back(s.substr(0, s.size() - 1));
    a.percent = true;
  } else {
    return false;
  }
  return true;
}

// Splits a trimmed cell into affixes and the number; the core is checked later.
affixes peel_affixes(std::string_view cell, bool allow_percent) noexcept {
  affixes a;
  std::string_view s = trim(cell);
  if (s.starts_with('\'')) s = trim_front(s.substr(1));  // Excel text guard
  bool sign = false;
  bool paren = false;
  bool currency = false;
  while (peel_one(s, a, sign, paren, currency, allow_percent)) {
  }
  a.core = s;
  return a;
}

// A validated number: mantissa (digits, group separators, decimal point) and exponent.
struct number_text {
  std::string_view mantissa;
  std::int64_t int_digits = 0;
  std::int64_t frac_digits = 0;
  std::int64_t exponent = 0;
  bool has_exponent = false;
};

constexpr std::int64_t exponent_cap = 100000;

// Length of the thousands separator at the start of `s`, 0 if none. A space separator also
// matches NO-BREAK SPACE and NARROW NO-BREAK SPACE (French exports).
std::size_t separator_at(std::string_view s, char sep) noexcept {
  if (sep == '\0' || s.empty()) return 0;
  if (s.front() == sep) return 1;
  if (sep == ' ' && (s.starts_with("\xC2\xA0") || s.starts_with("\xE2\x80\xAF"))) {
    return s.starts_with("\xC2\xA0") ? 2 : 3;
  }
  return 0;
}

// Integer digits with optional separators between groups of three; returns the end or npos.
std::size_t scan_integer_part(std::string_view s, char sep, number_text& out) noexcept {
  std::size_t i = 0;
  std::int64_t group = 0;
  bool grouped = false;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      ++out.int_digits;
      ++group;
      ++i;
    } else if (const std::size_t k = separator_at(s.substr(i), sep); k != 0) {
      if (group == 0 || group > 3 || (grouped && group != 3)) return std::string_view::npos;
      grouped = true;
      group = 0;
      i += k;
    } else {
      break;
    }
  }
  if (grouped && group != 3) return std::string_view::npos;
  return i;
}

// Exponent `e[+-]digits` from s[i]; returns the end or npos.
std::size_t scan_exponent(std::string_view s, std::size_t i, number_text& out) noexcept {
  if (i == s.size() || (s[i] != 'e' && s[i] != 'E')) return i;
  ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const std::size_t first = i;
  std::int64_t e = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (e < exponent_cap) e = e * 10 + (s[i] - '0');
  }
  if (i == first) return std::string_view::npos;
  out.exponent = negative ? -e : e;
  out.has_exponent = true;
  return i;
}

bool scan_number(std::string_view s, const value_options& o, number_text& out) noexcept {
  if (o.decimal_point == o.thousands_sep) return false;
  std::size_t i = scan_integer_part(s, o.thousands_sep, out);
  if (i == std::string_view::npos) return false;
  if (i < s.size() && s[i] == o.decimal_point) {
    for (++i; i < s.size() && is_digit(s[i]); ++i) ++out.frac_digits;
  }
  if (out.int_digits + out.frac_digits == 0) return false;
  out.mantissa = s.substr(0, i);
  i = scan_exponent(s, i, out);
  return i == s.size();
}

constexpr std::uint64_t money_limit_e4 = 9'000'000'000'000'000'000ULL;  // 9e14 units

// Units of 1e-4 from a digit sequence rounded half to even; false beyond the limit.
bool round_e4(std::uint64_t kept, int round_digit, bool sticky, std::uint64_t& out) noexcept {
  if (round_digit > 5 || (round_digit == 5 && (sticky || (kept & 1U) != 0))) ++kept;
  if (kept > money_limit_e4) return false;
  out = kept;
  return true;
}

// Exact decimal conversion of a validated number to units of 1e-4.
bool to_e4(const number_text& t, std::uint64_t& out) noexcept {
  const std::int64_t first_power = t.int_digits - 1 + t.exponent;
  std::int64_t k = 0;
  std::int64_t last_power = -4;
  std::uint64_t kept = 0;
  int round_digit = 0;
  bool sticky = false;
  for (const char c : t.mantissa) {
    if (!is_digit(c)) continue;
    const std::int64_t p = first_power - k++;
    const int d = c - '0';
    if (p >= -4) {
      if (d != 0 && p > 14) return false;  // >= 1e15
      kept = kept * 10 + static_cast<unsigned>(d);
      last_power = p;
    } else if (p == -5) {
      round_digit = d;
    } else {
      sticky = sticky || d != 0;
    }
  }
  for (std::int64_t p = last_power; kept != 0 && p > -4; --p) kept *= 10;
  return round_e4(kept, round_digit, sticky, out);
}

bool is_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// Splits `-?digits[<point>digits]` into its parts; false for any other text.
bool split_plain(std::string_view s, char point, bool& negative, std::string_view& whole,
                 std::string_view& frac) noexcept {
  negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  const std::size_t p = s.find(point);
  whole = s.substr(0, p);
  frac = p == std::string_view::npos ? std::string_view{} : s.substr(p + 1);
  return is_digits(whole) && (p == std::string_view::npos || is_digits(frac));
}

// Writes digits, '.', and `e<exponent>` into `buf`; returns the length or 0 when too long.
std::size_t clean_copy(const number_text& t, std::int64_t exponent, char point, char* buf,
                       std::size_t size) noexcept {
  std::size_t n = 0;
  for (const char c : t.mantissa) {
    if (n + 1 >= size) return 0;
    if (is_digit(c)) buf[n++] = c;
    if (c == point) buf[n++] = '.';
  }
  if (exponent == 0) return n;
  if (n + 24 >= size) return 0;
  buf[n++] = 'e';
  const auto r = std::to_chars(buf + n, buf + size, exponent);
  return static_cast<std::size_t>(r.ptr - buf);
}

// True when an out-of-range text is tiny rather than huge: a negative exponent, or no exponent
// and a zero integer part.
bool is_underflow(std::string_view s) noexcept {
  const std::size_t e = s.find_first_of("eE");
  if (e != std::string_view::npos) return e + 1 < s.size() && s[e + 1] == '-';
  return s.substr(0, s.find('.')).find_first_of("123456789") == std::string_view::npos;
}

// Reads [first, last) whole with from_chars (digits, '.', exponent; a leading '-' allowed).
parse_status read_double(const char* first, const char* last, double& out) noexcept {
  double v = 0.0;
  const auto r = std::from_chars(first, last, v);
  if (r.ptr != last) return parse_status::bad;
  if (r.ec == std::errc::result_out_of_range) {
    const std::string_view text(first, static_cast<std::size_t>(last - first));
    if (!is_underflow(text)) return parse_status::bad;
    v = *first == '-' ? -0.0 : 0.0;  // nearer to zero than the smallest subnormal
  } else if (r.ec != std::errc{}) {
    return parse_status::bad;
  }
  out = v;
  return parse_status::ok;
}

bool is_integer_text(std::string_view s) noexcept {
  if (s.starts_with('-') || s.starts_with('+')) s.remove_prefix(1);
  return s.size() <= 18 && is_digits(s);
}

bool matches_any(std::string_view s, std::initializer_list<std::string_view> words,
                 bool case_insensitive) noexcept {
  return std::ranges::any_of(
      words, [&](std::string_view w) { return case_insensitive ? equals_ci(s, w) : s == w; });
}

}  // namespace

bool is_missing(std::string_view cell) noexcept {
  const std::string_view s = trim(cell);
  return s.empty() ||
         matches_any(s,
                     {"NA", "N/A", "n/a", "NULL", "null", "NaN", "nan", "None", "#N/A", "-", "--"},
                     false);
}

parse_status parse_money(std::string_view cell, std::int64_t& out_e4,
                         const value_options& options) noexcept {
  if (options.decimal_point != options.thousands_sep &&
      detail::fast_plain_money(cell, options.decimal_point, out_e4)) {
    return parse_status::ok;
  }
  const affixes a = peel_affixes(cell, false);
  number_text t;
  std::uint64_t e4 = 0;
  if (!scan_number(a.core, options, t) || !to_e4(t, e4)) return parse_status::bad;
  out_e4 = a.negative ? -static_cast<std::int64_t>(e4) : static_cast<std::int64_t>(e4);
  return parse_status::ok;
}

parse_status parse_decimal(std::string_view cell, double& out,
                           const value_options& options) noexcept {
  bool negative = false;
  std::string_view whole;
  std::string_view frac;
  if (options.decimal_point == '.' && options.thousands_sep != '.' &&
      split_plain(cell, '.', negative, whole, frac)) {
    return read_double(cell.data(), cell.data() + cell.size(), out);
  }
  const affixes a = peel_affixes(cell, true);
  number_text t;
  if (!scan_number(a.core, options, t)) return parse_status::bad;
  const std::int64_t exponent = t.exponent - (a.percent ? 2 : 0);
  std::array<char, 512> buf{};
  const std::size_t n = clean_copy(t, exponent, options.decimal_point, buf.data(), buf.size());
  if (n == 0) return parse_status::bad;  // over 480 digits: not a value a CRM writes
  double v = 0.0;
  if (read_double(buf.data(), buf.data() + n, v) != parse_status::ok) return parse_status::bad;
  out = a.negative ? -v : v;
  return parse_status::ok;
}

parse_status parse_integer(std::string_view cell, std::int64_t& out,
                           const value_options& options) noexcept {
  if (is_integer_text(cell)) {
    const char* first = cell.data() + (cell.front() == '+' ? 1 : 0);
    const auto r = std::from_chars(first, cell.data() + cell.size(), out);
    return r.ec == std::errc{} ? parse_status::ok : parse_status::bad;
  }
  std::string_view s = trim(cell);
  if (s.starts_with('\'')) s = trim_front(s.substr(1));
  const bool negative = s.starts_with('-');
  if (negative || s.starts_with('+')) s.remove_prefix(1);
  number_text t;
  if (!scan_number(s, options, t) || t.has_exponent || t.int_digits == 0) return parse_status::bad;
  std::uint64_t magnitude = 0;
  const std::uint64_t limit =
      negative ? 9'223'372'036'854'775'808ULL : 9'223'372'036'854'775'807ULL;
  bool in_fraction = false;
  for (const char c : t.mantissa) {
    if (c == options.decimal_point) in_fraction = true;
    if (!is_digit(c)) continue;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (in_fraction && d != 0) return parse_status::bad;
    if (in_fraction) continue;
    if (magnitude > (limit - d) / 10) return parse_status::bad;
    magnitude = magnitude * 10 + d;
  }
  out = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return parse_status::ok;
}

parse_status parse_bool(std::string_view cell, bool& out) noexcept {
  const std::string_view s = trim(cell);
  // 是 否, 真 假, 有 无, √ ×: compared byte for byte (UTF-8).
  if (matches_any(s, {"yes", "y", "true", "t", "1", "on"}, true) ||
      matches_any(s, {"\xE6\x98\xAF", "\xE7\x9C\x9F", "\xE6\x9C\x89", "\xE2\x88\x9A"}, false)) {
    out = true;
    return parse_status::ok;
  }
  if (matches_any(s, {"no", "n", "false", "f", "0", "off"}, true) ||
      matches_any(s, {"\xE5\x90\xA6", "\xE5\x81\x87", "\xE6\x97\xA0", "\xC3\x97"}, false)) {
    out = false;
    return parse_status::ok;
  }
  return parse_status::bad;
}

}  // namespace crm::io
