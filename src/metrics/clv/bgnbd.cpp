// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science
// 24(2)) and MBG/NBD (Batislam, Denizel & Filiztekin 2007, IJRM 24(3)).
//
// Both models share one form. With s = x (BG/NBD) or s = x + 1 (MBG/NBD: a customer may also drop
// out at time 0), a customer with x repeat purchases, the last at t_x, observed for T has
//
//   L = B(a, b+s)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
//       · [1 + δ(s ≥ 1) · a/(b+s−1) · ((α+T)/(α+t_x))^(r+x)]
//
// (FHL 2005 eq. 6 with B(a+1, b+s−1) = B(a, b+s) · a/(b+s−1)). The bracket is taken in log space
// (log-sum-exp), so x in the thousands and T of decades stay finite. Its second share
// w2 = 1 − P(alive) is also what the gradient needs.

#include "crm/clv/bgnbd.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "crm/error.hpp"

#include "fit.hpp"
#include "special.hpp"
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

namespace crm::clv {

namespace {

using detail::lgam;
using detail::psi;
using detail::tri;

[[noreturn]] void bad_value(const char* function, const char* column, double value,
                            const std::string& reason) {
  throw invalid_input(reason, {function, column, -1, std::to_string(value)});
}

void check_params(const bgnbd_params& p, const char* function) {
  const auto positive = [&](const char* name, double v) {
    if (!std::isfinite(v) || v <= 0.0) bad_value(function, name, v, "parameter must be > 0");
  };
  positive("r", p.r);
  positive("alpha", p.alpha);
  positive("a", p.a);
  positive("b", p.b);
}

void check_time(double t, const char* function) {
  if (!std::isfinite(t) || t < 0.0) bad_value(function, "t", t, "horizon t must be >= 0");
}

/// One customer as a one-row view, validated with the rules of validate(rfm_view).
void check_customer(double x, double t_x, double T, const char* function) {
  const rfm_view one{{&x, 1}, {&t_x, 1}, {&T, 1}};
  validate(one, function);
}

/// The shift s of the Beta terms: x (BG/NBD) or x + 1 (MBG/NBD).
double shift(bgnbd_variant v, double x) { return v == bgnbd_variant::modified ? x + 1.0 : x; }

/// Parameter-only terms, computed once per evaluation.
struct param_terms {
  double lg_r = 0.0;      // lnΓ(r)
  double psi_r = 0.0;     // ψ(r)
  double tri_r = 0.0;     // ψ'(r) (Hessian only)
  double ln_alpha = 0.0;  // ln α
  double lg_ab_b = 0.0;   // lnΓ(a+b) − lnΓ(b)
  double psi_ab = 0.0;    // ψ(a+b)
  double psi_b = 0.0;     // ψ(b)
  double tri_ab = 0.0;    // ψ'(a+b)
  double tri_b = 0.0;     // ψ'(b)

