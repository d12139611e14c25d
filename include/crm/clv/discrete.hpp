#pragma once

#include <cstdint>
#include <span>

#include "crm/clv/common.hpp"

namespace crm::clv {

// ---- sBG: contractual retention (Fader & Hardie 2007, "How to project customer retention") ----

/// Churn probability θ ~ Beta(alpha, beta); a customer renews each period with 1 − θ.
struct sbg_params {
  double alpha = 0.0;
  double beta = 0.0;
};

/// Parameters of a fit_result of fit_sbg (order alpha, beta).
[[nodiscard]] sbg_params sbg_params_of(const fit_result& fit);

/// Fits sBG to a cohort's survivors: survivors[0] customers at period 0 (the cohort size),
/// survivors[t] still active after t renewal opportunities, non-increasing; the last count are
/// censored (still alive). Throws invalid_input naming the period for an increasing or negative
/// count, fewer than 2 periods or an empty cohort. Counts may be fractional (e.g. percentages
/// of the cohort). Parameter names "alpha", "beta".
[[nodiscard]] fit_result fit_sbg(std::span<const double> survivors,
                                 const fit_options& options = {});

/// Log-likelihood of the survivors curve (F&H 2007 eq. 5); gradient d/d(alpha, beta) (size 2)
/// when not empty.
[[nodiscard]] double sbg_log_likelihood(const sbg_params& p, std::span<const double> survivors,
                                        std::span<double> gradient = {});

/// P(T = t): churn in period t >= 1 (F&H 2007 eq. 3; the recursion of eq. 4 unrolled,
/// S(t − 1) alpha / (alpha + beta + t − 1), so any t costs the same).
[[nodiscard]] double sbg_churn_probability(const sbg_params& p, unsigned t);

/// S(t): survival to period t (S(0) = 1).
[[nodiscard]] double sbg_survival(const sbg_params& p, unsigned t);

/// r(t) = S(t) / S(t−1) = (beta + t − 1) / (alpha + beta + t − 1), t >= 1.
[[nodiscard]] double sbg_retention_rate(const sbg_params& p, unsigned t);

/// Discounted expected residual lifetime of a customer who has renewed n times (Fader & Hardie
/// 2010, "Customer-base valuation in a contractual setting", eq. 6, with 2F1), discount rate d:
/// expected renewals from her next renewal decision on, that one undiscounted (DERL = DEL − 1
/// for renewals = 0). d = 0 gives (beta + renewals) / (alpha − 1), +inf for alpha <= 1;
/// throws invalid_input for d < 0.
[[nodiscard]] double sbg_derl(const sbg_params& p, double discount_rate, unsigned renewals);

// ---- BG/BB: discrete purchase opportunities (Fader, Hardie & Shang 2010) ----

/// Transaction probability p ~ Beta(alpha, beta); dropout θ ~ Beta(gamma, delta).
struct bgbb_params {
  double alpha = 0.0;
  double beta = 0.0;
  double gamma = 0.0;
  double delta = 0.0;
};

/// Parameters of a fit_result of fit_bgbb (order alpha, beta, gamma, delta).
[[nodiscard]] bgbb_params bgbb_params_of(const fit_result& fit);

/// Per customer (or per pattern with weight): x transactions in n opportunities, the last one at
/// opportunity t_x (0 when x = 0); 0 <= x <= t_x <= n, whole numbers.
struct bgbb_view {
  std::span<const double> x;
  std::span<const double> t_x;
  std::span<const double> n;
  std::span<const double> weight{};
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

/// Throws invalid_input naming `function`, column and row for rows breaking the rules above.
void validate(const bgbb_view& data, const char* function);

/// One pattern's log-likelihood (FHS 2010 eq. 5, log space).
[[nodiscard]] double bgbb_log_likelihood(const bgbb_params& p, double x, double t_x, double n);

/// Σ weight · LL; gradient d/d(alpha, beta, gamma, delta) (size 4) when not empty.
[[nodiscard]] double bgbb_total_log_likelihood(const bgbb_params& p, const bgbb_view& data,
                                               std::span<double> gradient = {});

/// Maximum-likelihood fit (validated). Parameter names "alpha", "beta", "gamma", "delta".
[[nodiscard]] fit_result fit_bgbb(const bgbb_view& data, const fit_options& options = {});

/// P(alive at n + 1 | x, t_x, n) (FHS 2010 eq. 11).
[[nodiscard]] double bgbb_p_alive(const bgbb_params& p, double x, double t_x, double n);

/// E[X(n, n + n_star) | x, t_x, n]: expected transactions in the next n_star opportunities (FHS
/// 2010 eq. 13).
[[nodiscard]] double bgbb_conditional_expected_purchases(const bgbb_params& p, double n_star,
                                                         double x, double t_x, double n);

/// E[X(n)] of a new customer over n opportunities (FHS 2010 eq. 7).
[[nodiscard]] double bgbb_expected_purchases(const bgbb_params& p, double n);

/// Discounted expected residual transactions (FHS 2010 eq. 14, with 2F1), discount rate d per
/// opportunity, the first future opportunity discounted once. d = 0 is finite only for
/// gamma > 1 (+inf otherwise); throws invalid_input for d < 0.
[[nodiscard]] double bgbb_dert(const bgbb_params& p, double discount_rate, double x, double t_x,
                               double n);

}  // namespace crm::clv
