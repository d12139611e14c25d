// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for
// customer base analysis", JMR 42(4); Fader & Hardie 2013, "The Gamma-Gamma model of monetary
// value"). A customer's x transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across
// customers, so their mean m_x has the density (F&H 2013 eq. 3)
//
//   f(m_x | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q (x m_x)^(px) / (m_x (γ + x m_x)^(px+q)).
//
// In the total log-likelihood only ln(γ + x m_x) depends on both the row and the parameters:
// terms of x alone are computed once per distinct x, ln m_x once per fit.

#include "crm/clv/gamma_gamma.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "crm/error.hpp"

#include "fit.hpp"
#include "special.hpp"
#include <boost/math/special_functions/gamma.hpp>

namespace crm::clv {

namespace {

using detail::lgam;
using detail::psi;
using detail::tri;

void check_params(const gamma_gamma_params& p, const char* function) {
  const auto positive = [&](const char* name, double v) {
    if (!std::isfinite(v) || v <= 0.0) {
      throw invalid_input("parameter must be > 0", {function, name, -1, std::to_string(v)});
    }
  };
  positive("p", p.p);
  positive("q", p.q);
  positive("gamma", p.gamma);
}

/// The rows with x >= 1, ready for repeated evaluation: per row x·m_x, its weight and the index
/// of its x among the distinct values; per distinct x the summed weight and Σ w ln m_x.
struct spend_rows {
  std::vector<double> xm;
  std::vector<double> w;  // empty = 1 each
  detail::value_index x;
  std::vector<double> weight;     // per x: Σ w
  std::vector<double> sum_log_m;  // per x: Σ w ln m_x
  double n = 0.0;
};

/// Every `step`-th row with x >= 1 (all of them for step = 1).
spend_rows prepare(const spend_view& d, std::size_t step = 1) {
  const bool weighted = !d.weight.empty();
  std::size_t count = 0;
  for (double x : d.x) count += x >= 1.0 ? 1 : 0;
  count = (count + step - 1) / step;
  spend_rows out;
  std::vector<double> xs(count);
  std::vector<double> log_m(count);
  out.xm.resize(count);
  if (weighted) out.w.resize(count);
  const std::size_t offset = step / 2;
  std::size_t seen = 0;
  std::size_t r = 0;
  for (std::size_t i = 0; i < d.size() && r < count; ++i) {
    if (d.x[i] < 1.0) continue;
    if (seen++ % step != offset) continue;
    xs[r] = d.x[i];
    out.xm[r] = d.x[i] * d.m_x[i];
    log_m[r] = std::log(d.m_x[i]);
    if (weighted) out.w[r] = d.weight[i];
    ++r;
  }
  xs.resize(r);
  log_m.resize(r);
  out.xm.resize(r);
  if (weighted) out.w.resize(r);
  out.x = detail::index_values(xs);
  out.weight.assign(out.x.values.size(), 0.0);
  out.sum_log_m.assign(out.x.values.size(), 0.0);
  for (std::size_t i = 0; i < r; ++i) {
    const double w = weighted ? out.w[i] : 1.0;
    out.weight[out.x.slot[i]] += w;
    out.sum_log_m[out.x.slot[i]] += w * log_m[i];
    out.n += w;
  }
  return out;
}

/// Row sums of the terms in ln(γ + x m_x): L = ln(γ + x m_x), I = 1 / (γ + x m_x), c = px + q.
enum row_sum : std::size_t { s_xl, s_l, s_ci, s_xi, s_i, s_ci2, row_sums };

/// Σ w LL over prepared rows; gradient d/d(p, q, gamma) (3) and Hessian (3 × 3, row-major) when
/// not empty (the Hessian needs the gradient).
double total_log_likelihood(const gamma_gamma_params& p, const spend_rows& d,
                            std::span<double> gradient, std::span<double> hessian = {}) {
  const std::size_t k = d.x.values.size();
  const bool want_g = !gradient.empty();
  const bool want_h = !hessian.empty();
  // Per distinct x: c = px + q, the coefficient of −ln(γ + x m_x).
  std::vector<double> coef(k);
  double ll = 0.0;
  double g[3] = {0.0, 0.0, 0.0};
  double h[3][3] = {};
  const double lg_q = lgam(p.q);
  const double psi_q = want_g ? psi(p.q) : 0.0;
  const double tri_q = want_h ? tri(p.q) : 0.0;
  const double ln_gamma = std::log(p.gamma);
  for (std::size_t j = 0; j < k; ++j) {
    const double x = d.x.values[j];
    const double px = p.p * x;
    const double W = d.weight[j];
    const double ln_x = std::log(x);
    // Σ over the rows of this x of w [lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + px ln x
    //                                 + (px − 1) ln m_x]   (−(px+q) ln(γ + x m_x) added below).
    ll += W * (lgam(px + p.q) - lgam(px) - lg_q + p.q * ln_gamma + px * ln_x) +
          (px - 1.0) * d.sum_log_m[j];
    coef[j] = px + p.q;
    if (want_g) {
      const double psi_c = psi(px + p.q);
      g[0] += x * (W * (psi_c - psi(px) + ln_x) + d.sum_log_m[j]);
      g[1] += W * (psi_c - psi_q + ln_gamma);
      g[2] += W * p.q / p.gamma;
    }
    if (want_h) {
      const double tri_c = tri(px + p.q);
      h[0][0] += W * x * x * (tri_c - tri(px));
      h[0][1] += W * x * tri_c;
      h[1][1] += W * (tri_c - tri_q);
      h[1][2] += W / p.gamma;
      h[2][2] -= W * p.q / (p.gamma * p.gamma);
    }
  }
  const bool weighted = !d.w.empty();
  const auto part = [&](std::size_t begin, std::size_t end, std::span<double> out) {
    double s = 0.0;
    double r[row_sums] = {};
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t j = d.x.slot[i];
      const double w = weighted ? d.w[i] : 1.0;
      const double den = p.gamma + d.xm[i];
      const double wl = w * std::log(den);
      s -= coef[j] * wl;
      if (want_g) {
        const double wi = w / den;
        r[s_xl] += d.x.values[j] * wl;
        r[s_l] += wl;
        r[s_ci] += coef[j] * wi;
        if (want_h) {
          r[s_xi] += d.x.values[j] * wi;
          r[s_i] += wi;
          r[s_ci2] += coef[j] * wi / den;
        }
      }
    }
    for (std::size_t m = 0; m < out.size(); ++m) out[m] = r[m];
    return s;
  };
  double sums[row_sums] = {};
  const std::size_t used = want_h ? row_sums : want_g ? s_ci + 1 : 0;
  ll += detail::parallel_sum(d.xm.size(), std::span<double>(sums, used), part);
  if (!want_g) return ll;
  gradient[0] = g[0] - sums[s_xl];
  gradient[1] = g[1] - sums[s_l];
  gradient[2] = g[2] - sums[s_ci];
  if (!want_h) return ll;
  h[0][2] = -sums[s_xi];
  h[1][2] -= sums[s_i];
  h[2][2] += sums[s_ci2];
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = i; j < 3; ++j) hessian[i * 3 + j] = hessian[j * 3 + i] = h[i][j];
  }
  return ll;
}

}  // namespace

