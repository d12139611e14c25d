#pragma once

#include <span>

#include "crm/clv/common.hpp"

namespace crm::clv {

/// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way") and MBG/NBD
/// (Batislam, Denizel & Filiztekin 2007: a customer may also drop out at time 0, so x = 0
/// customers can be dead).
enum class bgnbd_variant { bg, modified };

/// Parameters: purchase rate λ ~ Gamma(shape r, rate alpha); dropout p ~ Beta(a, b).
struct bgnbd_params {
  double r = 0.0;
  double alpha = 0.0;
  double a = 0.0;
  double b = 0.0;
};

/// Parameters of a fit_result of fit_bgnbd (order r, alpha, a, b).
[[nodiscard]] bgnbd_params bgnbd_params_of(const fit_result& fit);

/// One customer's log-likelihood (FHL 2005 eq. 6, in log space: finite for x in the thousands
/// and T of decades).
[[nodiscard]] double bgnbd_log_likelihood(const bgnbd_params& p, bgnbd_variant v, double x,
                                          double t_x, double T);

/// Σ weight · LL over the rows; writes d/d(r, alpha, a, b) into `gradient` (size 4) when it is
/// not empty. The data must be valid (see validate).
[[nodiscard]] double bgnbd_total_log_likelihood(const bgnbd_params& p, bgnbd_variant v,
                                                const rfm_view& data,
                                                std::span<double> gradient = {});

/// Maximum-likelihood fit over the compressed patterns of `data` (validated here; throws
/// invalid_input naming the row). Default start r = alpha = a = b = 1 (alpha scaled to the mean
/// T). Parameter names "r", "alpha", "a", "b".
[[nodiscard]] fit_result fit_bgnbd(const rfm_view& data, bgnbd_variant v = bgnbd_variant::bg,
                                   const fit_options& options = {});

/// E[X(t)]: expected purchases in (0, t] of a new customer (FHL 2005 eq. 7; 2F1 of eq. 7
/// evaluated stably).
[[nodiscard]] double bgnbd_expected_purchases(const bgnbd_params& p, bgnbd_variant v, double t);

/// E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] of a customer with that history (FHL
/// 2005 eq. 10).
[[nodiscard]] double bgnbd_conditional_expected_purchases(const bgnbd_params& p, bgnbd_variant v,
                                                          double t, double x, double t_x, double T);

/// P(alive | x, t_x, T) (FHL 2005 appendix; Fader, Hardie & Lee note "Computing P(alive)").
[[nodiscard]] double bgnbd_p_alive(const bgnbd_params& p, bgnbd_variant v, double x, double t_x,
                                   double T);

/// P(X(t) = n) for a new customer (FHL 2005 eq. 8).
[[nodiscard]] double bgnbd_p_purchases(const bgnbd_params& p, bgnbd_variant v, double t,
                                       unsigned n);

/// Batch predictions for every row of `data`: expected purchases in (T, T+t] and P(alive), into
/// caller-owned spans of data.size() (either may be empty = not wanted). Uses both cores on
/// large inputs. Never NaN or inf for valid data.
void bgnbd_predict(const bgnbd_params& p, bgnbd_variant v, const rfm_view& data, double t,
                   std::span<double> expected, std::span<double> alive);

/// Discounted expected purchases of every row over `periods` periods of length `step` (in the
/// data's time unit) at `discount_rate` per period: Σ_{i=1..periods} (E[Y(i·step)] −
/// E[Y((i−1)·step)]) / (1+d)^i, the factor of the spend in discounted_value (lifetimes'
/// customer_lifetime_value), in one pass (P(alive) and the per-x series once per row). Writes
/// `discounted`, and E[Y(periods·step)] and P(alive) into `expected` and `alive` unless empty;
/// all of data.size(). Throws as check_discounting and bgnbd_predict.
void bgnbd_discounted_purchases(const bgnbd_params& p, bgnbd_variant v, const rfm_view& data,
                                unsigned periods, double step, double discount_rate,
                                std::span<double> discounted, std::span<double> expected,
                                std::span<double> alive);

}  // namespace crm::clv
