#include "crm/service.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "crm/error.hpp"

namespace crm {
namespace {

/// Days are counted from this origin (about 700 BC) so that every count is non-negative.
constexpr std::int64_t origin_day = -1'000'000;

/// A validated calendar with its holidays sorted, deduplicated and limited to working weekdays.
struct prepared_calendar {
  std::uint8_t mask = 0;
  std::int64_t open = 0;
  std::int64_t close = 0;
  std::int64_t per_week = 0;  // working days per week
  std::vector<std::int64_t> holidays;

  explicit prepared_calendar(const business_calendar& c)
      : mask(c.working_days), open(c.open_second), close(c.close_second) {
    validate(c);
    per_week = std::popcount(static_cast<unsigned>(mask & 0x7F));
    for (const day_t h : c.holidays) {
      if (working_weekday(h)) holidays.push_back(h);
    }
    std::sort(holidays.begin(), holidays.end());
    holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  }

  [[nodiscard]] bool working_weekday(std::int64_t day) const noexcept {
    const unsigned w = iso_weekday(static_cast<day_t>(day));
    return ((mask >> (w - 1)) & 1U) != 0;
  }

  /// Working days in [origin_day, day): whole weeks by arithmetic, then < 7 days, minus holidays.
  [[nodiscard]] std::int64_t working_days_before(std::int64_t day) const noexcept {
    const std::int64_t span = day - origin_day;
    std::int64_t count = span / 7 * per_week;
    for (std::int64_t d = origin_day + span / 7 * 7; d < day; ++d) {
      count += working_weekday(d) ? 1 : 0;
    }
    const auto off = std::lower_bound(holidays.begin(), holidays.end(), day) -
                     std::lower_bound(holidays.begin(), holidays.end(), origin_day);
    return count - off;
  }

  [[nodiscard]] bool working_day(std::int64_t day) const noexcept {
    return working_weekday(day) && !std::binary_search(holidays.begin(), holidays.end(), day);
  }

  /// Working seconds in [origin, t).
  [[nodiscard]] std::int64_t working_before(std::int64_t t) const noexcept {
    const std::int64_t day = day_of_seconds(t);
    const std::int64_t second = t - day * seconds_per_day;
    std::int64_t w = working_days_before(day) * (close - open);
    if (working_day(day)) w += std::clamp(second, open, close) - open;
    return w;
  }

  [[nodiscard]] std::int64_t between(std::int64_t start, std::int64_t end) const noexcept {
    return end <= start ? 0 : working_before(end) - working_before(start);
  }
};

}  // namespace

void validate(const business_calendar& c) {
  if ((c.working_days & 0x7F) == 0) {
    throw invalid_input("the calendar has no working day",
                        {"business_calendar", "working_days", -1, {}});
  }
  if (c.open_second < 0 || c.close_second > 86400 || c.open_second >= c.close_second) {
    throw invalid_input(
        "the working window must lie within the day and end after it opens "
        "(overnight windows are not supported)",
        {"business_calendar", "open_second", -1,
         std::to_string(c.open_second) + "-" + std::to_string(c.close_second)});
  }
}

std::int64_t business_seconds(std::int64_t start, std::int64_t end,
                              const business_calendar& calendar) {
  return prepared_calendar(calendar).between(start, end);
}

void durations(std::span<const std::int64_t> start, std::span<const std::int64_t> end,
               std::span<double> out, const char* column, const business_calendar* calendar) {
  require_same_length("durations", "start", start.size(), column, end.size());
  require_same_length("durations", "start", start.size(), "out", out.size());
  std::optional<prepared_calendar> cal;
  if (calendar != nullptr) cal.emplace(*calendar);
  const std::string what = std::string(column);
  const std::string verb = what.find("response") != std::string::npos ? "answered" : "resolved";
  for (std::size_t i = 0; i < start.size(); ++i) {
    if (end[i] == no_time) {
      out[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    if (start[i] == no_time) {
      throw invalid_input("the ticket has " + what + " but no creation time",
                          {"durations", what, static_cast<std::int64_t>(i), {}});
    }
    if (end[i] < start[i]) {
      throw invalid_input("the ticket was " + verb + " before it was created (" + what + " is " +
                              std::to_string(start[i] - end[i]) + " s before created_at)",
                          {"durations", what, static_cast<std::int64_t>(i), {}});
    }
    out[i] = cal ? static_cast<double>(cal->between(start[i], end[i]))
                 : static_cast<double>(end[i] - start[i]);
  }
}

std::vector<double> durations(std::span<const std::int64_t> start,
                              std::span<const std::int64_t> end, const char* column,
                              const business_calendar* calendar) {
  std::vector<double> out(start.size());
  durations(start, end, out, column, calendar);
  return out;
}

std::optional<double> quantile(std::span<double> values, double q) {
  if (!(q >= 0.0 && q <= 1.0)) {
    throw invalid_input("quantile level must be within 0..1",
                        {"quantile", "q", -1, std::to_string(q)});
  }
  if (values.empty()) return std::nullopt;
  // Type 7: h = (n − 1) q; x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]) on the sorted values.
  const double h = static_cast<double>(values.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double a = values[lo];
  if (lo + 1 >= values.size()) return a;
  const double b =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return a + (h - static_cast<double>(lo)) * (b - a);
}

duration_summary summarize_durations(std::span<const double> values) {
  duration_summary s;
  std::vector<double> closed;
  closed.reserve(values.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (std::isnan(v)) {
      ++s.open;
      continue;
    }
    if (v < 0.0 || !std::isfinite(v)) {
      throw invalid_input(
          "a duration must be a finite number >= 0",
          {"summarize_durations", "duration", static_cast<std::int64_t>(i), std::to_string(v)});
    }
    closed.push_back(v);
    sum += v;
  }
  s.n = closed.size();
  if (s.n == 0) return s;
  s.mean = sum / static_cast<double>(s.n);
  s.median = quantile(closed, 0.5);
  s.p90 = quantile(closed, 0.9);
  return s;
}

proportion resolution_rate(std::span<const std::uint8_t> resolved) {
  proportion p;
  p.n = resolved.size();
  for (const std::uint8_t r : resolved) p.hits += r != 0 ? 1U : 0U;
  return p;
}

fcr_result first_contact_resolution(std::span<const std::uint8_t> resolved,
                                    std::span<const std::int64_t> reopen_count) {
  require_same_length("first_contact_resolution", "resolved", resolved.size(), "reopen_count",
                      reopen_count.size());
  fcr_result f;
  for (std::size_t i = 0; i < resolved.size(); ++i) {
    if (resolved[i] == 0) continue;
    const std::int64_t reopens = reopen_count[i];
    if (reopens == std::numeric_limits<std::int64_t>::min()) {
      ++f.unknown;
      continue;
    }
    if (reopens < 0) {
      throw invalid_input("a reopen count cannot be negative",
                          {"first_contact_resolution", "reopen_count", static_cast<std::int64_t>(i),
                           std::to_string(reopens)});
    }
    ++f.rate.n;
    f.rate.hits += reopens == 0 ? 1U : 0U;
  }
  return f;
}

}  // namespace crm