gamma_gamma_params gamma_gamma_params_of(const fit_result& fit) {
  if (fit.params.size() != 3) {
    throw invalid_input("a Gamma-Gamma fit has 3 parameters",
                        {"gamma_gamma_params_of", "params", -1, std::to_string(fit.params.size())});
  }
  return {fit.params[0].value, fit.params[1].value, fit.params[2].value};
}

void validate(const spend_view& data, const char* function) {
  require_same_length(function, "x", data.x.size(), "m_x", data.m_x.size());
  if (!data.weight.empty()) {
    require_same_length(function, "x", data.x.size(), "weight", data.weight.size());
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto row = static_cast<std::int64_t>(i);
    const double x = data.x[i];
    if (!std::isfinite(x) || x < 0.0 || x != std::floor(x)) {
      throw invalid_input("frequency must be a whole number >= 0",
                          {function, "x", row, std::to_string(x)});
    }
    if (x >= 1.0 && (!std::isfinite(data.m_x[i]) || data.m_x[i] <= 0.0)) {
      throw invalid_input("mean spend must be > 0 for customers with repeat purchases",
                          {function, "m_x", row, std::to_string(data.m_x[i])});
    }
    if (!data.weight.empty() && (!std::isfinite(data.weight[i]) || data.weight[i] <= 0.0)) {
      throw invalid_input("weight must be > 0",
                          {function, "weight", row, std::to_string(data.weight[i])});
    }
  }
}

