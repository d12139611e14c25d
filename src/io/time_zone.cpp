// crm::io::time_zone: UTC, fixed offsets and IANA zones (Howard Hinnant's date/tz over the
// system tz database in /usr/share/zoneinfo).

#include "crm/io/time_zone.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <date/tz.h>

#include "crm/dates.hpp"
#include "crm/error.hpp"

namespace crm::io {

// The date library reads only the transitions stored in the TZif files, which end in 2037; the
// rule for later years (the file's POSIX footer) is ignored, so every later instant would get
// the offset in force after the last 2037 transition. Zones that still change their clocks in
// 2037 are therefore queried, past that horizon, in the latest year up to 2037 that has the
// same calendar (leap year and weekday of 1 January), where the same rules give the same
// transitions.
struct time_zone::iana {
  const date::time_zone* zone = nullptr;
  std::int64_t horizon = 0;  // start of the last stored interval
  bool rules_continue = false;
};

namespace {

constexpr std::int64_t seconds_per_hour = 3600;
constexpr std::int64_t max_offset = 24 * seconds_per_hour;
constexpr int last_stored_year = 2037;

constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ci(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && equals_ci(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void throw_bad_spec(std::string_view spec, const std::string& why) {
  throw invalid_input("time zone '" + std::string(spec) + "' " + why +
                          "; write UTC, an offset such as \"+08:00\" or an IANA name such as "
                          "\"Asia/Shanghai\"",
                      input_location{"time_zone", {}, -1, std::string(spec)});
}

// Reads up to two digits; returns how many.
int read_two(std::string_view s, std::size_t& i, int& value) noexcept {
  int n = 0;
  value = 0;
  for (; n < 2 && i < s.size() && s[i] >= '0' && s[i] <= '9'; ++n)
    value = value * 10 + (s[i++] - '0');
  return n;
}

// `+8`, `+08`, `+0800`, `+08:00`, `-05:30` (the sign is required); false otherwise.
bool parse_offset(std::string_view s, std::int32_t& out) noexcept {
  if (s.empty() || (s.front() != '+' && s.front() != '-')) return false;
  std::size_t i = 1;
  int h = 0;
  int m = 0;
  const int hour_digits = read_two(s, i, h);
  if (hour_digits == 0) return false;
  const bool colon = i < s.size() && s[i] == ':';
  if (colon) ++i;
  const int minute_digits = read_two(s, i, m);
  if (i != s.size() || h > 23 || m > 59) return false;
  if (colon ? minute_digits != 2
            : (minute_digits != 0 && (minute_digits != 2 || hour_digits != 2))) {
    return false;
  }
  out = (s.front() == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

// "UTC", "Z", "GMT" and fixed offsets, with an optional UTC/GMT prefix; false otherwise.
bool parse_fixed(std::string_view s, std::int32_t& out) noexcept {
  if (equals_ci(s, "utc") || equals_ci(s, "z") || equals_ci(s, "gmt")) {
    out = 0;
    return true;
  }
  if (starts_with_ci(s, "utc") || starts_with_ci(s, "gmt")) s = trim(s.substr(3));
  return parse_offset(s, out);
}

std::string offset_name(std::int32_t offset) {
  if (offset == 0) return "UTC";
  const std::int32_t a = offset < 0 ? -offset : offset;
  char buf[16];
  if (a % 60 != 0) {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", offset < 0 ? '-' : '+', a / 3600,
                  a / 60 % 60, a % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  }
  return buf;
}

// An IANA zone by exact name, else by a case-insensitive match; nullptr when unknown.
const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    for (const date::time_zone& z : date::get_tzdb().zones) {
      if (equals_ci(z.name(), name)) return &z;
    }
  }
  return nullptr;
}

date::sys_seconds sys(std::int64_t s) { return date::sys_seconds{std::chrono::seconds{s}}; }

std::int64_t year_start(int year) noexcept {
  return std::int64_t{days_from_civil(year, 1, 1)} * seconds_per_day;
}

constexpr bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Seconds to subtract from an instant in `year` (> 2037) to land in the latest year up to 2037
// with the same calendar.
std::int64_t same_calendar_shift(int year) noexcept {
  const auto weekday = [](int y) { return iso_weekday(days_from_civil(y, 1, 1)); };
  for (int y = last_stored_year; y > last_stored_year - 400; --y) {
    if (is_leap(y) == is_leap(year) && weekday(y) == weekday(year)) {
      return year_start(year) - year_start(y);
    }
  }
  return 0;
}

// Maps an instant (or wall time) past the stored horizon into the stored years.
std::int64_t fold(std::int64_t t, const std::int64_t horizon, bool rules_continue) noexcept {
  if (!rules_continue || t < horizon) return t;
  const int year = civil_from_days(day_of_seconds(t)).year;
  return year <= last_stored_year ? t : t - same_calendar_shift(year);
}

}  // namespace

time_zone::time_zone() : name_("UTC") {}

time_zone time_zone::fixed(std::int32_t offset_seconds) {
  if (offset_seconds <= -max_offset || offset_seconds >= max_offset) {
    throw invalid_input("fixed time zone offset " + std::to_string(offset_seconds) +
                            " s is not within 24 hours of UTC",
                        input_location{"time_zone::fixed", {}, -1, std::to_string(offset_seconds)});
  }
  time_zone tz;
  tz.fixed_offset_ = offset_seconds;
  tz.name_ = offset_name(offset_seconds);
  return tz;
}

time_zone time_zone::parse(std::string_view spec) {
  const std::string_view s = trim(spec);
  std::int32_t offset = 0;
  if (parse_fixed(s, offset)) return fixed(offset);
  if (s.empty()) throw_bad_spec(spec, "is empty");
  const date::time_zone* zone = nullptr;
  try {
    zone = find_zone(std::string(s));
  } catch (const std::exception& e) {
    throw_bad_spec(spec, std::string("cannot be looked up (") + e.what() + ")");
  }
  if (zone == nullptr) throw_bad_spec(spec, "is not UTC, a fixed offset or a known IANA zone");
  auto data = std::make_shared<iana>();
  data->zone = zone;
  const date::sys_info last = zone->get_info(sys(year_start(3000)));
  data->horizon = last.begin.time_since_epoch().count();
  data->rules_continue = data->horizon >= year_start(last_stored_year);
  time_zone tz;
  tz.name_ = zone->name();
  tz.zone_ = std::move(data);
  return tz;
}

std::int32_t time_zone::offset_at_utc(std::int64_t utc_seconds) const {
  if (zone_ == nullptr) return fixed_offset_;
  const std::int64_t t = fold(utc_seconds, zone_->horizon, zone_->rules_continue);
  return static_cast<std::int32_t>(zone_->zone->get_info(sys(t)).offset.count());
}

std::int64_t time_zone::to_local(std::int64_t utc_seconds) const {
  return utc_seconds + offset_at_utc(utc_seconds);
}

std::int64_t time_zone::to_utc(std::int64_t local_seconds) const {
  if (zone_ == nullptr) return local_seconds - fixed_offset_;
  // Folding by whole days keeps the wall clock's relation to the transitions.
  const std::int64_t t = fold(local_seconds, zone_->horizon, zone_->rules_continue);
  const date::local_info info = zone_->zone->get_info(date::local_seconds{std::chrono::seconds{t}});
  // unique: the only offset; nonexistent: the offset before the gap, which moves the wall time
  // forward by the gap; ambiguous: the first (earlier) of the two instants.
  return local_seconds - info.first.offset.count();
}

}  // namespace crm::io
