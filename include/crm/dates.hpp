#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm {

/// A date as days since 1970-01-01 (civil, proleptic Gregorian), in the report's time zone.
using day_t = std::int32_t;

/// Seconds in a civil day.
inline constexpr std::int64_t seconds_per_day = 86400;

/// A calendar date; month 1..12, day 1..31.
struct civil_date {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  friend bool operator==(const civil_date&, const civil_date&) = default;
};

/// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). No validation.
[[nodiscard]] constexpr day_t days_from_civil(int year, unsigned month, unsigned day) noexcept {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<day_t>(era * 146097 + static_cast<int>(doe) - 719468);
}

/// The civil date of a day number (inverse of days_from_civil).
[[nodiscard]] constexpr civil_date civil_from_days(day_t days) noexcept {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// True when year/month/day name a real calendar date (leap years included).
[[nodiscard]] bool is_valid_date(int year, unsigned month, unsigned day) noexcept;

/// The day containing a number of seconds since 1970-01-01T00:00 (floor division).
[[nodiscard]] constexpr day_t day_of_seconds(std::int64_t seconds) noexcept {
  std::int64_t d = seconds / seconds_per_day;
  if (seconds % seconds_per_day < 0) --d;
  return static_cast<day_t>(d);
}

/// ISO weekday of a day: 1 = Monday ... 7 = Sunday.
[[nodiscard]] constexpr unsigned iso_weekday(day_t day) noexcept {
  const int w = (day + 3) % 7;  // 1970-01-01 was a Thursday (ISO 4)
  return static_cast<unsigned>(w < 0 ? w + 7 : w) + 1;
}

/// `YYYY-MM-DD` of a day.
[[nodiscard]] std::string format_date(day_t day);

/// Parses a strict ISO `YYYY-MM-DD`; nullopt when malformed or not a real date.
[[nodiscard]] std::optional<day_t> parse_iso_date(std::string_view text) noexcept;

/// The calendar periods a report can be cut into. Weeks are ISO weeks (Monday to Sunday).
enum class period_kind : std::uint8_t { day, week, month, quarter, year };

/// "day", "week", "month", "quarter", "year".
[[nodiscard]] std::string_view to_string(period_kind kind) noexcept;

/// Inverse of to_string (also accepts "d", "w", "m", "q", "y"); nullopt otherwise.
[[nodiscard]] std::optional<period_kind> parse_period_kind(std::string_view text) noexcept;

/// A dense, ordered index of the period containing `day`: consecutive periods differ by 1.
/// day: the day itself; week: Monday-based week number; month: year*12 + month-1;
/// quarter: year*4 + quarter-1; year: the year.
[[nodiscard]] std::int32_t period_index(day_t day, period_kind kind) noexcept;

/// The first day of the period with that index (inverse of period_index).
[[nodiscard]] day_t period_start(std::int32_t index, period_kind kind) noexcept;

/// A period's label: `2024-03-05`, ISO week `2024-W09`, `2024-03`, `2024-Q1`, `2024`.
[[nodiscard]] std::string period_label(std::int32_t index, period_kind kind);

}  // namespace crm
