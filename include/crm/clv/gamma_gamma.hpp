#pragma once

#include <span>

#include "crm/clv/common.hpp"

namespace crm::clv {

/// Gamma-Gamma spend model (Fader, Hardie & Lee 2005 "RFM and CLV"; Fader & Hardie 2013 note
/// "The Gamma-Gamma model of monetary value"): a transaction's value ~ Gamma(p, ν), ν ~ Gamma(q,
/// gamma). Fitted on customers with x >= 1 repeat purchases and their mean repeat spend m_x.
struct gamma_gamma_params {
  double p = 0.0;
  double q = 0.0;
  double gamma = 0.0;
};

/// Parameters of a fit_result of fit_gamma_gamma (order p, q, gamma).
[[nodiscard]] gamma_gamma_params gamma_gamma_params_of(const fit_result& fit);

/// Spend input: per customer x (repeat purchases) and m_x (mean spend of those), equal lengths;
/// rows with x = 0 are ignored by the fit (their spend is unknown); weight as in rfm_view.
struct spend_view {
  std::span<const double> x;
  std::span<const double> m_x;
  std::span<const double> weight{};
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

/// Throws crm::invalid_input naming `function`, column and row: lengths differ, x not a whole
/// number >= 0, m_x <= 0 (or not finite) for x >= 1, weight <= 0.
void validate(const spend_view& data, const char* function);

/// One customer's log-likelihood of m_x given x >= 1.
[[nodiscard]] double gamma_gamma_log_likelihood(const gamma_gamma_params& p, double x, double m_x);

/// Σ weight · LL over rows with x >= 1; gradient d/d(p, q, gamma) (size 3) when not empty.
[[nodiscard]] double gamma_gamma_total_log_likelihood(const gamma_gamma_params& p,
                                                      const spend_view& data,
                                                      std::span<double> gradient = {});

/// Maximum-likelihood fit (validated; throws invalid_input when no row has x >= 1). Parameter
/// names "p", "q", "gamma".
[[nodiscard]] fit_result fit_gamma_gamma(const spend_view& data, const fit_options& options = {});

/// E[M | x, m_x]: the conditional expected mean transaction value (F&H 2013 eq. 5); for x = 0
/// the population mean p·gamma/(q−1) (q > 1, else NaN is never returned: throws invalid_input).
[[nodiscard]] double gamma_gamma_expected_spend(const gamma_gamma_params& p, double x, double m_x);

}  // namespace crm::clv