  param_terms(const bgnbd_params& p, bool hessian)
      : lg_r(lgam(p.r)),
        psi_r(psi(p.r)),
        ln_alpha(std::log(p.alpha)),
        lg_ab_b(lgam(p.a + p.b) - lgam(p.b)),
        psi_ab(psi(p.a + p.b)),
        psi_b(psi(p.b)) {
    if (hessian) {
      tri_r = tri(p.r);
      tri_ab = tri(p.a + p.b);
      tri_b = tri(p.b);
    }
  }
};

/// Terms that depend on the parameters and the whole number x only (one set per distinct x).
struct x_terms {
  double k = 0.0;        // r + x
  double base = 0.0;     // lnΓ(r+x) − lnΓ(r) + r ln α + ln B(a, b+s) − ln B(a, b)
  bool two = false;      // the bracket has its second term (s >= 1)
  double log_c = 0.0;    // ln(a / (b+s−1))
  double inv_bs1 = 0.0;  // 1 / (b+s−1)
  double d_r = 0.0;      // ψ(r+x) − ψ(r) + ln α
  double d_a = 0.0;      // ψ(a+b) − ψ(a+b+s)
  double d_b = 0.0;      // ψ(b+s) − ψ(a+b+s) − ψ(b) + ψ(a+b)
  double h_rr = 0.0;     // ψ'(r+x) − ψ'(r)
  double h_aa = 0.0;     // ψ'(a+b) − ψ'(a+b+s) (also ∂²/∂a∂b of the Beta ratio)
  double h_bb = 0.0;     // ψ'(b+s) − ψ'(a+b+s) − ψ'(b) + ψ'(a+b)
};

x_terms make_x_terms(const bgnbd_params& p, const param_terms& q, bgnbd_variant v, double x,
                     bool hessian) {
  x_terms t;
  const double s = shift(v, x);
  t.k = p.r + x;
  double lg_rx = 0.0;
  if (x > 0.0) {
    lg_rx = lgam(p.r + x) - q.lg_r;
    t.d_r = psi(p.r + x) - q.psi_r;
    if (hessian) t.h_rr = tri(p.r + x) - q.tri_r;
  }
  t.d_r += q.ln_alpha;
  double log_beta_ratio = 0.0;
  if (s > 0.0) {
    const double psi_abs = psi(p.a + p.b + s);
    log_beta_ratio = lgam(p.b + s) - lgam(p.a + p.b + s) + q.lg_ab_b;
    t.d_a = q.psi_ab - psi_abs;
    t.d_b = psi(p.b + s) - psi_abs - q.psi_b + q.psi_ab;
    if (hessian) {
      const double tri_abs = tri(p.a + p.b + s);
      t.h_aa = q.tri_ab - tri_abs;
      t.h_bb = tri(p.b + s) - tri_abs - q.tri_b + q.tri_ab;
    }
    t.two = true;
    t.log_c = std::log(p.a / (p.b + s - 1.0));
    t.inv_bs1 = 1.0 / (p.b + s - 1.0);
  }
  t.base = lg_rx + p.r * q.ln_alpha + log_beta_ratio;
  return t;
}

/// What an evaluation computes.
enum class order { value, gradient, hessian };

/// Weighted sums over the rows of the parts of the gradient and Hessian that vary by row (the
/// parts that depend on x only are added per distinct x, times its summed weight).
enum row_sum : std::size_t {
  g_r,       // Σ w ∂/∂r
  g_alpha,   // Σ w ∂/∂α
  s_w2,      // Σ w w2            (∂/∂a = that / a)
  s_w2_b,    // Σ w w2 / (b+s−1)  (∂/∂b = −that)
  h_rr,      // Σ w w1 w2 D², D = ln((α+T)/(α+t_x))
  h_ralpha,  // ∂²/∂r∂α
  h_alphaalpha,
  h_ra,      // Σ w w1 w2 D            (/ a)
  h_rb,      // Σ w w1 w2 D / (b+s−1)  (negated)
  h_alphaa,  // Σ w w1 w2 k E          (/ a), E = 1/(α+T) − 1/(α+t_x)
  h_alphab,  // Σ w w1 w2 k E / (b+s−1) (negated)
  h_aa,      // Σ w (w1 w2 − w2)       (/ a²)
  h_ab,      // Σ w w1 w2 / (b+s−1)    (negated, / a)
  h_bb,      // Σ w (w1 w2 + w2) / (b+s−1)²
  row_sums
};

constexpr std::size_t sums_of(order o) {
  return o == order::value ? 0 : o == order::gradient ? s_w2_b + 1 : row_sums;
}

/// Adds one row: ll += w (−(r+x) ln(α+T) + ln(1 + e^u)) with u the log of the bracket's second
/// term; w2 = σ(u) is its share (1 − P(alive)), w1 = 1 − w2.
template <order O>
void add_row(const x_terms& t, double alpha, double t_x, double T, double w, double& ll,
             double* s) {
  const double aT = alpha + T;
  const double lT = std::log(aT);
  if (!t.two) {
    ll -= w * t.k * lT;
    if constexpr (O != order::value) {
      const double iT = 1.0 / aT;
      s[g_r] -= w * lT;
      s[g_alpha] -= w * t.k * iT;
      if constexpr (O == order::hessian) {
        s[h_ralpha] -= w * iT;
        s[h_alphaalpha] += w * t.k * iT * iT;
      }
    }
    return;
  }
  const double at = alpha + t_x;
  const double lt = t_x == T ? lT : std::log(at);
  const double D = lT - lt;
  const double u = t.log_c + t.k * D;
  const double e = std::exp(-std::abs(u));
  // ln(1 + e^u) = max(u, 0) + ln(1 + e^−|u|); log instead of log1p: 1 + e is in (1, 2], so its
  // rounding moves the result by at most ~1e-16 in absolute terms, far below the other terms.
  ll += w * (std::max(u, 0.0) + std::log(1.0 + e) - t.k * lT);
  if constexpr (O != order::value) {
    const double inv = 1.0 / (1.0 + e);
    const double w2 = u > 0.0 ? inv : e * inv;
    const double iT = 1.0 / aT;
    const double it = 1.0 / at;
    const double E = iT - it;
    s[g_r] += w * (w2 * D - lT);
    s[g_alpha] += w * t.k * (w2 * E - iT);
    s[s_w2] += w * w2;
    s[s_w2_b] += w * w2 * t.inv_bs1;
    if constexpr (O == order::hessian) {
      const double ww = w * e * inv * inv;  // w · w1 · w2
      const double kE = t.k * E;
      s[h_rr] += ww * D * D;
      s[h_ralpha] += w * (w2 * E - iT) + ww * D * kE;
      s[h_alphaalpha] += w * t.k * (iT * iT + w2 * (it * it - iT * iT)) + ww * kE * kE;
      s[h_ra] += ww * D;
      s[h_rb] += ww * D * t.inv_bs1;
      s[h_alphaa] += ww * kE;
      s[h_alphab] += ww * kE * t.inv_bs1;
      s[h_aa] += ww - w * w2;
      s[h_ab] += ww * t.inv_bs1;
      s[h_bb] += (ww + w * w2) * t.inv_bs1 * t.inv_bs1;
    }
  }
}

/// Rows with the index of their x among the distinct values, and the summed weight per x.
struct indexed_rows {
  rfm_view rows;
  detail::value_index x;
  std::vector<double> x_weight;
};

indexed_rows index_rows(const rfm_view& rows) {
  indexed_rows out{rows, detail::index_values(rows.x), {}};
  out.x_weight.assign(out.x.values.size(), 0.0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.x_weight[out.x.slot[i]] += rows.weight.empty() ? 1.0 : rows.weight[i];
  }
  return out;
}

template <order O>
double row_part(const indexed_rows& d, const std::vector<x_terms>& table, double alpha,
                std::size_t begin, std::size_t end, std::span<double> out) {
  const rfm_view& r = d.rows;
  double ll = 0.0;
  double s[row_sums] = {};
  if (r.weight.empty()) {
    for (std::size_t i = begin; i < end; ++i) {
      add_row<O>(table[d.x.slot[i]], alpha, r.t_x[i], r.T[i], 1.0, ll, s);
    }
  } else {
    for (std::size_t i = begin; i < end; ++i) {
      add_row<O>(table[d.x.slot[i]], alpha, r.t_x[i], r.T[i], r.weight[i], ll, s);
    }
  }
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = s[k];
  return ll;
}

/// Σ weight · LL over indexed rows; the gradient (4) and Hessian (4 × 4, row-major) of LL when
/// those spans are not empty (the Hessian needs the gradient). Parameters must be > 0.
double total_log_likelihood(const bgnbd_params& p, bgnbd_variant v, const indexed_rows& d,
                            std::span<double> gradient, std::span<double> hessian = {}) {
  const order o =
      hessian.empty() ? (gradient.empty() ? order::value : order::gradient) : order::hessian;
  const bool want_h = o == order::hessian;
  const param_terms q(p, want_h);
  std::vector<x_terms> table(d.x.values.size());
  double ll = 0.0;
  double g[4] = {0.0, 0.0, 0.0, 0.0};
  double h[4][4] = {};
  double n = 0.0;
  for (std::size_t j = 0; j < table.size(); ++j) {
    const x_terms& t = table[j] = make_x_terms(p, q, v, d.x.values[j], want_h);
    const double W = d.x_weight[j];
    n += W;
    ll += W * t.base;
    g[0] += W * t.d_r;
    g[2] += W * t.d_a;
    g[3] += W * t.d_b;
    h[0][0] += W * t.h_rr;
    h[2][2] += W * t.h_aa;
    h[2][3] += W * t.h_aa;
    h[3][3] += W * t.h_bb;
  }
  std::array<double, row_sums> sums{};
  const std::span<double> part_sums(sums.data(), sums_of(o));
  const auto part = [&](std::size_t begin, std::size_t end, std::span<double> out) {
    switch (o) {
      case order::value:
        return row_part<order::value>(d, table, p.alpha, begin, end, out);
      case order::gradient:
        return row_part<order::gradient>(d, table, p.alpha, begin, end, out);
      case order::hessian:
        break;
    }
    return row_part<order::hessian>(d, table, p.alpha, begin, end, out);
  };
  ll += detail::parallel_sum(d.rows.size(), part_sums, part);
  if (o == order::value) return ll;
  const double inv_a = 1.0 / p.a;
  g[0] += sums[g_r];
  g[1] = n * p.r / p.alpha + sums[g_alpha];
  g[2] += sums[s_w2] * inv_a;
  g[3] -= sums[s_w2_b];
  for (std::size_t k = 0; k < 4; ++k) gradient[k] = g[k];
  if (o != order::hessian) return ll;
  h[0][0] += sums[h_rr];
  h[0][1] = n / p.alpha + sums[h_ralpha];
  h[1][1] = -n * p.r / (p.alpha * p.alpha) + sums[h_alphaalpha];
  h[0][2] = sums[h_ra] * inv_a;
  h[0][3] = -sums[h_rb];
  h[1][2] = sums[h_alphaa] * inv_a;
  h[1][3] = -sums[h_alphab];
  h[2][2] += sums[h_aa] * inv_a * inv_a;
  h[2][3] -= sums[h_ab] * inv_a;
  h[3][3] += sums[h_bb];
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = i; j < 4; ++j) hessian[i * 4 + j] = hessian[j * 4 + i] = h[i][j];
  }
  return ll;
}