double gamma_gamma_log_likelihood(const gamma_gamma_params& p, double x, double m_x) {
  check_params(p, "gamma_gamma_log_likelihood");
  validate(spend_view{{&x, 1}, {&m_x, 1}}, "gamma_gamma_log_likelihood");
  if (x < 1.0) {
    throw invalid_input("the spend model needs x >= 1 repeat purchases",
                        {"gamma_gamma_log_likelihood", "x", -1, std::to_string(x)});
  }
  const double px = p.p * x;
  return lgam(px + p.q) - lgam(px) - lgam(p.q) + p.q * std::log(p.gamma) + px * std::log(x) +
         (px - 1.0) * std::log(m_x) - (px + p.q) * std::log(p.gamma + x * m_x);
}

double gamma_gamma_total_log_likelihood(const gamma_gamma_params& p, const spend_view& data,
                                        std::span<double> gradient) {
  check_params(p, "gamma_gamma_total_log_likelihood");
  if (!gradient.empty() && gradient.size() != 3) {
    throw invalid_input(
        "the gradient needs 3 elements",
        {"gamma_gamma_total_log_likelihood", "gradient", -1, std::to_string(gradient.size())});
  }
  validate(data, "gamma_gamma_total_log_likelihood");
  return total_log_likelihood(p, prepare(data), gradient);
}

fit_result fit_gamma_gamma(const spend_view& data, const fit_options& options) {
  validate(data, "fit_gamma_gamma");
  const spend_rows rows = prepare(data);
  if (rows.n <= 0.0) {
    throw invalid_input("no customer with x >= 1 repeat purchases to fit",
                        {"fit_gamma_gamma", "x", -1, ""});
  }
  // Start p = q = 1 with gamma at the (geometric) mean spend, the model's scale.
  double mean = 0.0;
  for (double v : rows.sum_log_m) mean += v;
  mean = std::exp(mean / rows.n);
  const auto ll = [&](std::span<const double> v, std::span<double> gradient) {
    return total_log_likelihood({v[0], v[1], v[2]}, rows, gradient);
  };
  detail::maximize_extras extras;
  extras.hessian = [&](std::span<const double> v, std::span<double> gradient,
                       std::span<double> hessian) {
    return total_log_likelihood({v[0], v[1], v[2]}, rows, gradient, hessian);
  };
  // Large data: L-BFGS on ~20,000 evenly spread buyers, then Newton steps on all of them.
  constexpr std::size_t sample_rows = 20'000;
  spend_rows sample;
  if (rows.xm.size() > 5 * sample_rows) {
    sample = prepare(data, rows.xm.size() / sample_rows);
    extras.sample_n = sample.n;
    extras.sample = [&](std::span<const double> v, std::span<double> gradient) {
      return total_log_likelihood({v[0], v[1], v[2]}, sample, gradient);
    };
  }
  return detail::maximize(ll, {"p", "q", "gamma"}, {1.0, 1.0, mean}, rows.n, options, extras);
}

double gamma_gamma_expected_spend(const gamma_gamma_params& p, double x, double m_x) {
  check_params(p, "gamma_gamma_expected_spend");
  // The common case checked inline (this runs once per customer); anything else goes through
  // validate, which throws the documented error.
  const double big = std::numeric_limits<double>::max();
  const bool plain =
      x >= 0.0 && x <= big && x == std::floor(x) && (x == 0.0 || (m_x > 0.0 && m_x <= big));
  if (!plain) validate(spend_view{{&x, 1}, {&m_x, 1}}, "gamma_gamma_expected_spend");
  // F&H 2013 eq. 5: E[M | x, m_x] = p (γ + x m_x) / (px + q − 1), a weighted mean of the
  // population mean p γ / (q − 1) and m_x; it exists for px + q > 1 (q > 1 when x = 0).
  const double px = p.p * x;
  if (px + p.q <= 1.0) {
    throw invalid_input("the expected spend needs p x + q > 1 (q > 1 for x = 0)",
                        {"gamma_gamma_expected_spend", "q", -1, std::to_string(p.q)});
  }
  return x == 0.0 ? p.p * p.gamma / (p.q - 1.0) : p.p * (p.gamma + x * m_x) / (px + p.q - 1.0);
}

}  // namespace crm::clv
