#pragma once

// The `clv` command's engine: from an orders export or a per-customer RFM summary to fitted
// probabilistic models (BG/NBD, MBG/NBD or Pareto/NBD for purchases, Gamma-Gamma for spend),
// per-customer predictions, a holdout check and an at-risk list; and their renderings.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crm/clv/common.hpp"
#include "crm/clv/summary.hpp"
#include "crm/dates.hpp"
#include "crm/io/output.hpp"
#include "crm/io/reader.hpp"
#include "crm/io/report.hpp"

namespace crm::io {

/// The purchase model of `clv --model`.
enum class clv_model : std::uint8_t { bgnbd, mbgnbd, pareto_nbd };

/// "bgnbd", "mbgnbd", "pnbd".
[[nodiscard]] std::string_view to_string(clv_model model) noexcept;

struct clv_options {
  clv_model model = clv_model::bgnbd;
  /// The time unit of the summary (orders are summarised in it; a summary input is read in it).
  clv::time_unit unit = clv::time_unit::week;
  /// Orders input: last day of calibration (inclusive); no_day = the last order day.
  day_t calibration_end = no_day;
  /// Orders input: last day of the holdout (calibration_end, holdout_end]; no_day = no holdout.
  day_t holdout_end = no_day;
  /// Summary input with a holdout_frequency column and no holdout_length column: its length in
  /// the unit; 0 = not given.
  double holdout_length = 0.0;
  /// Prediction horizon in months (of 365.25 / 12 days); expected purchases and CLV cover it.
  unsigned horizon_months = 12;
  /// Annual discount rate of the CLV (applied monthly as (1 + d)^(1/12) − 1).
  double annual_discount = 0.10;
  /// Gross margin applied to the expected spend (0 < margin <= 1).
  double margin = 1.0;
  /// At-risk list: customers with P(alive) below this, the most valuable first.
  double at_risk_alive = 0.5;
  /// At-risk list length (0 = none).
  std::size_t at_risk = 20;
};

/// One row of the holdout check: customers whose calibration frequency falls in the bucket.
struct clv_holdout_row {
  std::string bucket;           ///< "0" .. "6", "7+"
  double customers = 0.0;       ///< customers in the bucket
  double actual_mean = 0.0;     ///< mean purchases in the holdout
  double predicted_mean = 0.0;  ///< mean model prediction for the holdout length
};

/// Everything `clv` computes. Per-customer vectors are in input order (summary rows, or customer
/// index order for orders) and have `customers()` elements.
struct clv_analysis {
  std::vector<std::string> sources;  ///< input paths
  std::string input_kind;            ///< "orders" or "summary"
  clv_options options;
  day_t calibration_end = no_day;     ///< orders input
  day_t holdout_end = no_day;         ///< orders input
  std::uint32_t later_customers = 0;  ///< orders input: first order after calibration (left out)

  std::vector<std::string> customer_id;
  std::vector<double> x, t_x, T, m_x;  ///< m_x empty without spend
  std::vector<double> x_holdout;       ///< empty without holdout
  double holdout_length = 0.0;

  std::string model_name;                    ///< e.g. "BG/NBD"
  clv::fit_result purchase_fit;              ///< the purchase model
  std::optional<clv::fit_result> spend_fit;  ///< Gamma-Gamma, when spend is known
  std::size_t spend_customers = 0;  ///< customers the spend model was fitted on (x >= 1, m_x > 0)

  double horizon = 0.0;                  ///< the horizon in the unit
  double new_customer_expected = 0.0;    ///< E[X(horizon)] of a new customer
  std::vector<double> p_alive;           ///< P(alive) at the end of calibration
  std::vector<double> expected;          ///< expected purchases in the horizon
  std::vector<double> expected_spend;    ///< E[M | x, m_x]; empty without spend model
  std::vector<double> clv;               ///< discounted margin over the horizon; empty as above
  std::vector<clv_holdout_row> holdout;  ///< empty without holdout
  std::vector<std::size_t> at_risk;      ///< customer rows, most valuable first
  std::vector<std::string> notes;        ///< what was left out or could not be computed, and why

  [[nodiscard]] std::size_t customers() const noexcept { return x.size(); }
};

/// Reads the per-customer summary from the inputs (the first customer_summary table with
/// frequency, recency and age; else the first orders table, summarised with the options), fits
/// the models and predicts. Bad values throw input_error naming file, line and column.
[[nodiscard]] clv_analysis analyze_clv(std::span<const read_result> inputs,
                                       const clv_options& options);

/// The model report: text, json or markdown.
[[nodiscard]] std::string render_clv(const clv_analysis& a, report_format format);

/// Per-customer predictions: csv or json.
[[nodiscard]] std::string render_clv_customers(const clv_analysis& a, report_format format);

/// The same bytes as render_clv_customers, written to `out` as they are formatted: CSV rows in
/// blocks on up to 8 threads into reused buffers (memory stays a few MiB for any row count).
/// `out` is not committed here.
void write_clv_customers(const clv_analysis& a, report_format format, atomic_file& out);

}  // namespace crm::io