bgnbd_params from_span(std::span<const double> v) { return {v[0], v[1], v[2], v[3]}; }

/// compress() sorts all rows; that pays when many rows repeat (times in whole days or weeks),
/// not for continuous times. Decided on an evenly spread sample of m rows: with D distinct rows
/// of similar frequency it holds about m²/(2D) repeated pairs, so compression would shrink the
/// n rows by n/D ≈ 2 n·repeats/m²; compress when that is at least 2. Either way the likelihood
/// is the same sum.
bool worth_compressing(const rfm_view& d) {
  const std::size_t n = d.size();
  constexpr std::size_t m = std::size_t{1} << 15;
  if (n <= 8 * m) return true;
  std::vector<std::array<double, 3>> sample(m);
  for (std::size_t i = 0; i < m; ++i) {
    const std::size_t j = i * n / m;
    sample[i] = {d.x[j], d.t_x[j], d.T[j]};
  }
  std::sort(sample.begin(), sample.end());
  double repeats = 0.0;
  for (std::size_t i = 1; i < m; ++i) repeats += sample[i] == sample[i - 1] ? 1.0 : 0.0;
  return 2.0 * static_cast<double>(n) * repeats >= 2.0 * static_cast<double>(m * m);
}

/// Every k-th row (k = rows / target), for the warm start of large fits.
rfm_patterns subsample(const rfm_view& d, std::size_t target) {
  rfm_patterns out;
  const std::size_t step = std::max<std::size_t>(1, d.size() / target);
  for (std::size_t i = step / 2; i < d.size(); i += step) {
    out.x.push_back(d.x[i]);
    out.t_x.push_back(d.t_x[i]);
    out.T.push_back(d.T[i]);
    out.weight.push_back(d.weight.empty() ? 1.0 : d.weight[i]);
  }
  return out;
}

