#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/io/report.hpp"
#include "crm/scorecard.hpp"

namespace crm::io {

/// The config file `crm-metrics.json` (docs/config.md; JSON Schema in
/// schema/crm-metrics.schema.json). Everything is optional; command-line options override it.
struct config {
  std::string source;                   ///< path it was read from
  report_options report;                ///< metric variants and their parameters, as-of, period
  std::optional<std::string> tz;        ///< `--tz`
  std::optional<std::string> currency;  ///< the currency code to print when the data names none
  std::vector<std::pair<std::string, std::string>> map;  ///< canonical column -> header
  std::vector<kpi> kpis;                                 ///< the scorecard (empty: none)
  scorecard_options scorecard;
  /// Which KPIs are judged on the last complete period instead of the whole range.
  std::vector<std::uint8_t> kpi_on_last_period;  ///< 1 = judged on the last period
};

/// "MIN-MAX" (1-5, 0-10) with MIN < MAX; nullopt otherwise.
[[nodiscard]] std::optional<std::pair<double, double>> parse_scale(std::string_view text);
/// "HH:MM-HH:MM" (24:00 allowed as an end) as seconds after midnight; nullopt otherwise.
[[nodiscard]] std::optional<std::pair<std::int32_t, std::int32_t>> parse_hours(
    std::string_view text);
/// ISO weekdays "1-5", "1,2,3,4,5,7", "1-6" as a bit mask (bit w − 1); nullopt otherwise.
[[nodiscard]] std::optional<std::uint8_t> parse_work_days(std::string_view text);
/// The valid key closest to `key` by edit distance (for "did you mean"); empty when none is
/// within a third of the key's length.
[[nodiscard]] std::string closest(std::string_view key, const std::vector<std::string>& valid);

/// Parses a config's JSON text. Unknown keys and wrong types are invalid_input naming the key
/// path (`scorecard.kpis[1].wieght`) and, for an unknown key, the closest valid one ("did you
/// mean 'weight'?"); also an unknown metric id in a KPI, bad enum values and dates.
[[nodiscard]] config parse_config(std::string_view json_text, std::string_view source);

/// Reads and parses a config file; file_error (66) when it cannot be opened.
[[nodiscard]] config load_config(const std::string& path);

}  // namespace crm::io
