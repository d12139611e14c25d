#include "crm/dates.hpp"

#include <array>
#include <cstdio>

namespace crm {
namespace {

constexpr bool is_leap(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr unsigned days_in_month(int year, unsigned month) noexcept {
  constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29U : days[month - 1];
}

constexpr int floor_div(int a, int b) noexcept {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

// 1969-12-29 was the Monday that starts the week containing day 0.
constexpr day_t monday_before_epoch = -3;

// ISO-8601 week-numbering year and week of a day.
void iso_week_of(day_t day, int& iso_year, unsigned& week) noexcept {
  const day_t thursday = day - static_cast<day_t>(iso_weekday(day)) + 4;
  iso_year = civil_from_days(thursday).year;
  const day_t jan1 = days_from_civil(iso_year, 1, 1);
  week = static_cast<unsigned>((thursday - jan1) / 7 + 1);
}

}  // namespace

bool is_valid_date(int year, unsigned month, unsigned day) noexcept {
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

std::string format_date(day_t day) {
  const civil_date c = civil_from_days(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::optional<day_t> parse_iso_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = 0; i < lengths[p]; ++i) {
      const char ch = text[starts[p] + i];
      if (ch < '0' || ch > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (ch - '0');
    }
  }
  const auto month = static_cast<unsigned>(parts[1]);
  const auto dom = static_cast<unsigned>(parts[2]);
  if (!is_valid_date(parts[0], month, dom)) return std::nullopt;
  return days_from_civil(parts[0], month, dom);
}

std::string_view to_string(period_kind kind) noexcept {
  switch (kind) {
    case period_kind::day:
      return "day";
    case period_kind::week:
      return "week";
    case period_kind::month:
      return "month";
    case period_kind::quarter:
      return "quarter";
    case period_kind::year:
      return "year";
  }
  return "?";
}

std::optional<period_kind> parse_period_kind(std::string_view text) noexcept {
  if (text == "day" || text == "d" || text == "daily") return period_kind::day;
  if (text == "week" || text == "w" || text == "weekly") return period_kind::week;
  if (text == "month" || text == "m" || text == "monthly") return period_kind::month;
  if (text == "quarter" || text == "q" || text == "quarterly") return period_kind::quarter;
  if (text == "year" || text == "y" || text == "yearly") return period_kind::year;
  return std::nullopt;
}

std::int32_t period_index(day_t day, period_kind kind) noexcept {
  switch (kind) {
    case period_kind::day:
      return day;
    case period_kind::week:
      return floor_div(day - monday_before_epoch, 7);
    case period_kind::month: {
      const civil_date c = civil_from_days(day);
      return c.year * 12 + static_cast<int>(c.month) - 1;
    }
    case period_kind::quarter: {
      const civil_date c = civil_from_days(day);
      return c.year * 4 + static_cast<int>((c.month - 1) / 3);
    }
    case period_kind::year:
      return civil_from_days(day).year;
  }
  return day;
}

day_t period_start(std::int32_t index, period_kind kind) noexcept {
  switch (kind) {
    case period_kind::day:
      return index;
    case period_kind::week:
      return monday_before_epoch + index * 7;
    case period_kind::month:
      return days_from_civil(floor_div(index, 12),
                             static_cast<unsigned>(index - floor_div(index, 12) * 12) + 1, 1);
    case period_kind::quarter:
      return days_from_civil(floor_div(index, 4),
                             static_cast<unsigned>(index - floor_div(index, 4) * 4) * 3 + 1, 1);
    case period_kind::year:
      return days_from_civil(index, 1, 1);
  }
  return index;
}

std::string period_label(std::int32_t index, period_kind kind) {
  char buf[32];
  const day_t start = period_start(index, kind);
  const civil_date c = civil_from_days(start);
  switch (kind) {
    case period_kind::day:
      return format_date(start);
    case period_kind::week: {
      int iso_year = 0;
      unsigned week = 0;
      iso_week_of(start, iso_year, week);
      std::snprintf(buf, sizeof buf, "%04d-W%02u", iso_year, week);
      return buf;
    }
    case period_kind::month:
      std::snprintf(buf, sizeof buf, "%04d-%02u", c.year, c.month);
      return buf;
    case period_kind::quarter:
      std::snprintf(buf, sizeof buf, "%04d-Q%u", c.year, (c.month - 1) / 3 + 1);
      return buf;
    case period_kind::year:
      std::snprintf(buf, sizeof buf, "%04d", c.year);
      return buf;
  }
  return format_date(start);
}

}  // namespace crm