/// Stable E[Y(t) | alive, x, T]: expected purchases in (T, T+t] of a customer alive at T, with
/// k = r + x, Beta posterior (a, β = b + s) of the dropout probability and c = a + β − 1;
/// u = t / (α + T). FHL 2005 eq. 10 writes it (c/(a−1)) [1 − ((α+T)/(α+T+t))^k
/// 2F1(k, β; c; t/(α+T+t))], which cancels badly (the bracket is 1 − a number near 1 when t is
/// short, and a → 1 is 0/0) and whose 2F1 series needs ~n^(k−a) z^n terms: slow for large x
/// exactly where z → 1. Boost's hypergeometric_pFq sums that same series, so we use two
/// rearrangements of it instead (both tested against a direct integration over the Beta
/// posterior in tests/unit/clv_bgnbd_test.cpp):
///  * Pfaff's transformation turns the bracket into 1 − 2F1(k, a−1; c; −u). Dividing its series
///    termwise by (a−1)/c gives, without cancellation or an a = 1 pole,
///      E = Σ_{n≥1} A_n u^n,  A_n = (−1)^{n+1} (k)_n (a)_{n−1} / ((c+1)_{n−1} n!),
///    alternating with ratio → u: used for small u.
///  * The other Pfaff form 2F1(k, a−1; c; −u) = (1+u)^{1−a} 2F1(c−k, a−1; c; z), z = u/(1+u),
///    with 2F1(c−k, a−1; c; z) = 1 + (a−1) S/c, S = Σ_{n≥1} B_n z^n,
///    B_n = (c−k)_n (a)_{n−1} / ((c+1)_{n−1} n!), and y = (1−a) ln(1+u) gives
///      E = c ln(1+u) expm1(y)/y − e^y S:
///    no pole at a = 1 or c = 0, and B_n z^n falls like n^(a−k−2) z^n, so fast for any x and
///    still convergent as z → 1 (beyond u = 1000, where it would need ~30 (1 + u) terms, the
///    defining integral over the Beta posterior is taken by quadrature instead).
/// The coefficients do not depend on u: predictions for many customers take them from a table
/// per distinct x (and continue the recurrence past its end).
struct series {
  double k = 0.0;
  double a = 0.0;
  double c = 0.0;
  std::span<const double> w_table;  // A_1, A_2, ... (may be empty)
  std::span<const double> z_table;  // B_1, B_2, ...

