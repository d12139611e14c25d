#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "crm/dates.hpp"
#include "crm/satisfaction.hpp"

namespace crm {

/// A missing timestamp (seconds since 1970-01-01T00:00 local time of the report's zone).
inline constexpr std::int64_t no_time = std::numeric_limits<std::int64_t>::min();

/// Working time for the business-hours variant: which weekdays work, the daily window and the
/// holidays. Times are local (the report's zone), so a day is always 86 400 s.
struct business_calendar {
  /// Bit (iso_weekday − 1) set = a working day; default Monday to Friday.
  std::uint8_t working_days = 0x1F;
  std::int32_t open_second = 9 * 3600;    ///< start of the working window, seconds after midnight
  std::int32_t close_second = 18 * 3600;  ///< end (exclusive), > open_second, <= 86 400
  std::vector<day_t> holidays;            ///< non-working dates, any order, duplicates allowed
};

/// Checks a calendar (window inside the day and not empty, at least one working day); throws
/// invalid_input naming the field.
void validate(const business_calendar& calendar);

/// Working seconds between two local timestamps under `calendar` (0 when end <= start).
/// O(log holidays) per call, whatever the span: whole weeks are counted, not walked.
[[nodiscard]] std::int64_t business_seconds(std::int64_t start, std::int64_t end,
                                            const business_calendar& calendar);

/// Per-ticket durations in seconds from start and end timestamps: end == no_time gives NaN
/// (still open). `start == no_time` with an end, or end < start, throws invalid_input naming
/// `column` and the 0-based row ("resolved before it was created"). With a calendar, working
/// seconds (business_seconds). `out` must be as long as the inputs.
void durations(std::span<const std::int64_t> start, std::span<const std::int64_t> end,
               std::span<double> out, const char* column,
               const business_calendar* calendar = nullptr);
/// Convenience overload returning the vector.
[[nodiscard]] std::vector<double> durations(std::span<const std::int64_t> start,
                                            std::span<const std::int64_t> end, const char* column,
                                            const business_calendar* calendar = nullptr);

/// Summary of durations; open tickets (NaN) are counted, never averaged.
struct duration_summary {
  std::uint64_t n = 0;     ///< durations summarised
  std::uint64_t open = 0;  ///< NaN entries (no end yet)
  std::optional<double> mean;
  std::optional<double> median;  ///< quantile 0.5, definition of `quantile`
  std::optional<double> p90;     ///< quantile 0.9
};
/// Summarises durations (seconds or any unit: the result is in the same unit). Throws
/// invalid_input naming the row for a negative or infinite duration.
[[nodiscard]] duration_summary summarize_durations(std::span<const double> durations);

/// Quantile q (0..1) of values by linear interpolation between order statistics (Hyndman & Fan
/// type 7: R's default, numpy's `linear`, pandas' `quantile`); reorders `values`. nullopt when
/// empty. Throws invalid_input unless 0 <= q <= 1.
[[nodiscard]] std::optional<double> quantile(std::span<double> values, double q);

/// Resolution rate (creation cohort): tickets with a resolution / tickets created. `resolved` per
/// ticket: 1 resolved, 0 not.
[[nodiscard]] proportion resolution_rate(std::span<const std::uint8_t> resolved);

/// First-contact resolution = resolved tickets never reopened / resolved tickets. Spans of equal
/// length (invalid_input otherwise); a negative reopen count is invalid_input naming the row;
/// reopen count std::int64_t min (missing) counts as not known: the ticket is left out of the
/// base and counted in `unknown`.
struct fcr_result {
  proportion rate;
  std::uint64_t unknown = 0;
};
[[nodiscard]] fcr_result first_contact_resolution(std::span<const std::uint8_t> resolved,
                                                  std::span<const std::int64_t> reopen_count);

}  // namespace crm
