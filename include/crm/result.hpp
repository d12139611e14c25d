#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm {

/// Whether a metric has a value: ok; insufficient_data (defined, but its base is empty, e.g. a
/// rate over zero customers: never reported as 0); not_computable (an input it needs is absent).
enum class metric_status : std::uint8_t { ok, insufficient_data, not_computable };

/// "ok", "insufficient_data", "not_computable" (the JSON contract of METRICS.md).
[[nodiscard]] std::string_view to_string(metric_status status) noexcept;

/// A two-sided confidence interval, in the metric's unit.
struct interval {
  double low = 0.0;
  double high = 0.0;
  double level = 0.95;
};

/// One value of a metric, as reported: the model behind every renderer (see docs/metrics.md).
struct metric_result {
  std::string id;                     ///< stable snake_case id, e.g. "nps"
  std::optional<double> value;        ///< nullopt unless status == ok
  std::string unit;                   ///< "points", "ratio", "currency", "days", "customers", ...
  std::int64_t n = 0;                 ///< size of the base the value was computed on
  std::optional<interval> ci;         ///< where an interval is defined (NPS, CSAT, rates)
  std::optional<std::string> period;  ///< nullopt for the whole range, else a period label
  std::vector<std::pair<std::string, std::string>> group;  ///< dimension -> value; empty = all
  std::string variant;  ///< definition variant used, e.g. "top2box"
  metric_status status = metric_status::ok;
  std::string reason;  ///< why not ok, e.g. "needs surveys.score"
  /// Per-period values: the change from the previous period of the same metric, variant and
  /// group that has a value (value − previous); nullopt for the first or without a value.
  std::optional<double> change;
  /// change / |previous|; nullopt when previous is 0 or there is no change.
  std::optional<double> change_ratio;
  std::optional<std::string> previous_period;  ///< the period `change` compares with

  /// A result with a value.
  [[nodiscard]] static metric_result ok(std::string id, double value, std::string unit,
                                        std::int64_t n);
  /// A result whose base is empty or too small (value left empty, never 0).
  [[nodiscard]] static metric_result insufficient(std::string id, std::string unit, std::int64_t n,
                                                  std::string reason);
  /// A result that cannot be computed from the inputs given.
  [[nodiscard]] static metric_result not_computable(std::string id, std::string unit,
                                                    std::string reason);
};

}  // namespace crm
