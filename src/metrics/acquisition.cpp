#include "crm/acquisition.hpp"

#include <cmath>
#include <string>

#include "crm/error.hpp"

namespace crm {

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
                          {function, "converted", static_cast<std::int64_t>(i), {}});
    }
  }
}

proportion conversion_rate(const leads_view& leads, std::optional<std::uint32_t> within_days) {
  validate(leads, "conversion_rate");
  proportion p;
  p.n = leads.created.size();
  for (std::size_t i = 0; i < leads.created.size(); ++i) {
    if (leads.converted[i] == no_time) continue;
    const bool in_time = !within_days || leads.converted[i] - leads.created[i] <=
                                             std::int64_t{*within_days} * seconds_per_day;
    p.hits += in_time ? 1U : 0U;
  }
  return p;
}

std::optional<double> time_to_convert_median_days(const leads_view& leads) {
  validate(leads, "time_to_convert_median_days");
  std::vector<double> days;
  for (std::size_t i = 0; i < leads.created.size(); ++i) {
    if (leads.converted[i] == no_time) continue;
    days.push_back(static_cast<double>(leads.converted[i] - leads.created[i]) /
                   static_cast<double>(seconds_per_day));
  }
  return quantile(days, 0.5);
}

funnel_result funnel(std::span<const std::int32_t> stage_reached, std::size_t stages) {
  if (stages == 0)
    throw invalid_input("a funnel needs at least one stage", {"funnel", "stages", -1, "0"});
  funnel_result f;
  std::vector<std::uint64_t> at(stages, 0);
  for (std::size_t i = 0; i < stage_reached.size(); ++i) {
    const std::int32_t s = stage_reached[i];
    if (s == -1) {
      ++f.unknown;
      continue;
    }
    if (s < -1 || static_cast<std::size_t>(s) >= stages) {
      throw invalid_input(
          "stage index " + std::to_string(s) + " is outside 0.." + std::to_string(stages - 1),
          {"funnel", "stage_reached", static_cast<std::int64_t>(i), std::to_string(s)});
    }
    ++at[static_cast<std::size_t>(s)];
  }
  // Reached stage k = at stage k or later.
  f.steps.resize(stages);
  std::uint64_t later = 0;
  for (std::size_t k = stages; k-- > 0;) {
    later += at[k];
    f.steps[k].reached = later;
  }
  const auto share = [](std::uint64_t a, std::uint64_t b) -> std::optional<double> {
    if (b == 0) return std::nullopt;
    return static_cast<double>(a) / static_cast<double>(b);
  };
  for (std::size_t k = 0; k < stages; ++k) {
    f.steps[k].from_first = share(f.steps[k].reached, f.steps[0].reached);
    f.steps[k].from_previous = k == 0 ? share(f.steps[0].reached, f.steps[0].reached)
                                      : share(f.steps[k].reached, f.steps[k - 1].reached);
  }
  return f;
}

std::optional<double> growth_rate(double previous, double current) {
  if (!(std::isfinite(previous) && previous >= 0.0) ||
      !(std::isfinite(current) && current >= 0.0)) {
    throw invalid_input(
        "growth needs counts >= 0",
        {"growth_rate", !(std::isfinite(previous) && previous >= 0.0) ? "previous" : "current", -1,
         std::to_string(previous) + " -> " + std::to_string(current)});
  }
  if (previous == 0.0) return std::nullopt;
  return (current - previous) / previous;
}

}  // namespace crm
