#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crm {

/// Whether a KPI is better high (revenue, NPS) or low (churn, CAC, response time).
enum class kpi_direction : std::uint8_t { higher_is_better, lower_is_better };

/// A KPI of a scorecard (METRICS.md "Scorecard"; docs/config.md).
struct kpi {
  std::string metric;   ///< metric id, e.g. "nps"
  double weight = 1.0;  ///< > 0
  double target = 0.0;  ///< in the metric's unit (a ratio as a fraction: 0.05 = 5 %)
  kpi_direction direction = kpi_direction::higher_is_better;
  /// Warn and alert levels. Absolute (in the metric's unit) unless `relative`: then a multiple of
  /// the target (0.9 = 90 % of it). Breached when the value is worse than the level: below it
  /// (higher is better) or above it (lower is better).
  std::optional<double> warn;
  std::optional<double> alert;
  bool relative = false;
  /// A level counts as breached only when the last N periods all breach it (1 = the current value
  /// alone).
  std::uint32_t consecutive = 1;
  /// Period-over-period rule: warn when the last period worsened by more than this fraction of
  /// the period before (0.1 = a 10 % drop, or rise for lower-is-better).
  std::optional<double> max_change;
};

/// Options of evaluate_scorecard.
struct scorecard_options {
  double achievement_cap = 1.2;  ///< achievement is capped here (120 %), > 0
};

/// The values a KPI is judged on: the current value (whole range or the last period) and the
/// per-period values, oldest first (for `consecutive` and `max_change`); nullopt = not computable.
struct kpi_values {
  std::optional<double> current;
  std::vector<std::optional<double>> periods;
};

/// ok, warn, alert, or missing (the metric has no value: a warning, never a crash).
enum class kpi_status : std::uint8_t { ok, warn, alert, missing };
/// "ok", "warn", "alert", "missing".
[[nodiscard]] const char* to_string(kpi_status status) noexcept;

/// One KPI judged.
struct kpi_result {
  std::optional<double> actual;
  std::optional<double> achievement;  ///< actual / target or target / actual, capped
  kpi_status status = kpi_status::ok;
  std::string reason;  ///< why it is not ok, in plain words
};

/// A judged scorecard.
struct scorecard_result {
  std::vector<kpi_result> kpis;  ///< in the order of the KPIs
  /// kpi_score = 100 × Σ weight × achievement / Σ weight over the KPIs that have a value;
  /// nullopt when none has.
  std::optional<double> score;
  kpi_status worst = kpi_status::ok;  ///< alert > warn (and missing) > ok
};

/// Judges each KPI against its target and levels (docs/metrics.md "Scorecard"). Achievement =
/// actual / target (higher is better) or target / actual (lower is better; an actual of 0 meets
/// any target: the cap), capped at achievement_cap, 0 when negative; a target of 0 with higher
/// is better gives the cap when actual >= 0. Throws invalid_input (naming the KPI) when the
/// spans differ in length, a weight is not > 0, a level is not finite, `consecutive` is 0, or the
/// cap is not > 0.
[[nodiscard]] scorecard_result evaluate_scorecard(std::span<const kpi> kpis,
                                                  std::span<const kpi_values> values,
                                                  const scorecard_options& options = {});

}  // namespace crm
