#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crm/satisfaction.hpp"
#include "crm/service.hpp"

namespace crm {

/// Leads as caller-owned columns of equal length (one per lead). Timestamps are local seconds
/// since 1970-01-01 (no_time = missing).
struct leads_view {
  std::span<const std::int64_t> created;    ///< when the lead was created (required)
  std::span<const std::int64_t> converted;  ///< when it converted (won); no_time = not (yet)
};

/// Checks a leads_view: equal lengths, no missing `created`, no conversion before creation.
/// Throws invalid_input naming `function`, the column and the 0-based row.
void validate(const leads_view& leads, const char* function);

/// Conversion rate by creation cohort (METRICS.md "Acquisition"): leads that converted / leads,
/// over the leads given (the caller selects one creation period). With `within_days`, only
/// conversions at most that many days (86 400 s each) after creation count. Validates.
[[nodiscard]] proportion conversion_rate(const leads_view& leads,
                                         std::optional<std::uint32_t> within_days = {});

/// Median days from creation to conversion over converted leads (quantile type 7, see
/// service.hpp), in days (fractional). nullopt when no lead converted. Validates.
[[nodiscard]] std::optional<double> time_to_convert_median_days(const leads_view& leads);

/// One step of a funnel.
struct funnel_step {
  std::uint64_t reached = 0;            ///< leads that reached this stage or a later one
  std::optional<double> from_previous;  ///< reached / reached at the previous stage
  std::optional<double> from_first;     ///< reached / reached at stage 0 (cumulative)
};
/// Funnel conversion: `stage_reached` is, per lead, the index 0..stages−1 of the furthest stage
/// it reached (−1 = unknown, e.g. a lost deal whose last stage was not recorded: left out of
/// every step and counted in `unknown`). A lead at stage k counts as having reached 0..k.
/// Rates are nullopt over an empty base. Throws invalid_input when stages = 0 or an index is
/// >= stages or < −1 (naming the row).
struct funnel_result {
  std::vector<funnel_step> steps;
  std::uint64_t unknown = 0;
};
[[nodiscard]] funnel_result funnel(std::span<const std::int32_t> stage_reached, std::size_t stages);

/// Growth (current − previous) / previous: new_customer_growth (new customers this period vs
/// the last) and customer_base_growth (customers at the end vs the start). nullopt when
/// previous = 0. Throws invalid_input when either count is negative or not finite.
[[nodiscard]] std::optional<double> growth_rate(double previous, double current);

}  // namespace crm