  [[nodiscard]] double w_ratio(double n) const {  // A_{n+1} / A_n
    return -(k + n) * (a + n - 1.0) / ((c + n) * (n + 1.0));
  }
  [[nodiscard]] double z_ratio(double n) const {  // B_{n+1} / B_n
    return (c - k + n) * (a + n - 1.0) / ((c + n) * (n + 1.0));
  }

  /// Σ_{n≥1} coef_n x^n until a term is below `stop` times the sum, four terms at a time in
  /// independent chains (the powers x^n step by x^4).
  template <class Ratio>
  static double sum(double first, std::span<const double> table, Ratio ratio, double x,
                    double stop) {
    constexpr std::size_t max_terms = 10'000'000;
    const double x2 = x * x;
    const double x4 = x2 * x2;
    double power[4] = {x, x2, x2 * x, x4};
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    double coef = first;  // coef_n for n = 1
    for (std::size_t n = 1; n < max_terms; n += 4) {
      double c[4];
      for (std::size_t j = 0; j < 4; ++j) {
        // coef_{n+j}: from the table, or by the recurrence from coef_{n+j−1}.
        const std::size_t index = n + j - 1;
        if (index < table.size()) {
          coef = table[index];
        } else if (index > 0) {
          coef *= ratio(static_cast<double>(index));
        }
        c[j] = coef;
      }
      double last = 0.0;
      for (std::size_t j = 0; j < 4; ++j) {
        last = c[j] * power[j];
        acc[j] += last;
        power[j] *= x4;
      }
      const double total = (acc[0] + acc[1]) + (acc[2] + acc[3]);
      if (std::abs(last) <= stop * std::abs(total) || !std::isfinite(total)) return total;
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
  }

  /// Horizons far beyond α + T (u > 1000), where the z-series needs ~30 (1 + u) terms: the
  /// defining integral E[(1 − (1 + p u)^−k) / p] over the Beta(a, β = c − a + 1) posterior of
  /// p, by tanh-sinh quadrature (double-exponential clustering at p = 0, where the integrand
  /// changes on the scale 1/u).
  [[nodiscard]] double long_horizon(double u) const {
    // Shared: its abscissas are computed once (growing them is guarded by Boost's own mutex);
    // not const only because Boost 1.74 misses the const on this integrate overload.
    static boost::math::quadrature::tanh_sinh<double> quadrature;
    const double beta = c - a + 1.0;
    const double log_norm = lgam(a) + lgam(beta) - lgam(a + beta);
    const auto f = [&](double p, double distance) {
      // distance: from the nearer end point, exact (p near 1 gives 1 − p without rounding).
      const double q = distance > 0.0 ? distance : 1.0 - p;
      const double pp = distance < 0.0 ? -distance : p;
      if (pp <= 0.0 || q <= 0.0) return 0.0;
      // (1 − (1 + p u)^−k) / p times the Beta density, in logs (p^(a−1) is huge near 0 for
      // small a).
      const double mean = -std::expm1(-k * std::log1p(pp * u)) / pp;
      return std::exp(std::log(mean) + (a - 1.0) * std::log(pp) + (beta - 1.0) * std::log(q) -
                      log_norm);
    };
    return quadrature.integrate(f, 0.0, 1.0, 1e-13);
  }

  [[nodiscard]] double expected_if_alive(double u) const {
    if (u <= 0.0) return 0.0;
    if (u > 1000.0) return long_horizon(u);
    constexpr double eps = 5e-17;
    const auto w_next = [this](double n) { return w_ratio(n); };
    const auto z_next = [this](double n) { return z_ratio(n); };
    if (u <= 0.5 && (k + 1.0) * u <= c + 1.0) return sum(k, w_table, w_next, u, eps);
    const double z = u / (1.0 + u);
    const double log1pu = u < 0.5 ? std::log1p(u) : std::log(1.0 + u);
    const double y = (1.0 - a) * log1pu;
    const double ey = std::exp(y);
    // expm1 only where e^y − 1 would cancel.
    const double em1 = std::abs(y) < 0.5 ? std::expm1(y) : ey - 1.0;
    const double expm1_over_y = y == 0.0 ? 1.0 : em1 / y;
    // Terms fall roughly like z^n: the tail after a term is about term · z / (1 − z).
    const double s = c - k == 0.0 ? 0.0 : sum(c - k, z_table, z_next, z, eps * (1.0 - z) / z);
    return c * log1pu * expm1_over_y - ey * s;
  }

  /// The first `count` coefficients of each series, appended to `out`.
  void tabulate(std::size_t count, std::vector<double>& w_out, std::vector<double>& z_out) const {
    double w = k;
    double z = c - k;
    for (std::size_t n = 1; n <= count; ++n) {
      w_out.push_back(w);
      z_out.push_back(z);
      w *= w_ratio(static_cast<double>(n));
      z *= z_ratio(static_cast<double>(n));
    }
  }
};

/// What the predictions of customers with a given x need.
struct x_prediction {
  series e;
  bool two = false;    // P(alive) < 1 possible (s >= 1)
  double log_c = 0.0;  // ln(a / (b+s−1))
};

x_prediction make_x_prediction(const bgnbd_params& p, bgnbd_variant v, double x) {
  const double s = shift(v, x);
  x_prediction out;
  out.e.k = p.r + x;
  out.e.a = p.a;
  out.e.c = p.a + p.b + s - 1.0;
  out.two = s > 0.0;
  if (out.two) out.log_c = std::log(p.a / (p.b + s - 1.0));
  return out;
}

/// P(alive) and E[Y(t)] of one customer. P(alive | x, t_x, T) = 1 / (1 + δ(s ≥ 1) a/(b+s−1)
/// ((α+T)/(α+t_x))^(r+x)) is taken as a logistic of the log odds: no overflow, no NaN.
/// T = 0 (with x = t_x = 0) gives E[X(t)] of a new customer.
struct prediction {
  double expected = 0.0;
  double alive = 1.0;
};

prediction predict_one(const x_prediction& xp, double alpha, double t, double t_x, double T,
                       bool want_expected) {
  prediction out;
  if (xp.two) {
    const double lT = std::log(alpha + T);
    const double lt = t_x == T ? lT : std::log(alpha + t_x);
    const double log_odds = xp.log_c + xp.e.k * (lT - lt);
    if (log_odds > 0.0) {
      const double e = std::exp(-log_odds);
      out.alive = e / (1.0 + e);
    } else {
      out.alive = 1.0 / (1.0 + std::exp(log_odds));
    }
  }
  if (want_expected && out.alive > 0.0 && t > 0.0) {
    out.expected = out.alive * xp.e.expected_if_alive(t / (alpha + T));
  }
  return out;
}

prediction predict_one(const bgnbd_params& p, bgnbd_variant v, double t, double x, double t_x,
                       double T) {
  return predict_one(make_x_prediction(p, v, x), p.alpha, t, t_x, T, true);
}

}  // namespace

