// Timestamp parser (crm/io/values.hpp): ISO 8601, year-first, compact, Chinese, day/month,
// month-name and epoch forms. ISO `YYYY-MM-DD` and `YYYY-MM-DD HH:MM:SS` take a fixed-width
// digit path first; everything else goes through a small cursor-based grammar. No allocation.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "crm/dates.hpp"
#include "crm/io/values.hpp"

namespace crm::io {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Trims ASCII white space, NO-BREAK SPACE (U+00A0) and IDEOGRAPHIC SPACE (U+3000).
std::string_view trim_wide(std::string_view s) noexcept {
  for (bool again = true; again;) {
    again = false;
    s = trim(s);
    for (const std::string_view w : {"\xC2\xA0", "\xE3\x80\x80"}) {
      const bool front = s.starts_with(w);
      if (front) s.remove_prefix(w.size());
      const bool back = s.ends_with(w);
      if (back) s.remove_suffix(w.size());
      again = again || front || back;
    }
  }
  return s;
}

// Reads a cell left to right.
class cursor {
 public:
  explicit cursor(std::string_view s) noexcept : s_(s) {}
  [[nodiscard]] bool done() const noexcept { return i_ == s_.size(); }
  [[nodiscard]] char peek() const noexcept { return done() ? '\0' : s_[i_]; }
  bool eat(char c) noexcept { return !done() && s_[i_] == c ? (++i_, true) : false; }
  bool eat(std::string_view t) noexcept {
    if (s_.substr(i_, t.size()) != t) return false;
    i_ += t.size();
    return true;
  }
  // ASCII letters compared case-insensitively.
  bool eat_ci(std::string_view t) noexcept {
    if (s_.size() - i_ < t.size()) return false;
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (to_lower(s_[i_ + k]) != t[k]) return false;
    }
    i_ += t.size();
    return true;
  }
  // Skips white space; true when there was some.
  bool spaces() noexcept {
    const std::size_t start = i_;
    while (!done() && is_space(s_[i_])) ++i_;
    return i_ != start;
  }
  // Reads 1..max_digits digits into `value`; returns how many were read.
  int number(int max_digits, int& value) noexcept {
    int n = 0;
    value = 0;
    for (; n < max_digits && !done() && is_digit(s_[i_]); ++n)
      value = value * 10 + (s_[i_++] - '0');
    return n;
  }
  // The run of ASCII letters at the cursor (consumed).
  std::string_view word() noexcept {
    const std::size_t start = i_;
    while (!done() && is_alpha(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

enum class date_form : unsigned char { other, day_month };
enum class meridiem : unsigned char { none, am, pm };

// The fields of a cell as written. In a day/month form `month` and `day` hold the first and the
// second number until resolve_date knows the order.
struct fields {
  date_form form = date_form::other;
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int32_t offset = 0;
  bool has_time = false;
  bool has_offset = false;
  bool chinese = false;  // 年月日: the time may follow without a space
};

constexpr std::int64_t seconds_of(int y, int mo, int d, int h, int mi, int s) noexcept {
  const std::int64_t day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return day * seconds_per_day + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s;
}

bool valid_date(int y, int m, int d) noexcept {
  return m >= 1 && d >= 1 && is_valid_date(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

// Two-digit years as Excel reads them: 00-29 -> 20xx, 30-99 -> 19xx.
int expand_year(int value, int digits) noexcept {
  if (digits == 4) return value;
  return value < 30 ? 2000 + value : 1900 + value;
}

// A year of 2 or 4 digits; false for any other length.
bool read_year(cursor& c, int& year) noexcept {
  int v = 0;
  const int n = c.number(4, v);
  if (n != 2 && n != 4) return false;
  year = expand_year(v, n);
  return true;
}

// 1..12 for an English month name or abbreviation (`Sept` too, optional trailing '.').
int read_month_name(cursor& c) noexcept {
  static constexpr std::array<std::string_view, 12> names{
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  const std::string_view w = c.word();
  if (w.size() < 3) return 0;
  for (std::size_t m = 0; m < names.size(); ++m) {
    const std::string_view n = names[m];
    bool match = w.size() == 3 || w.size() == n.size() || (m == 8 && w.size() == 4);
    for (std::size_t k = 0; match && k < w.size(); ++k) match = to_lower(w[k]) == n[k];
    if (match) {
      c.eat('.');
      return static_cast<int>(m) + 1;
    }
  }
  return 0;
}

// `Jan 5, 2024`, `January 5 2024`.
bool month_first(cursor& c, fields& f) noexcept {
  f.month = read_month_name(c);
  if (f.month == 0 || !c.spaces() || c.number(2, f.day) == 0) return false;
  const bool comma = c.eat(',');
  return (c.spaces() || comma) && read_year(c, f.year);
}

// `2024-01-05`, `2024/1/5`, `2024.1.5`, `2024年1月5日`.
bool year_first(cursor& c, fields& f) noexcept {
  if (c.eat("\xE5\xB9\xB4")) {  // 年 月 日
    f.chinese = true;
    return c.number(2, f.month) != 0 && c.eat("\xE6\x9C\x88") && c.number(2, f.day) != 0 &&
           c.eat("\xE6\x97\xA5");
  }
  const char sep = c.peek();
  if (sep != '-' && sep != '/' && sep != '.') return false;
  c.eat(sep);
  return c.number(2, f.month) != 0 && c.eat(sep) && c.number(2, f.day) != 0;
}

// `1/5/2024`, `5-Jan-2024`, `5 Jan 2024`, after the first number `first`.
bool number_first(cursor& c, fields& f, int first) noexcept {
  f.day = first;
  if (c.spaces()) {
    f.month = read_month_name(c);
    return f.month != 0 && c.spaces() && read_year(c, f.year);
  }
  const char sep = c.peek();
  if (sep != '-' && sep != '/' && sep != '.') return false;
  c.eat(sep);
  if (is_alpha(c.peek())) {
    f.month = read_month_name(c);
    return f.month != 0 && c.eat(sep) && read_year(c, f.year);
  }
  f.form = date_form::day_month;
  f.month = first;  // the order is resolved later (resolve_date)
  return c.number(2, f.day) != 0 && c.eat(sep) && read_year(c, f.year);
}

bool parse_date(cursor& c, fields& f) noexcept {
  if (is_alpha(c.peek())) return month_first(c, f);
  int v = 0;
  const int n = c.number(4, v);
  if (n == 4) {
    f.year = v;
    return year_first(c, f);
  }
  return n != 0 && n <= 2 && number_first(c, f, v);
}

meridiem read_meridiem(cursor& c) noexcept {
  if (c.eat_ci("am") || c.eat("\xE4\xB8\x8A\xE5\x8D\x88")) return meridiem::am;  // 上午
  if (c.eat_ci("pm") || c.eat("\xE4\xB8\x8B\xE5\x8D\x88")) return meridiem::pm;  // 下午
  return meridiem::none;
}

// `08:03`, `8:03:07`, `08:03:07.123456`, `8时3分`, `8时3分7秒`.
bool read_clock(cursor& c, fields& f) noexcept {
  if (c.number(2, f.hour) == 0) return false;
  if (c.eat("\xE6\x97\xB6")) {  // 时 分 秒
    if (c.number(2, f.minute) == 0 || !c.eat("\xE5\x88\x86")) return false;
    return c.number(2, f.second) == 0 || c.eat("\xE7\xA7\x92");
  }
  if (!c.eat(':') || c.number(2, f.minute) != 2) return false;
  if (!c.eat(':')) return true;
  if (c.number(2, f.second) != 2) return false;
  if (c.eat('.') || c.eat(',')) {
    int ignored = 0;
    if (c.number(1, ignored) == 0) return false;
    while (is_digit(c.peek())) c.number(1, ignored);  // sub-second digits are truncated
  }
  return true;
}

// `Z`, `UTC`, `GMT`, `+08:00`, `+0800`, `+08`, `UTC+08:00`; false when malformed.
bool read_zone(cursor& c, fields& f) noexcept {
  if (c.eat_ci("z")) {
    f.has_offset = true;
    return true;
  }
  const bool named = c.eat_ci("utc") || c.eat_ci("gmt");
  const char sign = c.peek();
  if (sign != '+' && sign != '-') {
    f.has_offset = named;
    return named;
  }
  c.eat(sign);
  int h = 0;
  int m = 0;
  if (c.number(2, h) != 2) return false;
  const bool colon = c.eat(':');
  const int n = c.number(2, m);
  if ((colon && n != 2) || (n != 0 && n != 2) || h > 23 || m > 59) return false;
  f.offset = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
  f.has_offset = true;
  return true;
}

bool apply_meridiem(fields& f, meridiem m) noexcept {
  if (m == meridiem::none) return true;
  if (f.hour < 1 || f.hour > 12) return false;
  f.hour = f.hour % 12 + (m == meridiem::pm ? 12 : 0);
  return true;
}

// The optional time after the date: separator, clock, AM/PM, zone, then the end of the cell.
bool parse_time(cursor& c, fields& f) noexcept {
  if (c.done()) return true;
  const bool separated = c.eat('T') || c.spaces();
  meridiem m = read_meridiem(c);  // 下午 3:05 (Chinese order)
  if (m != meridiem::none) {
    c.spaces();
  } else if (!separated && !f.chinese) {
    return false;
  }
  if (!read_clock(c, f)) return false;
  f.has_time = true;
  c.spaces();
  if (m == meridiem::none && (m = read_meridiem(c)) != meridiem::none) c.spaces();
  if (!c.done() && !read_zone(c, f)) return false;
  if (!c.done() || !apply_meridiem(f, m)) return false;
  if (f.second == 60) f.second = 59;  // leap second
  return f.hour <= 23 && f.minute <= 59 && f.second <= 59;
}

bool parse_fields(std::string_view text, fields& f) noexcept {
  cursor c(text);
  return parse_date(c, f) && parse_time(c, f);
}

// Fixed-width ISO `YYYY-MM-DD` (10) and `YYYY-MM-DD[ T]HH:MM:SS` (19); false for other shapes.
bool fast_iso(std::string_view s, timestamp_value& out, parse_status& status) noexcept {
  const std::size_t n = s.size();
  if ((n != 10 && n != 19) || s[4] != '-' || s[7] != '-') return false;
  if (n == 19 && ((s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')) return false;
  std::array<int, 6> v{};
  constexpr std::array<std::size_t, 6> at{0, 5, 8, 11, 14, 17};
  for (std::size_t k = 0; k < (n == 10 ? 3U : 6U); ++k) {
    const std::size_t width = k == 0 ? 4 : 2;
    for (std::size_t i = at[k]; i < at[k] + width; ++i) {
      if (!is_digit(s[i])) return false;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  }
  const bool valid = valid_date(v[0], v[1], v[2]) && v[3] <= 23 && v[4] <= 59 && v[5] <= 60;
  status = valid ? parse_status::ok : parse_status::bad;
  if (valid) {
    out = {seconds_of(v[0], v[1], v[2], v[3], v[4], v[5] == 60 ? 59 : v[5]), 0, false, n == 19};
  }
  return true;
}

// All digits: compact dates (8, 14 digits) and epoch seconds (9-10) or milliseconds (12-13).
parse_status parse_digits(std::string_view s, timestamp_value& out) noexcept {
  const auto part = [s](std::size_t at, std::size_t width) {
    int r = 0;
    for (std::size_t i = at; i < at + width && i < s.size(); ++i) r = r * 10 + (s[i] - '0');
    return r;
  };
  if (s.size() == 8 || s.size() == 14) {  // YYYYMMDD[HHMMSS]
    fields f;
    f.has_time = s.size() == 14;
    f.second = part(12, 2);
    if (f.second == 60) f.second = 59;  // leap second
    if (!valid_date(part(0, 4), part(4, 2), part(6, 2)) || part(8, 2) > 23 || part(10, 2) > 59 ||
        f.second > 59) {
      return parse_status::bad;
    }
    out = {seconds_of(part(0, 4), part(4, 2), part(6, 2), part(8, 2), part(10, 2), f.second), 0,
           false, f.has_time};
    return parse_status::ok;
  }
  const bool millis = s.size() == 12 || s.size() == 13;
  if (!millis && s.size() != 9 && s.size() != 10) return parse_status::bad;
  std::int64_t v = 0;
  for (const char ch : s) v = v * 10 + (ch - '0');
  if (millis) v /= 1000;
  constexpr std::int64_t end_of_2100 = seconds_of(2101, 1, 1, 0, 0, 0);
  if (v >= end_of_2100) return parse_status::bad;
  out = {v, 0, true, true};
  return parse_status::ok;
}

bool all_digits(std::string_view s) noexcept {
  for (const char ch : s) {
    if (!is_digit(ch)) return false;
  }
  return !s.empty();
}

// Resolves the order of a day/month form and checks the calendar date.
parse_status resolve_date(fields& f, date_order order) noexcept {
  if (f.form == date_form::day_month) {
    const bool mdy = valid_date(f.year, f.month, f.day);
    const bool dmy = valid_date(f.year, f.day, f.month);
    if (order == date_order::automatic && mdy && dmy) return parse_status::needs_date_order;
    const bool use_dmy = order == date_order::dmy || (order == date_order::automatic && dmy);
    if (use_dmy) std::swap(f.month, f.day);
  }
  return valid_date(f.year, f.month, f.day) ? parse_status::ok : parse_status::bad;
}

}  // namespace

parse_status parse_timestamp(std::string_view cell, timestamp_value& out,
                             const value_options& options) noexcept {
  parse_status status = parse_status::bad;
  if (fast_iso(cell, out, status)) return status;
  const std::string_view s = trim_wide(cell);
  if (all_digits(s)) return parse_digits(s, out);
  fields f;
  if (!parse_fields(s, f)) return parse_status::bad;
  status = resolve_date(f, options.dates);
  if (status != parse_status::ok) return status;
  out = {seconds_of(f.year, f.month, f.day, f.hour, f.minute, f.second), f.offset, f.has_offset,
         f.has_time};
  return parse_status::ok;
}

day_month_fit classify_day_month(std::string_view cell) noexcept {
  fields f;
  if (!parse_fields(trim_wide(cell), f) || f.form != date_form::day_month) return {};
  return {valid_date(f.year, f.month, f.day), valid_date(f.year, f.day, f.month)};
}

}  // namespace crm::io
