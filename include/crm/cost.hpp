#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "crm/satisfaction.hpp"

namespace crm {

// Cost metrics (METRICS.md "Cost"). Money is exact int64 1/10000 currency units in, currency
// units (double) out. Every ratio is nullopt over an empty or zero base, never 0; negative spend
// or revenue and negative counts are invalid_input naming the argument.

/// CAC = acquisition (marketing + sales) spend / new customers in the same period (the caller
/// passes the previous period's spend for the one-period-lag variant).
[[nodiscard]] std::optional<double> cac(std::int64_t acquisition_spend_e4,
                                        std::uint64_t new_customers);

/// CRC = retention spend / customers retained in the period.
[[nodiscard]] std::optional<double> crc(std::int64_t retention_spend_e4,
                                        std::uint64_t retained_customers);

/// Marketing ROI = (attributed revenue − marketing spend) / marketing spend (a ratio; 0.5 =
/// 50 %). Revenue may be 0; spend must be > 0 for a value.
[[nodiscard]] std::optional<double> marketing_roi(std::int64_t revenue_e4,
                                                  std::int64_t marketing_spend_e4);

/// ROAS = attributed revenue / marketing spend (a different metric from ROI, named so).
[[nodiscard]] std::optional<double> roas(std::int64_t revenue_e4, std::int64_t marketing_spend_e4);

/// CAC payback in months = CAC / (monthly revenue per customer × gross margin). nullopt when the
/// denominator is 0; invalid_input when cac or the monthly revenue is negative or not finite or
/// the margin is outside (0, 1].
[[nodiscard]] std::optional<double> cac_payback_months(double cac,
                                                       double monthly_revenue_per_customer,
                                                       double gross_margin = 1.0);

/// LTV : CAC ratio; nullopt when cac = 0; invalid_input when either is negative or not finite.
[[nodiscard]] std::optional<double> ltv_cac_ratio(double ltv, double cac);

/// Outcome of one retention action (a customer entered into it: at-risk flag, cancel request).
enum class retention_outcome : std::uint8_t { lost = 0, retained = 1, pending = 2 };

/// Retention actions as caller-owned columns (one row per customer entered).
struct retention_actions_view {
  std::span<const retention_outcome> outcome;
  std::span<const std::int64_t> cost;  ///< 1/10000 units per action; empty = no cost column;
                                       ///< std::int64_t min = missing (counted in
                                       ///< missing_cost, not summed)
};

/// Options of retention_actions.
struct retention_options {
  /// false (METRICS.md default): the base is every customer entered, pending ones included;
  /// true: only decided actions (retained + lost).
  bool exclude_pending = false;
};

/// Retention success rate and retention cost.
struct retention_result {
  proportion success;  ///< retained / entered (or decided)
  std::uint64_t pending = 0;
  std::int64_t cost_e4 = 0;        ///< Σ known costs
  std::uint64_t missing_cost = 0;  ///< actions whose cost is missing
  bool has_cost = false;           ///< the cost column was given
  /// Retention cost = Σ cost / retained; nullopt without a cost column or retained = 0.
  [[nodiscard]] std::optional<double> cost_per_retained() const noexcept;
};
/// Throws invalid_input on unequal lengths, a negative cost or an outcome value outside the
/// enum (naming the row).
[[nodiscard]] retention_result retention_actions(const retention_actions_view& actions,
                                                 const retention_options& options = {});

}  // namespace crm