bgnbd_params bgnbd_params_of(const fit_result& fit) {
  if (fit.params.size() != 4) {
    throw invalid_input("a BG/NBD fit has 4 parameters",
                        {"bgnbd_params_of", "params", -1, std::to_string(fit.params.size())});
  }
  return {fit.params[0].value, fit.params[1].value, fit.params[2].value, fit.params[3].value};
}

double bgnbd_log_likelihood(const bgnbd_params& p, bgnbd_variant v, double x, double t_x,
                            double T) {
  check_params(p, "bgnbd_log_likelihood");
  check_customer(x, t_x, T, "bgnbd_log_likelihood");
  const param_terms q(p, false);
  const x_terms t = make_x_terms(p, q, v, x, false);
  double ll = t.base;
  add_row<order::value>(t, p.alpha, t_x, T, 1.0, ll, nullptr);
  return ll;
}

double bgnbd_total_log_likelihood(const bgnbd_params& p, bgnbd_variant v, const rfm_view& data,
                                  std::span<double> gradient) {
  check_params(p, "bgnbd_total_log_likelihood");
  if (!gradient.empty() && gradient.size() != 4) {
    throw invalid_input("the gradient needs 4 elements", {"bgnbd_total_log_likelihood", "gradient",
                                                          -1, std::to_string(gradient.size())});
  }
  validate(data, "bgnbd_total_log_likelihood");
  return total_log_likelihood(p, v, index_rows(data), gradient);
}

