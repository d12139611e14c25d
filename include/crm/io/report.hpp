#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "crm/dates.hpp"
#include "crm/io/reader.hpp"
#include "crm/result.hpp"
#include "crm/retention.hpp"
#include "crm/rfm.hpp"
#include "crm/scorecard.hpp"
#include "crm/service.hpp"

namespace crm::io {

/// Options of build_report (the `report` command's flags; docs/cli.md).
struct report_options {
  std::optional<day_t> as_of;  ///< default: the day after the latest event
  period_kind period = period_kind::month;
  std::vector<std::string> by;         ///< dimension headers or canonical names (`--by`)
  std::uint32_t inactivity_days = 90;  ///< churn of order-only data
  churn_base churn_denominator = churn_base::start;
  bool churn_include_new = false;
  std::uint32_t repeat_within_days = 0;  ///< 0 = the whole-range repeat rate only
  rfm_monetary rfm_m = rfm_monetary::mean;
  std::string rfm_segments = "default";  ///< "default" or "rfm" (the R package's table)
  double gross_margin = 1.0;             ///< applied to clv_simple
  /// What a bare surveys `score` column answers ("nps", "csat", "ces"); empty = infer from
  /// its values (0..10 with a 0 or an answer above 7: NPS; 1..5: CSAT), said in the notes.
  std::string survey_type;
  /// Pipeline stages in order for the lead funnel (`--funnel-stages`); empty = no funnel.
  std::vector<std::string> funnel_stages;
  std::pair<double, double> csat_scale{1.0, 5.0};  ///< CSAT answer scale
  /// Lowest satisfied CSAT answer; default the scale's max − 1 (top-2-box). `binary` (good/bad)
  /// is scale 0..1 with satisfied_from 1.
  std::optional<double> csat_satisfied_from;
  /// CSI item weights by item name (the q_ column's header or canonical name, or the long form's
  /// question_id); items not named weigh 1.
  std::vector<std::pair<std::string, double>> csi_weights;
  /// RFM cut points (replace the quintiles): recency days, frequency, monetary (currency units).
  std::optional<rfm_cuts> rfm_recency_cuts, rfm_frequency_cuts, rfm_monetary_cuts;
  std::pair<double, double> ces_scale{1.0, 7.0};  ///< CES answer scale
  bool ces_higher_is_easier = true;  ///< false: the older "how much effort" scale (low = easy)
  std::pair<double, double> csi_scale{1.0, 10.0};  ///< scale of every CSI item (q_ columns)
  /// `--on-error skip`: a row whose dates contradict each other (a lead converted, a ticket
  /// answered or resolved before it was created) is left out of the metrics it would break,
  /// counted in the notes with its first line; false: an error naming file, line and column.
  bool skip_bad_rows = false;
  business_calendar calendar;   ///< for the business-hours service times
  bool business_hours = false;  ///< also report first response and resolution in working hours
};

/// One input of the report, as read.
struct report_input {
  std::string path;
  std::string table;  ///< table kind ("orders", ...)
  std::size_t rows = 0;
  std::size_t rejected = 0;
};

/// The cohort section (METRICS.md JSON `cohorts`).
struct report_cohorts {
  period_kind period = period_kind::month;
  std::vector<cohort_row> rows;
  bool has_revenue = false;
};

/// The RFM section: scores summary and segments.
struct report_rfm {
  day_t as_of = 0;
  double mean_recency_days = 0.0;
  double mean_frequency = 0.0;
  double mean_monetary = 0.0;
  std::vector<rfm_cell> cells;
  std::vector<std::pair<std::string, std::uint64_t>> segments;  ///< name -> customers, rule order
  std::uint64_t unmatched = 0;
  std::string preset;
};

/// One KPI of the report's scorecard, judged.
struct report_kpi {
  kpi spec;
  kpi_result result;
  std::string unit;                   ///< the metric's unit
  std::optional<std::string> period;  ///< the period judged, nullopt = the whole range
};

/// The scorecard section (docs/config.md): each KPI and the weighted score.
struct report_scorecard {
  std::vector<report_kpi> kpis;
  std::optional<double> score;
  kpi_status worst = kpi_status::ok;
  double achievement_cap = 1.2;
};

/// The report model every renderer reads (METRICS.md "JSON report shape").
struct report {
  std::string generator;  ///< "crm-metrics X.Y.Z"
  day_t as_of = 0;
  period_kind period = period_kind::month;
  std::string currency;  ///< ISO code when the data names one, else empty
  std::vector<report_input> inputs;
  std::vector<metric_result> metrics;  ///< whole range first, then per period, then per group
  std::optional<report_cohorts> cohorts;
  std::optional<report_rfm> rfm;
  std::optional<report_scorecard> scorecard;
  std::vector<std::string> notes;  ///< what was excluded or assumed, in plain words
};

/// Plans and computes every metric the inputs allow; metrics that cannot be computed are listed
/// with status not_computable and the reason. Deterministic: the same tables give the same
/// report whatever the row order. Throws invalid_input when the data contradict themselves
/// (e.g. two currencies, as_of before the last order).
[[nodiscard]] report build_report(std::span<const read_result> inputs,
                                  const report_options& options);
/// The same, taking the inputs: the orders table's order ids and order dates are freed once the
/// orders are extracted from them, unless a later part of the report reads them (--by names
/// them; cross-sell reads the dates of a table with a category). A large report then reuses that
/// memory instead of asking the system for more (docs/performance.md).
[[nodiscard]] report build_report(std::vector<read_result>&& inputs, const report_options& options);

/// Judges `kpis` on the report's metrics and adds the scorecard and the `kpi_score` metric. A KPI
/// is judged on the metric's first whole-range value, or (on_last_period[i]) on its last
/// complete period's value; its per-period values feed `consecutive` and `max_change`. A metric
/// without a value is status `missing`. `on_last_period` may be empty (all whole range).
void add_scorecard(report& r, std::span<const kpi> kpis,
                   std::span<const std::uint8_t> on_last_period, const scorecard_options& options);

/// Output format of render_report.
enum class report_format : std::uint8_t { text, json, csv, markdown };

/// Renders a report; `lang` is "en" or "zh" (labels and headings).
[[nodiscard]] std::string render_report(const report& r, report_format format,
                                        std::string_view lang);

/// The cohort matrix of a report alone: text (percent table), csv (long: cohort, k, period,
/// size, active, retention, revenue) or json (METRICS.md `cohorts`). Empty text when the report
/// has no cohorts.
[[nodiscard]] std::string render_cohorts(const report& r, report_format format,
                                         std::string_view lang);

/// The scorecard alone (the `check` command): text / Markdown (inputs, scorecard table, notes)
/// or JSON (the report shape with only `kpi_score` and `scorecard`). Empty without a scorecard.
[[nodiscard]] std::string render_scorecard(const report& r, report_format format,
                                           std::string_view lang);

/// Per-customer RFM of the first orders table among `inputs`: customer_id, recency_days,
/// frequency, monetary, r, f, m, segment; rows in customer-id order; csv or json. Throws
/// invalid_input when no input is an orders table.
[[nodiscard]] std::string rfm_customers(std::span<const read_result> inputs,
                                        const report_options& options, report_format format);

}  // namespace crm::io
