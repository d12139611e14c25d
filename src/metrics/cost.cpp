#include "crm/cost.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "crm/error.hpp"
#include "crm/orders.hpp"

namespace crm {
namespace {

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

std::optional<double> per(std::int64_t money_e4, std::uint64_t count) {
  if (count == 0) return std::nullopt;
  return money_from_e4(money_e4) / static_cast<double>(count);
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
  if (!has_cost || success.hits == 0) return std::nullopt;
  return money_from_e4(cost_e4) / static_cast<double>(success.hits);
}

retention_result retention_actions(const retention_actions_view& actions,
                                   const retention_options& options) {
  if (!actions.cost.empty()) {
    require_same_length("retention_actions", "outcome", actions.outcome.size(), "cost",
                        actions.cost.size());
  }
  retention_result r;
  r.has_cost = !actions.cost.empty();
  for (std::size_t i = 0; i < actions.outcome.size(); ++i) {
    const retention_outcome o = actions.outcome[i];
    if (o != retention_outcome::lost && o != retention_outcome::retained &&
        o != retention_outcome::pending) {
      throw invalid_input("unknown retention outcome",
                          {"retention_actions", "outcome", static_cast<std::int64_t>(i),
                           std::to_string(static_cast<int>(o))});
    }
    if (o == retention_outcome::pending) ++r.pending;
    if (o != retention_outcome::pending || !options.exclude_pending) ++r.success.n;
    if (o == retention_outcome::retained) ++r.success.hits;
    if (!r.has_cost) continue;
    const std::int64_t c = actions.cost[i];
    if (c == std::numeric_limits<std::int64_t>::min()) {
      ++r.missing_cost;
      continue;
    }
    if (c < 0) {
      throw invalid_input(
          "a retention cost cannot be negative",
          {"retention_actions", "cost", static_cast<std::int64_t>(i), std::to_string(c)});
    }
    r.cost_e4 += c;
  }
  return r;
}

}  // namespace crm