fit_result fit_bgnbd(const rfm_view& data, bgnbd_variant v, const fit_options& options) {
  validate(data, "fit_bgnbd");
  if (data.size() == 0) {
    throw invalid_input("no customers to fit", {"fit_bgnbd", "x", -1, ""});
  }
  rfm_patterns patterns;
  const bool compressed = worth_compressing(data);
  if (compressed) patterns = compress(data);
  const indexed_rows rows = index_rows(compressed ? patterns.view() : data);
  double n = 0.0;
  double t_sum = 0.0;
  for (std::size_t i = 0; i < rows.rows.size(); ++i) {
    const double w = rows.rows.weight.empty() ? 1.0 : rows.rows.weight[i];
    n += w;
    t_sum += w * rows.rows.T[i];
  }
  const auto ll = [&](std::span<const double> params, std::span<double> gradient) {
    return total_log_likelihood(from_span(params), v, rows, gradient);
  };
  detail::maximize_extras extras;
  extras.hessian = [&](std::span<const double> params, std::span<double> gradient,
                       std::span<double> hessian) {
    return total_log_likelihood(from_span(params), v, rows, gradient, hessian);
  };
  // Large data: L-BFGS on ~20,000 evenly spread rows, then Newton steps on all of them.
  constexpr std::size_t sample_rows = 20'000;
  rfm_patterns sample;
  indexed_rows sample_index;
  if (rows.rows.size() > 5 * sample_rows) {
    sample = subsample(rows.rows, sample_rows);
    sample_index = index_rows(sample.view());
    for (double w : sample.weight) extras.sample_n += w;
    extras.sample = [&](std::span<const double> params, std::span<double> gradient) {
      return total_log_likelihood(from_span(params), v, sample_index, gradient);
    };
  }
  return detail::maximize(ll, {"r", "alpha", "a", "b"}, {1.0, t_sum / n, 1.0, 1.0}, n, options,
                          extras);
}

double bgnbd_expected_purchases(const bgnbd_params& p, bgnbd_variant v, double t) {
  check_params(p, "bgnbd_expected_purchases");
  check_time(t, "bgnbd_expected_purchases");
  return predict_one(p, v, t, 0.0, 0.0, 0.0).expected;
}

double bgnbd_conditional_expected_purchases(const bgnbd_params& p, bgnbd_variant v, double t,
                                            double x, double t_x, double T) {
  check_params(p, "bgnbd_conditional_expected_purchases");
  check_time(t, "bgnbd_conditional_expected_purchases");
  check_customer(x, t_x, T, "bgnbd_conditional_expected_purchases");
  return predict_one(p, v, t, x, t_x, T).expected;
}

double bgnbd_p_alive(const bgnbd_params& p, bgnbd_variant v, double x, double t_x, double T) {
  check_params(p, "bgnbd_p_alive");
  check_customer(x, t_x, T, "bgnbd_p_alive");
  return predict_one(make_x_prediction(p, v, x), p.alpha, 0.0, t_x, T, false).alive;
}

double bgnbd_p_purchases(const bgnbd_params& p, bgnbd_variant v, double t, unsigned n) {
  check_params(p, "bgnbd_p_purchases");
  check_time(t, "bgnbd_p_purchases");
  const double x = n;
  const double s = shift(v, x);
  // FHL 2005 eq. 8: B(a, b+s)/B(a, b) NB(n) + δ(s ≥ 1) B(a+1, b+s−1)/B(a, b) P(N >= n), with
  // N ~ NB(r, α/(α+t)) the purchases of a customer who never drops out. Its upper tail
  // 1 − Σ_{j<n} NB(j) is the regularised incomplete beta I_{t/(α+t)}(n, r) (no cancellation).
  const double log_beta_ratio =
      s == 0.0 ? 0.0 : lgam(p.b + s) - lgam(p.a + p.b + s) + lgam(p.a + p.b) - lgam(p.b);
  const double log_p0 = std::log(p.alpha) - std::log(p.alpha + t);  // ln(α/(α+t))
  double log_nb = lgam(p.r + x) - lgam(p.r) - lgam(x + 1.0) + p.r * log_p0;
  if (n > 0) log_nb += x * (std::log(t) - std::log(p.alpha + t));
  double prob = std::exp(log_beta_ratio + log_nb);
  if (s > 0.0) {
    const double tail =
        n == 0 ? 1.0 : boost::math::ibeta(x, p.r, t / (p.alpha + t), detail::fast_policy());
    prob += std::exp(log_beta_ratio + std::log(p.a / (p.b + s - 1.0))) * tail;
  }
  return prob;
}

