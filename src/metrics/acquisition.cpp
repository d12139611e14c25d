#include "crm/acquisition.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/dates.hpp"
#include "crm/error.hpp"

namespace crm {
namespace {

/// Seconds from `created` to `converted` (converted >= created, both not no_time). Unsigned
/// subtraction is exact: the true difference of two int64 values with b >= a is below 2^64,
/// where the signed one could overflow (e.g. created = −9e18, converted = 9e18).
std::uint64_t elapsed_seconds(std::int64_t created, std::int64_t converted) noexcept {
  return static_cast<std::uint64_t>(converted) - static_cast<std::uint64_t>(created);
}

/// a / b, nullopt when b = 0.
std::optional<double> share(std::uint64_t a, std::uint64_t b) noexcept {
  if (b == 0) return std::nullopt;
  return static_cast<double>(a) / static_cast<double>(b);
}

/// Leads per furthest stage; counts the −1 ones in `unknown`, throws on any other bad index.
std::vector<std::uint64_t> count_stages(std::span<const std::int32_t> stage_reached,
                                        std::size_t stages, std::uint64_t& unknown) {
  std::vector<std::uint64_t> at(stages, 0);
  for (std::size_t i = 0; i < stage_reached.size(); ++i) {
    const std::int32_t s = stage_reached[i];
    if (s == -1) {
      ++unknown;
      continue;
    }
    if (s < -1 || static_cast<std::size_t>(s) >= stages) {
      throw invalid_input(
          "stage index " + std::to_string(s) + " is outside 0.." + std::to_string(stages - 1),
          {"funnel", "stage_reached", static_cast<std::int64_t>(i), std::to_string(s)});
    }
    ++at[static_cast<std::size_t>(s)];
  }
  return at;
}

/// Checks one growth count: finite and >= 0, else invalid_input naming `name`.
void check_count(const char* name, double v) {
  if (!(std::isfinite(v) && v >= 0.0)) {
    throw invalid_input(std::string(name) + " must be a finite count >= 0",
                        {"growth_rate", name, -1, std::to_string(v)});
  }
}

}  // namespace

void validate(const leads_view& leads, const char* function) {
  require_same_length(function, "created", leads.created.size(), "converted",
                      leads.converted.size());
  for (std::size_t i = 0; i < leads.created.size(); ++i) {
    if (leads.created[i] == no_time) {
      throw invalid_input("a lead needs its creation time",
                          {function, "created", static_cast<std::int64_t>(i), {}});
    }
    if (leads.converted[i] != no_time && leads.converted[i] < leads.created[i]) {
      throw invalid_input("the lead converted before it was created",
                          {function, "converted", static_cast<std::int64_t>(i),
                           std::to_string(leads.converted[i])});
    }
  }
}

proportion conversion_rate(const leads_view& leads, std::optional<std::uint32_t> within_days) {
  validate(leads, "conversion_rate");
  // Without a window every conversion counts: UINT64_MAX is above any elapsed time.
  const std::uint64_t limit =
      within_days ? std::uint64_t{*within_days} * seconds_per_day : UINT64_MAX;
  proportion p;
  p.n = leads.created.size();
  for (std::size_t i = 0; i < leads.created.size(); ++i) {
    const std::int64_t done = leads.converted[i];
    if (done != no_time && elapsed_seconds(leads.created[i], done) <= limit) ++p.hits;
  }
  return p;
}

std::optional<double> time_to_convert_median_days(const leads_view& leads) {
  validate(leads, "time_to_convert_median_days");
  std::vector<double> days;
  for (std::size_t i = 0; i < leads.created.size(); ++i) {
    if (leads.converted[i] == no_time) continue;
    days.push_back(static_cast<double>(elapsed_seconds(leads.created[i], leads.converted[i])) /
                   static_cast<double>(seconds_per_day));
  }
  return quantile(days, 0.5);
}

funnel_result funnel(std::span<const std::int32_t> stage_reached, std::size_t stages) {
  if (stages == 0) {
    throw invalid_input("a funnel needs at least one stage", {"funnel", "stages", -1, "0"});
  }
  funnel_result f;
  const std::vector<std::uint64_t> at = count_stages(stage_reached, stages, f.unknown);
  // Reached stage k = furthest stage k or later: suffix sums from the last stage.
  f.steps.resize(stages);
  std::uint64_t later = 0;
  for (std::size_t k = stages; k-- > 0;) {
    later += at[k];
    f.steps[k].reached = later;
  }
  // Stage 0 has no previous stage: its step rate is reached / reached (1, or nullopt if empty).
  for (std::size_t k = 0; k < stages; ++k) {
    f.steps[k].from_first = share(f.steps[k].reached, f.steps[0].reached);
    f.steps[k].from_previous = share(f.steps[k].reached, f.steps[k == 0 ? 0 : k - 1].reached);
  }
  return f;
}

std::optional<double> growth_rate(double previous, double current) {
  check_count("previous", previous);
  check_count("current", current);
  if (previous == 0.0) return std::nullopt;
  return (current - previous) / previous;
}

}  // namespace crm
