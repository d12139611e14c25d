#include "crm/scorecard.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "crm/error.hpp"

namespace crm {
namespace {

/// Six significant digits: 33.3333, 0.75, 120.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void check(const kpi& k, const scorecard_options& o) {
  const auto fail = [&k](const std::string& why, const char* field) {
    throw invalid_input("KPI " + k.metric + ": " + why, {"evaluate_scorecard", field, -1, {}});
  };
  if (!(std::isfinite(k.weight) && k.weight > 0.0)) fail("weight must be > 0", "weight");
  if (!std::isfinite(k.target)) fail("target must be a number", "target");
  if ((k.warn && !std::isfinite(*k.warn)) || (k.alert && !std::isfinite(*k.alert))) {
    fail("levels must be numbers", "warn");
  }
  if (k.consecutive == 0) fail("consecutive must be at least 1", "consecutive");
  if (k.max_change && !(std::isfinite(*k.max_change) && *k.max_change >= 0.0)) {
    fail("max_change must be a fraction >= 0", "max_change");
  }
  if (!(std::isfinite(o.achievement_cap) && o.achievement_cap > 0.0)) {
    fail("the achievement cap must be > 0", "achievement_cap");
  }
}

bool higher(const kpi& k) { return k.direction == kpi_direction::higher_is_better; }

double level_of(const kpi& k, double level) { return k.relative ? level * k.target : level; }

bool breaches(const kpi& k, double value, double level) {
  return higher(k) ? value < level : value > level;
}

/// The level is breached by the current value and, with consecutive N, by the N − 1 periods
/// before the last one too (the last period is the current value when periods are given).
bool breached(const kpi& k, const kpi_values& v, double level) {
  if (!breaches(k, *v.current, level)) return false;
  if (k.consecutive <= 1) return true;
  if (v.periods.size() < k.consecutive) return false;
  for (std::size_t i = v.periods.size() - k.consecutive; i < v.periods.size(); ++i) {
    if (!v.periods[i] || !breaches(k, *v.periods[i], level)) return false;
  }
  return true;
}

std::optional<double> achievement(const kpi& k, double actual, double cap) {
  double a = 0.0;
  if (higher(k)) {
    if (k.target == 0.0) return actual >= 0.0 ? cap : 0.0;
    a = actual / k.target;
  } else {
    if (actual <= 0.0) return cap;
    a = k.target / actual;
  }
  return std::clamp(a, 0.0, cap);
}

std::string judged(const kpi& k, double actual, const char* what, double level) {
  return k.metric + " " + number(actual) + (higher(k) ? " is below the " : " is above the ") +
         what + " level " + number(level) +
         (k.consecutive > 1 ? " for " + std::to_string(k.consecutive) + " periods" : "") +
         " (target " + number(k.target) + ")";
}

kpi_result judge(const kpi& k, const kpi_values& v, const scorecard_options& o) {
  kpi_result r;
  if (!v.current) {
    r.status = kpi_status::missing;
    r.reason = k.metric + " has no value in these inputs";
    return r;
  }
  r.actual = v.current;
  r.achievement = achievement(k, *v.current, o.achievement_cap);
  if (k.alert && breached(k, v, level_of(k, *k.alert))) {
    r.status = kpi_status::alert;
    r.reason = judged(k, *v.current, "alert", level_of(k, *k.alert));
  } else if (k.warn && breached(k, v, level_of(k, *k.warn))) {
    r.status = kpi_status::warn;
    r.reason = judged(k, *v.current, "warn", level_of(k, *k.warn));
  }
  if (r.status == kpi_status::ok && k.max_change && v.periods.size() >= 2 &&
      v.periods[v.periods.size() - 1] && v.periods[v.periods.size() - 2] &&
      *v.periods[v.periods.size() - 2] != 0.0) {
    const double before = *v.periods[v.periods.size() - 2];
    const double now = *v.periods.back();
    const double change = (now - before) / std::fabs(before);
    const double worse = higher(k) ? -change : change;
    if (worse > *k.max_change) {
      r.status = kpi_status::warn;
      r.reason = k.metric + " moved from " + number(before) + " to " + number(now) + " (" +
                 number(change * 100.0) + " %), more than the allowed " +
                 number(*k.max_change * 100.0) + " %";
    }
  }
  return r;
}

int rank(kpi_status s) {
  switch (s) {
    case kpi_status::ok:
      return 0;
    case kpi_status::missing:
    case kpi_status::warn:
      return 1;
    case kpi_status::alert:
      return 2;
  }
  return 0;
}

}  // namespace

const char* to_string(kpi_status status) noexcept {
  switch (status) {
    case kpi_status::ok:
      return "ok";
    case kpi_status::warn:
      return "warn";
    case kpi_status::alert:
      return "alert";
    case kpi_status::missing:
      return "missing";
  }
  return "ok";
}

scorecard_result evaluate_scorecard(std::span<const kpi> kpis, std::span<const kpi_values> values,
                                    const scorecard_options& options) {
  require_same_length("evaluate_scorecard", "kpis", kpis.size(), "values", values.size());
  for (const kpi& k : kpis) check(k, options);
  scorecard_result s;
  double weighted = 0.0;
  double weights = 0.0;
  for (std::size_t i = 0; i < kpis.size(); ++i) {
    s.kpis.push_back(judge(kpis[i], values[i], options));
    const kpi_result& r = s.kpis.back();
    if (rank(r.status) > rank(s.worst) ||
        (r.status == kpi_status::warn && s.worst == kpi_status::missing)) {
      s.worst = r.status;
    }
    if (r.achievement) {
      weighted += kpis[i].weight * *r.achievement;
      weights += kpis[i].weight;
    }
  }
  if (weights > 0.0) s.score = 100.0 * weighted / weights;
  return s;
}

}  // namespace crm