namespace {

/// Per distinct x of `data`: the prediction terms, with the first coefficients of the series
/// tabulated when E[Y(t)] is wanted (and the table stays small).
struct prediction_table {
  detail::value_index index;
  std::vector<x_prediction> per_x;
  std::vector<double> w_coefficients;
  std::vector<double> z_coefficients;

  prediction_table(const bgnbd_params& p, bgnbd_variant v, const rfm_view& data, bool want_expected)
      : index(detail::index_values(data.x)) {
    constexpr std::size_t table_size = 160;
    const bool tabulate =
        want_expected && index.values.size() * table_size <= (std::size_t{1} << 22);
    for (double x : index.values) {
      per_x.push_back(make_x_prediction(p, v, x));
      if (tabulate) per_x.back().e.tabulate(table_size, w_coefficients, z_coefficients);
    }
    if (!tabulate) return;
    for (std::size_t j = 0; j < per_x.size(); ++j) {
      per_x[j].e.w_table =
          std::span<const double>(w_coefficients).subspan(j * table_size, table_size);
      per_x[j].e.z_table =
          std::span<const double>(z_coefficients).subspan(j * table_size, table_size);
    }
  }
  [[nodiscard]] const x_prediction& of(std::size_t row) const { return per_x[index.slot[row]]; }
};

}  // namespace

void bgnbd_predict(const bgnbd_params& p, bgnbd_variant v, const rfm_view& data, double t,
                   std::span<double> expected, std::span<double> alive) {
  check_params(p, "bgnbd_predict");
  check_time(t, "bgnbd_predict");
  validate(data, "bgnbd_predict");
  if (!expected.empty()) {
    require_same_length("bgnbd_predict", "x", data.size(), "expected", expected.size());
  }
  if (!alive.empty()) require_same_length("bgnbd_predict", "x", data.size(), "alive", alive.size());
  const bool want_expected = !expected.empty();
  const prediction_table table(p, v, data, want_expected);
  const auto part = [&](std::size_t begin, std::size_t end, std::span<double>) {
    for (std::size_t i = begin; i < end; ++i) {
      const prediction r =
          predict_one(table.of(i), p.alpha, t, data.t_x[i], data.T[i], want_expected);
      if (want_expected) expected[i] = r.expected;
      if (!alive.empty()) alive[i] = r.alive;
    }
    return 0.0;
  };
  (void)detail::parallel_sum(data.size(), {}, part);
}

void bgnbd_discounted_purchases(const bgnbd_params& p, bgnbd_variant v, const rfm_view& data,
                                unsigned periods, double step, double discount_rate,
                                std::span<double> discounted, std::span<double> expected,
                                std::span<double> alive) {
  check_params(p, "bgnbd_discounted_purchases");
  check_discounting(periods, step, discount_rate);
  validate(data, "bgnbd_discounted_purchases");
  const auto same = [&](const char* name, std::span<double> out) {
    require_same_length("bgnbd_discounted_purchases", "x", data.size(), name, out.size());
  };
  same("discounted", discounted);
  if (!expected.empty()) same("expected", expected);
  if (!alive.empty()) same("alive", alive);
  const prediction_table table(p, v, data, true);
  // The discount factors 1/(1+d)^i, as discounted_value builds them.
  std::vector<double> factor(periods);
  double f = 1.0;
  for (double& d : factor) d = f /= 1.0 + discount_rate;
  const auto part = [&](std::size_t begin, std::size_t end, std::span<double>) {
    for (std::size_t i = begin; i < end; ++i) {
      const x_prediction& xp = table.of(i);
      // P(alive) once; E[Y(t)] = P(alive) · E[Y(t) | alive] for every t.
      const prediction first = predict_one(xp, p.alpha, 0.0, data.t_x[i], data.T[i], false);
      double value = 0.0;
      double previous = 0.0;
      for (unsigned k = 1; k <= periods; ++k) {
        const double cumulative =
            first.alive > 0.0 ? first.alive * xp.e.expected_if_alive(static_cast<double>(k) * step /
                                                                     (p.alpha + data.T[i]))
                              : 0.0;
        value += (cumulative - previous) * factor[k - 1];
        previous = cumulative;
      }
      discounted[i] = value;
      if (!expected.empty()) expected[i] = previous;
      if (!alive.empty()) alive[i] = first.alive;
    }
    return 0.0;
  };
  (void)detail::parallel_sum(data.size(), {}, part);
}

}  // namespace crm::clv
