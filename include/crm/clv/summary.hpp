#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/clv/common.hpp"
#include "crm/dates.hpp"
#include "crm/orders.hpp"

namespace crm::clv {

/// Time unit of a per-customer summary: a day, a week (7 days) or a month (365.25 / 12 days).
enum class time_unit { day, week, month };

/// Days in one unit.
[[nodiscard]] double days_per(time_unit unit) noexcept;

/// How to turn orders into a per-customer summary.
struct summary_options {
  time_unit unit = time_unit::week;
  /// Last day of the calibration period (inclusive); no_day = the last order day.
  day_t calibration_end = no_day;
  /// Last day of the holdout period (calibration_end, holdout_end]; no_day = no holdout.
  day_t holdout_end = no_day;
};

/// Per-customer summary, one row per customer whose first order is before calibration_end (a
/// customer first seen on calibration_end or later has age T = 0, which no model can use: they
/// are counted in `later_customers`). Orders on the same day count as one purchase with
/// their amounts summed (as lifetimes' summary_data_from_transaction_data with daily periods).
struct customer_summary_table {
  std::vector<std::uint32_t> customer;  ///< customer index of each row, ascending
  std::vector<double> x;                ///< repeat purchase days in calibration
  std::vector<double> t_x;              ///< (last purchase day − first) / days_per(unit)
  std::vector<double> T;                ///< (calibration_end − first) / days_per(unit)
  std::vector<double> m_x;              ///< mean amount of the repeat purchase days (0 if x = 0);
                                        ///< empty when the orders carry no amount
  std::vector<double> x_holdout;        ///< purchase days in the holdout; empty without holdout
  std::vector<double> m_holdout;        ///< mean amount of those (0 if none); empty as above
  double holdout_length = 0.0;          ///< (holdout_end − calibration_end) / days_per(unit)
  std::uint32_t later_customers = 0;    ///< first order on or after calibration_end: left out
  day_t calibration_end = no_day;       ///< the calibration end used (resolved from no_day)

  /// The rows as an rfm_view (no weights).
  [[nodiscard]] rfm_view view() const noexcept { return {x, t_x, T}; }
};

/// Builds the summary from orders (validated; throws invalid_input naming the row for a bad view,
/// and for holdout_end <= calibration_end). Orders after holdout_end (or after calibration_end
/// without a holdout) are ignored.
[[nodiscard]] customer_summary_table summarize(const orders_view& orders,
                                               const summary_options& options = {});

}  // namespace crm::clv
