// sBG: contractual retention (Fader & Hardie 2007, "How to project customer retention", J. of
// Interactive Marketing 21(1)); DERL from Fader & Hardie 2010, "Customer-base valuation in a
// contractual setting: the perils of ignoring heterogeneity", Marketing Science 29(1).
//
// Each customer churns at the end of a period with probability θ ~ Beta(α, β), so
//   P(T = 1) = α / (α + β),  P(T = t) = (β + t − 2) / (α + β + t − 1) · P(T = t − 1)   (eq. 4)
//   S(t) = B(α, β + t) / B(α, β) = S(t − 1) · (β + t − 1) / (α + β + t − 1).

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "crm/clv/discrete.hpp"
#include "crm/error.hpp"

#include "fit.hpp"
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>

namespace crm::clv {
namespace {

/// Boost.Math in double precision throughout (the default promotes to long double: the same
/// accuracy here, ~15 times slower).
using policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

[[noreturn]] void bad(const char* function, const char* column, std::int64_t row, double value,
                      const std::string& reason) {
  throw invalid_input(reason, {function, column, row, std::to_string(value)});
}

void check_params(const sbg_params& p, const char* function) {
  if (!std::isfinite(p.alpha) || p.alpha <= 0.0) {
    bad(function, "alpha", -1, p.alpha, "alpha must be > 0");
  }
  if (!std::isfinite(p.beta) || p.beta <= 0.0) {
    bad(function, "beta", -1, p.beta, "beta must be > 0");
  }
}

/// Survivors at periods 0..n: at least `min_size` entries, finite, >= 0, non-increasing, a
/// non-empty cohort. Non-integer counts (e.g. percentages of the cohort) are accepted: the
/// likelihood is a weighted multinomial.
void check_survivors(std::span<const double> s, const char* function, std::size_t min_size) {
  if (s.size() < min_size) {
    const std::size_t periods = min_size - 1;
    throw invalid_input("the survivors curve needs periods 0.." + std::to_string(periods) +
                            " at least (" + std::to_string(periods) + " renewal period" +
                            (periods == 1 ? ")" : "s)"),
                        {function, "survivors", -1, std::to_string(s.size()) + " values"});
  }
  for (std::size_t t = 0; t < s.size(); ++t) {
    const auto row = static_cast<std::int64_t>(t);
    if (!std::isfinite(s[t]) || s[t] < 0.0) {
      bad(function, "survivors", row, s[t], "survivor counts must be finite and >= 0");
    }
    if (t == 0 && s[t] <= 0.0) bad(function, "survivors", row, s[t], "the cohort is empty");
    if (t > 0 && s[t] > s[t - 1]) {
      bad(function, "survivors", row, s[t],
          "survivors increase from period " + std::to_string(t - 1) + " (" +
              std::to_string(s[t - 1]) + ") to period " + std::to_string(t));
    }
  }
}

/// LL of a validated survivors curve (F&H 2007 eq. 5): Σ_t (s[t−1] − s[t]) ln P(T = t) +
/// s[n] ln S(n), P and S by the recursions (one log each per period); d LL / d(α, β) into
/// `grad` when not null.
double survivors_ll(double a, double b, std::span<const double> s, double* grad) {
  const std::size_t n = s.size() - 1;
  // t = 1: ln P = ln α − ln(α + β), ln S = ln β − ln(α + β).
  double log_p = std::log(a / (a + b));
  double dp_a = 1.0 / a - 1.0 / (a + b);
  double dp_b = -1.0 / (a + b);
  double log_s = std::log(b / (a + b));
  double ds_a = -1.0 / (a + b);
  double ds_b = 1.0 / b - 1.0 / (a + b);
  double ll = 0.0;
  double g_a = 0.0;
  double g_b = 0.0;
  for (std::size_t t = 1; t <= n; ++t) {
    const double lost = s[t - 1] - s[t];
    if (lost > 0.0) {
      ll += lost * log_p;
      g_a += lost * dp_a;
      g_b += lost * dp_b;
    }
    if (t == n) break;
    const double td = static_cast<double>(t);
    // P(T = t + 1) = P(T = t) (β + t − 1) / (α + β + t);  S(t + 1) = S(t) (β + t) / (α + β + t).
    const double inv_abt = 1.0 / (a + b + td);
    log_p += std::log((b + td - 1.0) * inv_abt);
    dp_a -= inv_abt;
    dp_b += 1.0 / (b + td - 1.0) - inv_abt;
    log_s += std::log((b + td) * inv_abt);
    ds_a -= inv_abt;
    ds_b += 1.0 / (b + td) - inv_abt;
  }
  if (s[n] > 0.0) {
    ll += s[n] * log_s;
    g_a += s[n] * ds_a;
    g_b += s[n] * ds_b;
  }
  if (grad != nullptr) {
    grad[0] = g_a;
    grad[1] = g_b;
  }
  return ll;
}

/// ln(Γ(a) / Γ(a + delta)) for a, a + delta > 0: Boost's tgamma_delta_ratio (accurate, also for
/// large a), with ln Γ differences only where the ratio under- or overflows a double.
double log_gamma_delta_ratio(double a, double delta) {
  const double r = boost::math::tgamma_delta_ratio(a, delta, policy());
  if (r >= DBL_MIN && r <= DBL_MAX) return std::log(r);
  return boost::math::lgamma(a, policy()) - boost::math::lgamma(a + delta, policy());
}

/// ln S(t) = ln[B(α, β + t) / B(α, β)] = ln[Γ(β + t) / Γ(α + β + t)] − ln[Γ(β) / Γ(α + β)].
double log_survival(const sbg_params& p, double t) {
  if (t == 0.0) return 0.0;
  return log_gamma_delta_ratio(p.beta + t, p.alpha) - log_gamma_delta_ratio(p.beta, p.alpha);
}

}  // namespace

sbg_params sbg_params_of(const fit_result& fit) {
  if (fit.params.size() != 2) {
    throw invalid_input("an sBG fit has 2 parameters",
                        {"sbg_params_of", "params", -1, std::to_string(fit.params.size())});
  }
  return {fit.params[0].value, fit.params[1].value};
}

fit_result fit_sbg(std::span<const double> survivors, const fit_options& options) {
  // Two renewal periods at least: one period only identifies α / (α + β).
  check_survivors(survivors, "fit_sbg", 3);
  const auto ll = [survivors](std::span<const double> params, std::span<double> gradient) {
    return survivors_ll(params[0], params[1], survivors, gradient.data());
  };
  return detail::maximize(ll, {"alpha", "beta"}, {1.0, 1.0}, survivors[0], options);
}

double sbg_log_likelihood(const sbg_params& p, std::span<const double> survivors,
                          std::span<double> gradient) {
  check_params(p, "sbg_log_likelihood");
  check_survivors(survivors, "sbg_log_likelihood", 2);
  if (!gradient.empty() && gradient.size() != 2) {
    throw invalid_input("the gradient needs 2 elements",
                        {"sbg_log_likelihood", "gradient", -1, std::to_string(gradient.size())});
  }
  return survivors_ll(p.alpha, p.beta, survivors, gradient.empty() ? nullptr : gradient.data());
}

double sbg_churn_probability(const sbg_params& p, unsigned t) {
  check_params(p, "sbg_churn_probability");
  if (t == 0) bad("sbg_churn_probability", "t", -1, 0.0, "churn periods start at t = 1");
  // Eq. 4 unrolled: P(T = t) = S(t − 1) · α / (α + β + t − 1), S in closed form (O(1) in t).
  const double td = static_cast<double>(t);
  return std::exp(log_survival(p, td - 1.0)) * p.alpha / (p.alpha + p.beta + td - 1.0);
}

double sbg_survival(const sbg_params& p, unsigned t) {
  check_params(p, "sbg_survival");
  return std::exp(log_survival(p, static_cast<double>(t)));
}

double sbg_retention_rate(const sbg_params& p, unsigned t) {
  check_params(p, "sbg_retention_rate");
  if (t == 0) bad("sbg_retention_rate", "t", -1, 0.0, "retention periods start at t = 1");
  const double td = static_cast<double>(t);
  return (p.beta + td - 1.0) / (p.alpha + p.beta + td - 1.0);
}

double sbg_derl(const sbg_params& p, double discount_rate, unsigned renewals) {
  check_params(p, "sbg_derl");
  if (!std::isfinite(discount_rate) || discount_rate < 0.0) {
    bad("sbg_derl", "discount_rate", -1, discount_rate, "the discount rate must be >= 0");
  }
  // F&H 2010 eq. 6 with their n = renewals + 1 (the customer stands just before her n-th
  // renewal decision; the payment of that renewal is not discounted):
  //   DERL = Σ_{t>=n} S(t | T > n − 1) / (1 + d)^(t − n)
  //        = B(α, β + n) / B(α, β + n − 1) · 2F1(1, β + n; α + β + n; 1 / (1 + d)),
  // B(α, β + n) / B(α, β + n − 1) = (β + n − 1) / (α + β + n − 1) = r(n).
  const double n = static_cast<double>(renewals) + 1.0;
  const double r = (p.beta + n - 1.0) / (p.alpha + p.beta + n - 1.0);
  if (discount_rate == 0.0) {
    // Gauss: 2F1(1, b; c; 1) = (c − 1) / (c − b − 1) for c − b − 1 = α − 1 > 0, so the
    // undiscounted residual lifetime is (β + n − 1) / (α − 1); infinite for α <= 1.
    if (p.alpha <= 1.0) return std::numeric_limits<double>::infinity();
    return (p.beta + n - 1.0) / (p.alpha - 1.0);
  }
  const double z = 1.0 / (1.0 + discount_rate);
  return r * boost::math::hypergeometric_pFq({1.0, p.beta + n}, {p.alpha + p.beta + n}, z,
                                             static_cast<double*>(nullptr), policy());
}

}  // namespace crm::clv
