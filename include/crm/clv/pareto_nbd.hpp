#pragma once

#include <span>

#include "crm/clv/common.hpp"

namespace crm::clv {

/// Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005 note "A note on deriving
/// the Pareto/NBD model and related expressions"): purchase rate λ ~ Gamma(r, alpha), dropout
/// rate μ ~ Gamma(s, beta).
struct pareto_nbd_params {
  double r = 0.0;
  double alpha = 0.0;
  double s = 0.0;
  double beta = 0.0;
};

/// Parameters of a fit_result of fit_pareto_nbd (order r, alpha, s, beta).
[[nodiscard]] pareto_nbd_params pareto_nbd_params_of(const fit_result& fit);

/// One customer's log-likelihood (F&H note eq. 22 with the 2F1 evaluated stably, in log space:
/// finite for x in the thousands and T of decades).
[[nodiscard]] double pareto_nbd_log_likelihood(const pareto_nbd_params& p, double x, double t_x,
                                               double T);

/// Σ weight · LL over the rows; writes d/d(r, alpha, s, beta) into `gradient` (size 4) when it
/// is not empty (analytic, or accurate numerical derivatives of the stable form: say which).
[[nodiscard]] double pareto_nbd_total_log_likelihood(const pareto_nbd_params& p,
                                                     const rfm_view& data,
                                                     std::span<double> gradient = {});

/// Maximum-likelihood fit over the compressed patterns (validated; throws invalid_input naming
/// the row). Parameter names "r", "alpha", "s", "beta".
[[nodiscard]] fit_result fit_pareto_nbd(const rfm_view& data, const fit_options& options = {});

/// E[X(t)] of a new customer.
[[nodiscard]] double pareto_nbd_expected_purchases(const pareto_nbd_params& p, double t);

/// E[Y(t) | x, t_x, T]: expected purchases in (T, T+t].
[[nodiscard]] double pareto_nbd_conditional_expected_purchases(const pareto_nbd_params& p, double t,
                                                               double x, double t_x, double T);

/// P(alive | x, t_x, T).
[[nodiscard]] double pareto_nbd_p_alive(const pareto_nbd_params& p, double x, double t_x, double T);

/// P(X(t) = n) for a new customer.
[[nodiscard]] double pareto_nbd_p_purchases(const pareto_nbd_params& p, double t, unsigned n);

/// Discounted expected residual transactions under continuous compounding at rate `delta` per
/// time unit (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", eq. 2).
[[nodiscard]] double pareto_nbd_dert(const pareto_nbd_params& p, double delta, double x, double t_x,
                                     double T);

/// Batch predictions (as bgnbd_predict).
void pareto_nbd_predict(const pareto_nbd_params& p, const rfm_view& data, double t,
                        std::span<double> expected, std::span<double> alive);

/// Discounted expected purchases over `periods` periods of length `step` (as
/// bgnbd_discounted_purchases): P(alive) once per row, then the closed-form expectation per period.
void pareto_nbd_discounted_purchases(const pareto_nbd_params& p, const rfm_view& data,
                                     unsigned periods, double step, double discount_rate,
                                     std::span<double> discounted, std::span<double> expected,
                                     std::span<double> alive);

}  // namespace crm::clv
