#include "crm/cost.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "crm/error.hpp"

namespace crm {
namespace {

constexpr std::int64_t missing_money = std::numeric_limits<std::int64_t>::min();
constexpr double e4_per_unit = 10000.0;

void non_negative(const char* function, const char* name, std::int64_t v) {
  if (v < 0) {
    throw invalid_input(std::string(name) + " cannot be negative",
                        {function, name, -1, std::to_string(v)});
  }
}

void finite_non_negative(const char* function, const char* name, double v) {
  if (!(std::isfinite(v) && v >= 0.0)) {
    throw invalid_input(std::string(name) + " must be a finite number >= 0",
                        {function, name, -1, std::to_string(v)});
  }
}

/// money_e4 / 10000 / count in one rounding: the divisor 10000 × count is exact in a double up
/// to count = 2^53 / 10^4 (about 9 × 10^11), so the result is the correctly rounded quotient of
/// the exact integer sum whenever |money_e4| <= 2^53.
std::optional<double> per(std::int64_t money_e4, std::uint64_t count) noexcept {
  if (count == 0) return std::nullopt;
  return static_cast<double>(money_e4) / (e4_per_unit * static_cast<double>(count));
}

/// Throws unless `o` is one of the three outcomes (the span may hold any byte).
void check_outcome(retention_outcome o, std::size_t row) {
  if (o != retention_outcome::lost && o != retention_outcome::retained &&
      o != retention_outcome::pending) {
    throw invalid_input("unknown retention outcome",
                        {"retention_actions", "outcome", static_cast<std::int64_t>(row),
                         std::to_string(static_cast<int>(o))});
  }
}

/// Adds the cost of row `row` to `r` (missing: counted; negative or an overflowing sum: throws).
void add_cost(std::int64_t c, std::size_t row, retention_result& r) {
  if (c == missing_money) {
    ++r.missing_cost;
    return;
  }
  if (c < 0) {
    throw invalid_input(
        "a retention cost cannot be negative",
        {"retention_actions", "cost", static_cast<std::int64_t>(row), std::to_string(c)});
  }
  if (c > std::numeric_limits<std::int64_t>::max() - r.cost_e4) {
    throw invalid_input(
        "the retention costs add up beyond the int64 range of 1/10000 units",
        {"retention_actions", "cost", static_cast<std::int64_t>(row), std::to_string(c)});
  }
  r.cost_e4 += c;
}

}  // namespace

std::optional<double> cac(std::int64_t acquisition_spend_e4, std::uint64_t new_customers) {
  non_negative("cac", "acquisition_spend", acquisition_spend_e4);
  return per(acquisition_spend_e4, new_customers);
}

std::optional<double> crc(std::int64_t retention_spend_e4, std::uint64_t retained_customers) {
  non_negative("crc", "retention_spend", retention_spend_e4);
  return per(retention_spend_e4, retained_customers);
}

std::optional<double> marketing_roi(std::int64_t revenue_e4, std::int64_t marketing_spend_e4) {
  non_negative("marketing_roi", "revenue", revenue_e4);
  non_negative("marketing_roi", "marketing_spend", marketing_spend_e4);
  if (marketing_spend_e4 == 0) return std::nullopt;
  // Both >= 0, so the difference cannot overflow; the one division is the only rounding.
  return static_cast<double>(revenue_e4 - marketing_spend_e4) /
         static_cast<double>(marketing_spend_e4);
}

std::optional<double> roas(std::int64_t revenue_e4, std::int64_t marketing_spend_e4) {
  non_negative("roas", "revenue", revenue_e4);
  non_negative("roas", "marketing_spend", marketing_spend_e4);
  if (marketing_spend_e4 == 0) return std::nullopt;
  return static_cast<double>(revenue_e4) / static_cast<double>(marketing_spend_e4);
}

std::optional<double> cac_payback_months(double cac_value, double monthly_revenue_per_customer,
                                         double gross_margin) {
  finite_non_negative("cac_payback_months", "cac", cac_value);
  finite_non_negative("cac_payback_months", "monthly_revenue_per_customer",
                      monthly_revenue_per_customer);
  if (!(gross_margin > 0.0 && gross_margin <= 1.0)) {
    throw invalid_input("gross margin must be within (0, 1]",
                        {"cac_payback_months", "gross_margin", -1, std::to_string(gross_margin)});
  }
  const double monthly = monthly_revenue_per_customer * gross_margin;
  if (monthly == 0.0) return std::nullopt;
  return cac_value / monthly;
}

std::optional<double> ltv_cac_ratio(double ltv, double cac_value) {
  finite_non_negative("ltv_cac_ratio", "ltv", ltv);
  finite_non_negative("ltv_cac_ratio", "cac", cac_value);
  if (cac_value == 0.0) return std::nullopt;
  return ltv / cac_value;
}

std::optional<double> retention_result::cost_per_retained() const noexcept {
  if (!has_cost) return std::nullopt;
  return per(cost_e4, success.hits);
}

retention_result retention_actions(const retention_actions_view& actions,
                                   const retention_options& options) {
  const bool has_cost = !actions.cost.empty();
  if (has_cost) {
    require_same_length("retention_actions", "outcome", actions.outcome.size(), "cost",
                        actions.cost.size());
  }
  retention_result r;
  r.has_cost = has_cost;
  for (std::size_t i = 0; i < actions.outcome.size(); ++i) {
    const retention_outcome o = actions.outcome[i];
    check_outcome(o, i);
    const bool pending = o == retention_outcome::pending;
    r.pending += pending ? 1U : 0U;
    r.success.n += pending && options.exclude_pending ? 0U : 1U;
    r.success.hits += o == retention_outcome::retained ? 1U : 0U;
    if (has_cost) add_cost(actions.cost[i], i, r);
  }
  return r;
}

}  // namespace crm
