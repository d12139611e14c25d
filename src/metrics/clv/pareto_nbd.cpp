#include "crm/clv/pareto_nbd.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "crm/error.hpp"

#include "fit.hpp"
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

// Pareto/NBD (Schmittlein, Morrison & Colombo 1987) following Fader & Hardie (2005), "A note on
// deriving the Pareto/NBD model and related expressions" (the "note"). Purchase rate
// λ ~ Gamma(r, α), dropout rate μ ~ Gamma(s, β).
//
// The likelihood. Integrating the note's individual-level likelihood (eq. 2) over the two gamma
// mixing distributions gives, with a = r + x,
//
//   L = Γ(a) α^r β^s / Γ(r) · [ (α+T)^{-a} (β+T)^{-s} + s ∫_{t_x}^{T} (α+τ)^{-a} (β+τ)^{-s-1} dτ ],
//
// and the note's eq. 22 is this bracket with the integral written through A0, a difference of two
// Gauss 2F1 at the recency and at T: A0 = (r+s+x) ∫_{t_x}^{T}(...). With
// G_{p,q}(t) = ∫_t^∞ (α+τ)^{-p} (β+τ)^{-q} dτ and one integration by parts,
// (α+T)^{-a} (β+T)^{-s} − s G_{a,s+1}(T) = a G_{a+1,s}(T), so that
//
//   bracket B = a G_{a+1,s}(T) + s G_{a,s+1}(t_x):
//
// a sum of two positive terms. Eq. 22 subtracts two nearly equal 2F1 terms when t_x is close to T
// (BTYD evaluates them directly and returns NaN for x in the thousands; lifetimes subtracts them
// in log space); this form has no cancellation at all and is evaluated in log space.
//
// G_{p,q}(t) is a Gauss 2F1 (the note's eq. 20 family): with c = p + q − 1, if α ≥ β and
// z = (α−β)/(α+t), G = (α+t)^{-c} 2F1(c, q; c+1; z) / c. Its argument approaches 1 when
// β + t << α + t, and for large x its parameters grow with x; the plain series then needs
// thousands of terms with a large first parameter. Euler's transformation
// 2F1(c, q; c+1; z) = (1−z)^{1−q} 2F1(1, p; c+1; z) gives
//
//   α ≥ β: G_{p,q}(t) = (α+t)^{-p} (β+t)^{1−q} H(p, p+q; z) / c,     z = (α−β)/(α+t)
//   α < β: G_{p,q}(t) = (α+t)^{1−p} (β+t)^{-q} H(q, p+q; z) / c,     z = (β−α)/(β+t)
//
// with H(b, d; z) = 2F1(1, b; d; z) = Σ_k (b)_k/(d)_k z^k. Since b < d every term is positive and
// the term ratio is below z: no cancellation, and the tail after k terms is below the k-th term
// over (1 − z). The prefactors are kept as logarithms, so nothing overflows for x = 5000 or
// T of decades. The coefficients depend on the parameters and x only: in a likelihood pass they
// are tabulated once per distinct x (the compressed patterns come sorted by x), so a row costs
// four logarithms, an exponential, a logarithm and a short polynomial in z.
//
// When z > kSeriesLimit (α and β far apart and a small t) the series would need hundreds of
// terms; G is then computed from its integral form with the substitution y = ln(min(α,β) + τ),
// which turns it into ∫ exp(ψ(y)) dy with ψ concave (log-concave integrand); see
// log_concave_integrator. When one x has many such rows, ln G and its partials are instead
// interpolated in u = ln(min(α,β) + t) from that quadrature at Chebyshev nodes (g_table). All
// three forms are tested against direct numerical integration.
//
// The gradient is analytic: the partial derivatives of ln G come from the same series (term-wise
// derivatives of (b)_k/(d)_k and of z^k, tabulated with the coefficients) or from the same
// quadrature (derivatives under the integral sign).

namespace crm::clv {

namespace {

namespace bm = boost::math;
using bm_policy = bm::policies::policy<bm::policies::domain_error<bm::policies::ignore_error>,
                                       bm::policies::pole_error<bm::policies::ignore_error>,
                                       bm::policies::overflow_error<bm::policies::ignore_error>,
                                       bm::policies::evaluation_error<bm::policies::ignore_error>,
                                       bm::policies::promote_double<false>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Above this argument, G comes from quadrature instead of the series (<= ~175 terms below it).
constexpr double kSeriesLimit = 0.8;
/// Longest series kept (the series converges well within this for z <= kSeriesLimit).
constexpr std::size_t kMaxTerms = 320;
/// Relative truncation error of the series.
constexpr double kSeriesTolerance = 1e-16;

double log_gamma(double v) { return bm::lgamma(v, bm_policy()); }
double digamma(double v) { return bm::digamma(v, bm_policy()); }

// ---------------------------------------------------------------------------------------------
// Quadrature of a log-concave integrand

/// ∫ exp(ψ(y)) w(y) dy = exp(log_scale) · sum (component-wise; w_0 = 1).
template <std::size_t N>
struct log_integral {
  double log_scale = 0.0;
  std::array<double, N> sum{};
};

/// Integrates exp(ψ(y) − ψ(mode)) · w(y) over [lo, hi] (either end may be infinite) for a concave
/// ψ. `shape` provides psi(y, w) (returns ψ and fills the N weights), dpsi(y) and d2psi(y). The
/// interval is cut at the mode; from there panels of the local scale (1/sqrt(−ψ'') or 1/|ψ'|)
/// double in width outward until ψ has dropped by 40 (a log-concave tail beyond that is below
/// e^-40 of the peak times its own scale) or the end is reached; each panel is integrated by
/// adaptive Gauss-Kronrod 7/15 (Boost's nodes and weights), split until |K15 − G7| is below
/// 1e-10 of the peak times the scale (the Kronrod sum is then far more accurate than that: the
/// tests and 80-digit mpmath references agree to ~1e-15).
template <std::size_t N, class Shape>
class log_concave_integrator {
 public:
  explicit log_concave_integrator(const Shape& shape) : f_(shape) {}

  log_integral<N> operator()(double lo, double hi) {
    const double mode = find_mode(lo, hi);
    std::array<double, N> w{};
    peak_ = f_.psi(mode, w);
    log_integral<N> out;
    out.log_scale = peak_;
    if (!std::isfinite(peak_)) {
      out.sum.fill(kNaN);
      return out;
    }
    const double curvature = std::max(0.0, -f_.d2psi(mode));
    const double slope = std::abs(f_.dpsi(mode));
    double h = 1.0 / std::max({std::sqrt(curvature), slope, 1e-3});
    h = std::min(h, 1e3);
    tolerance_ = 1e-10 * h;
    side(mode, hi, h, +1.0, out.sum);
    side(mode, lo, h, -1.0, out.sum);
    return out;
  }

 private:
  const Shape& f_;
  double peak_ = 0.0;
  double tolerance_ = 0.0;

  /// The maximiser of ψ on [lo, hi] (ψ' decreasing): safeguarded Newton on ψ' in a bracket.
  double find_mode(double lo, double hi) const {
    if (std::isfinite(lo) && f_.dpsi(lo) <= 0.0) return lo;
    if (std::isfinite(hi) && f_.dpsi(hi) >= 0.0) return hi;
    // Bracket [a, b] with ψ'(a) > 0 > ψ'(b).
    double a = 0.0;
    double b = 0.0;
    const double start = std::isfinite(lo) ? lo : (std::isfinite(hi) ? hi : 0.0);
    if (f_.dpsi(start) > 0.0) {
      a = start;
      double step = 1.0;
      b = a + step;
      while (b < hi && f_.dpsi(b) > 0.0) {
        a = b;
        step *= 2.0;
        b = a + step;
      }
      b = std::min(b, hi);
    } else {
      b = start;
      double step = 1.0;
      a = b - step;
      while (a > lo && f_.dpsi(a) < 0.0) {
        b = a;
        step *= 2.0;
        a = b - step;
      }
      a = std::max(a, lo);
    }
    double y = 0.5 * (a + b);
    for (int it = 0; it < 200 && b - a > 1e-13 * (1.0 + std::abs(y)); ++it) {
      const double d1 = f_.dpsi(y);
      if (d1 > 0.0) {
        a = y;
      } else if (d1 < 0.0) {
        b = y;
      } else {
        return y;
      }
      const double d2 = f_.d2psi(y);
      double next = d2 < 0.0 ? y - d1 / d2 : 0.5 * (a + b);
      if (!(next > a && next < b)) next = 0.5 * (a + b);
      if (std::abs(next - y) < 1e-15 * (1.0 + std::abs(y))) return next;
      y = next;
    }
    return y;
  }

  /// Panels from `from` towards `to` (direction `dir`), doubling in width.
  void side(double from, double to, double h, double dir, std::array<double, N>& sum) {
    double x0 = from;
    double width = h;
    std::array<double, N> w{};
    for (int panel = 0; panel < 200; ++panel) {
      if (dir > 0 ? x0 >= to : x0 <= to) return;
      if (panel > 0 && f_.psi(x0, w) - peak_ < -40.0) return;
      double x1 = x0 + dir * width;
      if (dir > 0 ? x1 > to : x1 < to) x1 = to;
      adaptive(std::min(x0, x1), std::max(x0, x1), 0, sum);
      x0 = x1;
      width *= 2.0;
    }
  }

  void adaptive(double a, double b, int depth, std::array<double, N>& sum) {
    using kronrod = boost::math::quadrature::gauss_kronrod<double, 15>;
    using gauss = boost::math::quadrature::gauss<double, 7>;
    const auto& xk = kronrod::abscissa();
    const auto& wk = kronrod::weights();
    const auto& wg = gauss::weights();
    const double mid = 0.5 * (a + b);
    const double half = 0.5 * (b - a);
    std::array<double, N> k{};
    double g0 = 0.0;
    std::array<double, N> w{};
    for (std::size_t i = 0; i < xk.size(); ++i) {
      for (int sgn = (i == 0 ? 1 : -1); sgn <= 1; sgn += 2) {
        const double y = mid + sgn * half * xk[i];
        const double e = std::exp(f_.psi(y, w) - peak_);
        for (std::size_t j = 0; j < N; ++j) k[j] += wk[i] * e * w[j];
        if (i % 2 == 0) g0 += wg[i / 2] * e;  // Gauss-7 nodes are the even Kronrod nodes
      }
    }
    const double error = std::abs(k[0] - g0) * half;
    if (error <= tolerance_ || depth >= 40 || half < 1e-14 * (1.0 + std::abs(mid))) {
      for (std::size_t j = 0; j < N; ++j) sum[j] += k[j] * half;
      return;
    }
    adaptive(a, mid, depth + 1, sum);
    adaptive(mid, b, depth + 1, sum);
  }
};

template <std::size_t N, class Shape>
log_integral<N> integrate_log_concave(const Shape& shape, double lo, double hi) {
  return log_concave_integrator<N, Shape>(shape)(lo, hi);
}

/// ln(e^u + e^v).
double log_add_exp(double u, double v) {
  const double m = std::max(u, v);
  if (m == -kInf) return -kInf;
  return m + std::log1p(std::exp(std::min(u, v) - m));
}

// ---------------------------------------------------------------------------------------------
// The model at one parameter point

struct model {
  double r = 0.0, alpha = 0.0, s = 0.0, beta = 0.0;
  double log_alpha = 0.0, log_beta = 0.0, log_s = 0.0;
  double lgamma_r = 0.0, digamma_r = 0.0;
  bool alpha_ge_beta = true;
  double gap = 0.0;     // |α − β|
  double t_slow = 0.0;  // z > kSeriesLimit exactly for t < t_slow (<= 0: never)
  double base = 0.0;    // min(α, β): the slow-path tables use u = ln(base + t)

  explicit model(const pareto_nbd_params& p, bool with_digamma = false)
      : r(p.r), alpha(p.alpha), s(p.s), beta(p.beta) {
    log_alpha = std::log(alpha);
    log_beta = std::log(beta);
    log_s = std::log(s);
    lgamma_r = log_gamma(r);
    if (with_digamma) digamma_r = digamma(r);
    alpha_ge_beta = alpha >= beta;
    gap = std::abs(alpha - beta);
    t_slow = gap / kSeriesLimit - std::max(alpha, beta);
    base = std::min(alpha, beta);
  }
};

bool usable(const pareto_nbd_params& p) {
  const auto ok = [](double v) { return std::isfinite(v) && v > 0.0; };
  return ok(p.r) && ok(p.alpha) && ok(p.s) && ok(p.beta);
}

/// G_{p,q}(t) = exp(scale) · h, with ∂ ln G / ∂(p, q, α, β) = lin[k] + num[k] / h (the series or
/// the quadrature supplies h and the numerators num; lin holds the closed-form parts). Keeping
/// the division by h out lets the bracket combine both G terms with a single division.
struct log_g {
  double scale = 0.0;
  double h = 1.0;
  std::array<double, 4> lin{}, num{};
};

/// G_{p,q}(t) by quadrature (any z; used above kSeriesLimit). With m = min(α, β), D = |α − β|
/// and y = ln(m + τ): G = ∫_{ln(m+t)}^∞ exp((1 − P) y − Q ln(D + e^y)) dy, where P is the
/// exponent of (m + τ) and Q that of (max(α, β) + τ); ψ is concave (−Q ln(D + e^y) is).
struct g_shape {
  double P = 0.0, Q = 0.0, gap = 0.0, log_gap = 0.0, p = 0.0, q = 0.0;
  bool alpha_ge_beta = true;

  /// ln(D + e^y), e^{-y} = 1/(m + τ) and 1/(D + e^y) = 1/(M + τ), without overflow for large y.
  struct at {
    double log_big, inv_small, inv_big;
  };
  [[nodiscard]] at point(double y) const {
    if (y < 700.0) {
      const double e = std::exp(y);
      const double big = gap + e;
      return {std::log(big), 1.0 / e, 1.0 / big};
    }
    const double lb = y + std::log1p(gap * std::exp(-y));
    return {lb, std::exp(-y), std::exp(-lb)};
  }

  double psi(double y, std::array<double, 5>& w) const {
    const at v = point(y);
    // ∂/∂p, ∂/∂q of the integrand (α+τ)^{-p}(β+τ)^{-q}: −ln(α+τ), −ln(β+τ); ∂/∂α: −p/(α+τ),
    // ∂/∂β: −q/(β+τ). Here ln(m+τ) = y and ln(M+τ) = ln(D + e^y).
    w[0] = 1.0;
    if (alpha_ge_beta) {
      w[1] = -v.log_big;
      w[2] = -y;
      w[3] = -p * v.inv_big;
      w[4] = -q * v.inv_small;
    } else {
      w[1] = -y;
      w[2] = -v.log_big;
      w[3] = -p * v.inv_small;
      w[4] = -q * v.inv_big;
    }
    return (1.0 - P) * y - Q * v.log_big;
  }
  double psi(double y, std::array<double, 1>& w) const {
    w[0] = 1.0;
    return (1.0 - P) * y - Q * point(y).log_big;
  }
  // ψ' = (1 − P) − Q e^y/(D + e^y), ψ'' = −Q D e^y/(D + e^y)^2, with e^y/(D + e^y) =
  // 1/(1 + D e^{-y}).
  [[nodiscard]] double dpsi(double y) const {
    return (1.0 - P) - Q / (1.0 + gap * std::exp(-std::min(y, 700.0)));
  }
  [[nodiscard]] double d2psi(double y) const {
    const double share = 1.0 / (1.0 + gap * std::exp(-std::min(y, 700.0)));
    return -Q * share * (1.0 - share);
  }
};

template <bool Grad>
log_g g_by_quadrature(const model& m, double p, double q, double t) {
  g_shape shape;
  shape.alpha_ge_beta = m.alpha_ge_beta;
  shape.P = m.alpha_ge_beta ? q : p;
  shape.Q = m.alpha_ge_beta ? p : q;
  shape.p = p;
  shape.q = q;
  shape.gap = m.gap;
  shape.log_gap = std::log(m.gap);
  const double lo = std::log(std::min(m.alpha, m.beta) + t);
  log_g out;
  if constexpr (Grad) {
    const auto res = integrate_log_concave<5>(shape, lo, kInf);
    out.scale = res.log_scale;
    out.h = res.sum[0];
    for (std::size_t k = 0; k < 4; ++k) out.num[k] = res.sum[k + 1];
  } else {
    const auto res = integrate_log_concave<1>(shape, lo, kInf);
    out.scale = res.log_scale;
    out.h = res.sum[0];
  }
  return out;
}

/// Coefficients of H(b, d; z) = 2F1(1, b; d; z) = Σ h_k z^k and of its partial derivatives,
/// extended on demand: per k {h_k, (k+1) h_{k+1}, h_k Σ_{j<k} 1/(b+j), −h_k Σ_{j<k} 1/(d+j)}
/// (the coefficients of H, ∂H/∂z, ∂H/∂b, ∂H/∂d).
class h_series {
 public:
  h_series() { coef_.reserve(kMaxTerms + 1); }

  void reset(double b, double d) {
    b_ = b;
    d_ = d;
    coef_.clear();
    h_ = 1.0;
    sb_ = 0.0;
    sd_ = 0.0;
    h_next_ = b / d;
  }

  struct sums {
    double h = 0.0, dz = 0.0, db = 0.0, dd = 0.0;
    bool converged = false;
  };

  /// Sums the series at z in [0, 1) until the tail cannot matter: the term ratio is below z, so
  /// the tail after a term t is below t z / (1 − z); stop when t <= 1e-16 (1 − z) H.
  template <bool Grad>
  sums evaluate(double z) {
    // Two terms per step (z^k and z^{k+1} advance by z^2) with separate even and odd sums: the
    // loop is bound by the latency of its multiply-add chains, and this halves them. The table
    // is extended outside the inner loop, which then calls nothing and keeps its sums in
    // registers.
    sums out;
    double z0 = 1.0;
    double z1 = z;
    const double z2 = z * z;
    const double stop = kSeriesTolerance * (1.0 - z);
    double h0 = 0.0, h1 = 0.0, dz0 = 0.0, dz1 = 0.0, db0 = 0.0, db1 = 0.0, dd0 = 0.0, dd1 = 0.0;
    std::size_t k = 0;
    for (;;) {
      const std::size_t available = coef_.size() & ~std::size_t{1};
      const std::array<double, 4>* c = coef_.data();
      for (; k + 1 < available; k += 2) {
        const double t1 = c[k + 1][0] * z1;
        h0 += c[k][0] * z0;
        h1 += t1;
        if constexpr (Grad) {
          dz0 += c[k][1] * z0;
          dz1 += c[k + 1][1] * z1;
          db0 += c[k][2] * z0;
          db1 += c[k + 1][2] * z1;
          dd0 += c[k][3] * z0;
          dd1 += c[k + 1][3] * z1;
        }
        if (t1 <= stop * (h0 + h1)) {
          out.converged = true;
          break;
        }
        z0 *= z2;
        z1 *= z2;
      }
      if (out.converged || coef_.size() >= kMaxTerms) break;
      const std::size_t target = std::min(kMaxTerms, coef_.size() + 32);
      while (coef_.size() < target) extend();
    }
    out.h = h0 + h1;
    out.dz = dz0 + dz1;
    out.db = db0 + db1;
    out.dd = dd0 + dd1;
    return out;
  }

 private:
  std::vector<std::array<double, 4>> coef_;
  double b_ = 1.0, d_ = 2.0;
  double h_ = 1.0, sb_ = 0.0, sd_ = 0.0, h_next_ = 0.5;  // state at index coef_.size()

  void extend() {
    const auto k = static_cast<double>(coef_.size());
    coef_.push_back({h_, (k + 1.0) * h_next_, h_ * sb_, -h_ * sd_});
    sb_ += 1.0 / (b_ + k);
    sd_ += 1.0 / (d_ + k);
    h_ = h_next_;
    h_next_ = h_ * (b_ + k + 1.0) / (d_ + k + 1.0);
  }
};

/// The two shifted times of one G: ln(α+t), ln(β+t) and their reciprocals.
struct shifted {
  double log_a, log_b, inv_a, inv_b;
};

shifted shift(const model& m, double t) {
  const double at = m.alpha + t;
  const double bt = m.beta + t;
  const double inv = 1.0 / (at * bt);
  return {std::log(at), std::log(bt), bt * inv, at * inv};
}

/// ln G_{p,q}(t) and its four partial derivatives on [t_lo, t_slow] (the part of the t axis where
/// z > kSeriesLimit) as Chebyshev interpolants in u = ln(min(α, β) + t), built from
/// g_by_quadrature at the Chebyshev nodes. In u, G is analytic in the strip |Im u| < π (its only
/// finite singularity, t = −max(α, β), sits at u = ln|α − β| ± iπ), so 20 nodes on panels of
/// length <= 2 interpolate to ~1e-16. Built for an x whose run of rows has many slow rows: then
/// a row costs a short Clenshaw sum instead of its own quadrature.
template <bool Grad>
class g_table {
 public:
  static constexpr std::size_t kNodes = 20;
  static constexpr std::size_t kFunctions = Grad ? 5 : 1;

  g_table() { coef_.reserve(8 * kFunctions * kNodes); }

  /// Panels needed for [t_lo, m.t_slow].
  static std::size_t panels(const model& m, double t_lo) {
    const double width = std::log((m.base + m.t_slow) / (m.base + t_lo));
    return static_cast<std::size_t>(std::ceil(std::max(width, 1e-300) / 2.0));
  }

  void clear() noexcept { ready_ = false; }

  void build(const model& m, double p, double q, double t_lo) {
    lo_ = std::log(m.base + t_lo);
    hi_ = std::log(m.base + m.t_slow);
    panels_ = panels(m, t_lo);
    width_ = (hi_ - lo_) / static_cast<double>(panels_);
    coef_.assign(panels_ * kFunctions * kNodes, 0.0);
    std::array<std::array<double, kNodes>, kFunctions> values{};
    const double pi = std::acos(-1.0);
    for (std::size_t panel = 0; panel < panels_; ++panel) {
      const double mid = lo_ + (static_cast<double>(panel) + 0.5) * width_;
      for (std::size_t j = 0; j < kNodes; ++j) {
        const double node = std::cos(pi * (static_cast<double>(j) + 0.5) / kNodes);
        const double t = std::max(0.0, std::exp(mid + 0.5 * width_ * node) - m.base);
        const log_g g = g_by_quadrature<Grad>(m, p, q, t);
        values[0][j] = g.scale + std::log(g.h);
        if constexpr (Grad) {
          for (std::size_t k = 0; k < 4; ++k) values[k + 1][j] = g.num[k] / g.h;
        }
      }
      for (std::size_t f = 0; f < kFunctions; ++f) {
        double* c = &coef_[(panel * kFunctions + f) * kNodes];
        for (std::size_t k = 0; k < kNodes; ++k) {
          double sum = 0.0;
          for (std::size_t j = 0; j < kNodes; ++j) {
            sum += values[f][j] *
                   std::cos(pi * static_cast<double>(k) * (static_cast<double>(j) + 0.5) / kNodes);
          }
          c[k] = (k == 0 ? 1.0 : 2.0) * sum / kNodes;
        }
      }
    }
    ready_ = true;
  }

  /// The interpolant at u = ln(min(α, β) + t), or false when u is outside the table.
  bool evaluate(double u, log_g& out) const {
    if (!ready_ || !(u >= lo_ && u <= hi_)) return false;
    const auto panel = std::min(static_cast<std::size_t>((u - lo_) / width_), panels_ - 1);
    const double mid = lo_ + (static_cast<double>(panel) + 0.5) * width_;
    const double v = (u - mid) / (0.5 * width_);
    std::array<double, kFunctions> result{};
    for (std::size_t f = 0; f < kFunctions; ++f) {
      const double* c = &coef_[(panel * kFunctions + f) * kNodes];
      double b1 = 0.0;
      double b2 = 0.0;
      for (std::size_t k = kNodes; k-- > 1;) {
        const double b0 = 2.0 * v * b1 - b2 + c[k];
        b2 = b1;
        b1 = b0;
      }
      result[f] = v * b1 - b2 + c[0];
    }
    out.scale = result[0];
    out.h = 1.0;
    if constexpr (Grad) {
      for (std::size_t k = 0; k < 4; ++k) {
        out.lin[k] = result[k + 1];
        out.num[k] = 0.0;
      }
    }
    return true;
  }

 private:
  bool ready_ = false;
  double lo_ = 0.0, hi_ = 0.0, width_ = 1.0;
  std::size_t panels_ = 1;
  std::vector<double> coef_;
};

/// G_{p,q}(t) (c = p + q − 1, with ln c and 1/c) from the series `h` (set up for this p, q:
/// b = p or q, d = p + q), or by quadrature when z is too close to 1.
template <bool Grad>
log_g g_value(const model& m, h_series& h, const g_table<Grad>& table, double p, double q,
              double log_c, double inv_c, double t, const shifted& st) {
  const double z = m.gap * (m.alpha_ge_beta ? st.inv_a : st.inv_b);
  if (z <= kSeriesLimit) {
    const auto hs = h.evaluate<Grad>(z);
    if (hs.converged) {
      log_g out;
      out.h = hs.h;
      // ∂ ln G = closed-form part + (series numerator) / H; see the header comment for G.
      if (m.alpha_ge_beta) {
        out.scale = -p * st.log_a + (1.0 - q) * st.log_b - log_c;
        if constexpr (Grad) {
          const double dz_da = (m.beta + t) * st.inv_a * st.inv_a;  // z = (α−β)/(α+t)
          out.lin = {-st.log_a - inv_c, -st.log_b - inv_c, -p * st.inv_a, (1.0 - q) * st.inv_b};
          out.num = {hs.db + hs.dd, hs.dd, hs.dz * dz_da, -hs.dz * st.inv_a};
        }
      } else {
        out.scale = (1.0 - p) * st.log_a - q * st.log_b - log_c;
        if constexpr (Grad) {
          const double dz_db = (m.alpha + t) * st.inv_b * st.inv_b;  // z = (β−α)/(β+t)
          out.lin = {-st.log_a - inv_c, -st.log_b - inv_c, (1.0 - p) * st.inv_a, -q * st.inv_b};
          out.num = {hs.dd, hs.db + hs.dd, -hs.dz * st.inv_b, hs.dz * dz_db};
        }
      }
      return out;
    }
  }
  log_g out;
  if (table.evaluate(m.alpha_ge_beta ? st.log_b : st.log_a, out)) return out;
  return g_by_quadrature<Grad>(m, p, q, t);
}

/// Per-frequency state of a likelihood pass: the series tables of the two G terms and the
/// x-only constants (rebuilt when x changes; the compressed patterns are sorted by x).
template <bool Grad>
class x_state {
 public:
  explicit x_state(const model& m) : m_(m), inv_s_(1.0 / m.s) {}

  void set(double x) {
    if (x == x_) return;
    x_ = x;
    a_ = m_.r + x;
    c_ = a_ + m_.s;
    log_a_ = std::log(a_);
    inv_a_ = 1.0 / a_;
    log_c_ = std::log(c_);
    inv_c_ = 1.0 / c_;
    log_gamma_ratio_ = log_gamma(a_) - m_.lgamma_r;
    if constexpr (Grad) digamma_diff_ = digamma(a_) - m_.digamma_r;
    // T1 = a G_{a+1,s}(T), T2 = s G_{a,s+1}(t_x); the series is H(b, p + q) with b = p when
    // α >= β, b = q otherwise; p + q = c + 1 for both.
    if (m_.alpha_ge_beta) {
      h1_.reset(a_ + 1.0, c_ + 1.0);
      h2_.reset(a_, c_ + 1.0);
    } else {
      h1_.reset(m_.s, c_ + 1.0);
      h2_.reset(m_.s + 1.0, c_ + 1.0);
    }
    have_zero_ = false;
    table1_.clear();
    table2_.clear();
  }

  /// Before the rows of this x: `slow_T` of them have T < t_slow (the smallest `min_T`), and
  /// `slow_t_x` have 0 < t_x < t_slow (the smallest `min_t_x`). Builds the slow-path tables when
  /// they cost less than the rows' own quadratures.
  void prepare(std::size_t slow_T, double min_T, std::size_t slow_t_x, double min_t_x) {
    const auto worth = [&](std::size_t rows, double t_lo) {
      return rows > 0 && rows >= g_table<Grad>::kNodes * g_table<Grad>::panels(m_, t_lo);
    };
    if (worth(slow_T, min_T)) table1_.build(m_, a_ + 1.0, m_.s, min_T);
    if (worth(slow_t_x, min_t_x)) table2_.build(m_, a_, m_.s + 1.0, min_t_x);
  }

  [[nodiscard]] double a() const noexcept { return a_; }
  [[nodiscard]] double log_gamma_ratio() const noexcept { return log_gamma_ratio_; }
  [[nodiscard]] double digamma_diff() const noexcept { return digamma_diff_; }

  /// ln B (B = a G_{a+1,s}(T) + s G_{a,s+1}(t_x)) and, with Grad, ∂ ln B / ∂(r, α, s, β).
  /// `at_T` = shift(m, T).
  double log_bracket(double t_x, double T, const shifted& at_T, std::array<double, 4>& d) {
    const log_g g1 = g_value<Grad>(m_, h1_, table1_, a_ + 1.0, m_.s, log_c_, inv_c_, T, at_T);
    const log_g* g2 = &zero_;
    log_g g2_row;
    if (t_x == 0.0) {
      if (!have_zero_) {
        zero_ =
            g_value<Grad>(m_, h2_, table2_, a_, m_.s + 1.0, log_c_, inv_c_, 0.0, shift(m_, 0.0));
        have_zero_ = true;
      }
    } else {
      g2_row = g_value<Grad>(m_, h2_, table2_, a_, m_.s + 1.0, log_c_, inv_c_, t_x,
                             t_x == T ? at_T : shift(m_, t_x));
      g2 = &g2_row;
    }
    // B = a e^{scale1} h1 + s e^{scale2} h2 = e^{top} (h1 E1 + h2 E2).
    const double s1 = g1.scale + log_a_;
    const double s2 = g2->scale + m_.log_s;
    const double top = std::max(s1, s2);
    const double E1 = s1 == top ? 1.0 : std::exp(s1 - top);
    const double E2 = s2 == top ? 1.0 : std::exp(s2 - top);
    const double total = g1.h * E1 + g2->h * E2;
    if constexpr (Grad) {
      // ∂ ln B = w1 ∂ ln T1 + w2 ∂ ln T2 with w_i = h_i E_i / total and
      // ∂ ln G = lin + num / h, so w ∂ ln G = (h lin + num) E / total.
      const double inv = 1.0 / total;
      const double f1 = E1 * inv;
      const double f2 = E2 * inv;
      const double w1 = g1.h * f1;
      const double w2 = g2->h * f2;
      // Parameter order (r, α, s, β); G's (p, q, α, β) with p = a (+1), q = s (+1).
      d[0] = w1 * (inv_a_ + g1.lin[0]) + f1 * g1.num[0] + w2 * g2->lin[0] + f2 * g2->num[0];
      d[1] = w1 * g1.lin[2] + f1 * g1.num[2] + w2 * g2->lin[2] + f2 * g2->num[2];
      d[2] = w1 * g1.lin[1] + f1 * g1.num[1] + w2 * (inv_s_ + g2->lin[1]) + f2 * g2->num[1];
      d[3] = w1 * g1.lin[3] + f1 * g1.num[3] + w2 * g2->lin[3] + f2 * g2->num[3];
    }
    return top + std::log(total);
  }

 private:
  const model& m_;
  double inv_s_ = 1.0;
  double x_ = -1.0;
  double a_ = 0.0, c_ = 0.0, log_a_ = 0.0, inv_a_ = 0.0, log_c_ = 0.0, inv_c_ = 0.0;
  double log_gamma_ratio_ = 0.0, digamma_diff_ = 0.0;
  h_series h1_, h2_;
  g_table<Grad> table1_, table2_;
  bool have_zero_ = false;
  log_g zero_;
};

/// The order in which a pass visits the rows: empty (= as given) when x never decreases, else
/// the rows stably sorted by x (counting sort for moderate x), so that the series tables of
/// x_state are built once per distinct x and not once per row.
std::vector<std::size_t> x_order(const rfm_view& data) {
  const std::size_t n = data.size();
  bool sorted = true;
  double top = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && data.x[i] < data.x[i - 1]) sorted = false;
    top = std::max(top, data.x[i]);
  }
  if (sorted) return {};
  std::vector<std::size_t> order(n);
  if (top <= 4.0 * static_cast<double>(n) + 1024.0) {
    std::vector<std::size_t> start(static_cast<std::size_t>(top) + 2, 0);
    for (std::size_t i = 0; i < n; ++i) ++start[static_cast<std::size_t>(data.x[i]) + 1];
    for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    for (std::size_t i = 0; i < n; ++i) order[start[static_cast<std::size_t>(data.x[i])]++] = i;
  } else {
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return data.x[a] < data.x[b]; });
  }
  return order;
}

/// Visits rows [begin, end) of `order` (empty = as given) run by run of equal x: sets up `st`
/// for the run (x, and the slow-path tables when many of its rows need them), then calls
/// row(i) for each row index i of the run.
template <class State, class Row>
void for_each_run(const model& m, const rfm_view& data, std::span<const std::size_t> order,
                  std::size_t begin, std::size_t end, State& st, Row&& row) {
  const auto index = [&](std::size_t k) { return order.empty() ? k : order[k]; };
  for (std::size_t k = begin; k < end;) {
    const double x = data.x[index(k)];
    std::size_t stop = k;
    std::size_t slow_T = 0, slow_t_x = 0;
    double min_T = kInf, min_t_x = kInf;
    for (; stop < end && data.x[index(stop)] == x; ++stop) {
      const std::size_t i = index(stop);
      if (data.T[i] < m.t_slow) {
        ++slow_T;
        min_T = std::min(min_T, data.T[i]);
      }
      if (data.t_x[i] > 0.0 && data.t_x[i] < m.t_slow) {
        ++slow_t_x;
        min_t_x = std::min(min_t_x, data.t_x[i]);
      }
    }
    st.set(x);
    st.prepare(slow_T, min_T, slow_t_x, min_t_x);
    for (; k < stop; ++k) row(index(k));
  }
}

/// Σ w · LL over rows [begin, end) (data valid, parameters usable); gradient into `g` (size 4)
/// when Grad.
template <bool Grad>
double partial_log_likelihood(const model& m, const rfm_view& data,
                              std::span<const std::size_t> order, std::size_t begin,
                              std::size_t end, std::span<double> g) {
  x_state<Grad> st(m);
  // Neumaier-compensated sum: near the optimum the optimiser compares totals that differ by
  // ~1e-15 relative, below the rounding noise of a plain sum over a million rows.
  double total = 0.0;
  double compensation = 0.0;
  double wsum = 0.0;
  double dr = 0.0, da = 0.0, ds = 0.0, db = 0.0;
  std::array<double, 4> d{};
  for_each_run(m, data, order, begin, end, st, [&](std::size_t i) {
    const double w = data.weight.empty() ? 1.0 : data.weight[i];
    const double T = data.T[i];
    const shifted at_T = shift(m, T);
    const double lb = st.log_bracket(data.t_x[i], T, at_T, d);
    const double term = w * (st.log_gamma_ratio() + lb);
    const double next = total + term;
    compensation +=
        std::abs(total) >= std::abs(term) ? (total - next) + term : (term - next) + total;
    total = next;
    wsum += w;
    if constexpr (Grad) {
      dr += w * (st.digamma_diff() + d[0]);
      da += w * d[1];
      ds += w * d[2];
      db += w * d[3];
    }
  });
  total += compensation + wsum * (m.r * m.log_alpha + m.s * m.log_beta);
  if constexpr (Grad) {
    g[0] = dr + wsum * m.log_alpha;
    g[1] = da + wsum * m.r / m.alpha;
    g[2] = ds + wsum * m.log_beta;
    g[3] = db + wsum * m.s / m.beta;
  }
  return total;
}

/// Total LL of valid data; NaN for parameters that are not all finite and > 0.
double total_log_likelihood(const pareto_nbd_params& p, const rfm_view& data,
                            std::span<double> gradient) {
  if (!usable(p)) {
    std::fill(gradient.begin(), gradient.end(), kNaN);
    return kNaN;
  }
  const model m(p, !gradient.empty());
  const std::vector<std::size_t> order = x_order(data);
  if (gradient.empty()) {
    return detail::parallel_sum(data.size(), gradient,
                                [&](std::size_t b, std::size_t e, std::span<double> g) {
                                  return partial_log_likelihood<false>(m, data, order, b, e, g);
                                });
  }
  return detail::parallel_sum(data.size(), gradient,
                              [&](std::size_t b, std::size_t e, std::span<double> g) {
                                return partial_log_likelihood<true>(m, data, order, b, e, g);
                              });
}

// ---------------------------------------------------------------------------------------------
// Argument checks

[[noreturn]] void bad(const char* function, const char* column, double value,
                      const std::string& reason) {
  throw invalid_input(reason, {function, column, -1, std::to_string(value)});
}

void check_params(const pareto_nbd_params& p, const char* function) {
  const auto one = [&](double v, const char* name) {
    if (!std::isfinite(v) || v <= 0.0) bad(function, name, v, "parameter must be finite and > 0");
  };
  one(p.r, "r");
  one(p.alpha, "alpha");
  one(p.s, "s");
  one(p.beta, "beta");
}

void check_customer(double x, double t_x, double T, const char* function) {
  const double xs[] = {x};
  const double txs[] = {t_x};
  const double Ts[] = {T};
  validate(rfm_view{xs, txs, Ts, {}}, function);
}

void check_horizon(double t, const char* function) {
  if (!std::isfinite(t) || t < 0.0) bad(function, "t", t, "horizon t must be finite and >= 0");
}

/// [1 − (b/(b+t))^{k}] / k for k = s − 1 (→ ln(1 + t/b) as k → 0), without cancellation.
double horizon_factor(double k, double b, double t) {
  const double l = std::log1p(t / b);
  if (k == 0.0) return l;
  return -std::expm1(-k * l) / k;
}

/// ln P(alive | x, t_x, T) for valid input.
double log_p_alive(const model& m, double x, double t_x, double T) {
  x_state<false> st(m);
  st.set(x);
  const shifted at_T = shift(m, T);
  std::array<double, 4> d{};
  const double lb = st.log_bracket(t_x, T, at_T, d);
  return std::min(0.0, -st.a() * at_T.log_a - m.s * at_T.log_b - lb);
}

/// ∫_0^t τ^n (α+τ)^{-(r+n)} (β+τ)^{-(s+1)} dτ in y = ln τ: ψ concave (sum of a linear and two
/// −k ln(c + e^y) terms).
struct pmf_shape {
  double n1 = 1.0, rn = 0.0, s1 = 0.0, log_alpha = 0.0, log_beta = 0.0;
  double psi(double y, std::array<double, 1>& w) const {
    w[0] = 1.0;
    return n1 * y - rn * log_add_exp(log_alpha, y) - s1 * log_add_exp(log_beta, y);
  }
  [[nodiscard]] double dpsi(double y) const {
    return n1 - rn * std::exp(y - log_add_exp(log_alpha, y)) -
           s1 * std::exp(y - log_add_exp(log_beta, y));
  }
  [[nodiscard]] double d2psi(double y) const {
    const double la = log_add_exp(log_alpha, y);
    const double lb = log_add_exp(log_beta, y);
    return -rn * std::exp(log_alpha + y - 2.0 * la) - s1 * std::exp(log_beta + y - 2.0 * lb);
  }
};

/// K(s, z) = z^s U(s, s; z) = z^s e^z Γ(1−s, z) = ∫_0^∞ e^{-v} (1 + v/z)^{-s} dv, in y = ln v:
/// ψ = y − e^y − s ln(1 + e^y/z), concave. (Boost 1.74 has no Tricomi U, and its incomplete
/// gamma refuses 1 − s <= 0.)
struct tricomi_shape {
  double s = 1.0, log_z = 0.0;
  double psi(double y, std::array<double, 1>& w) const {
    w[0] = 1.0;
    return y - std::exp(y) - s * (log_add_exp(log_z, y) - log_z);
  }
  [[nodiscard]] double dpsi(double y) const {
    return 1.0 - std::exp(y) - s * std::exp(y - log_add_exp(log_z, y));
  }
  [[nodiscard]] double d2psi(double y) const {
    return -std::exp(y) - s * std::exp(log_z + y - 2.0 * log_add_exp(log_z, y));
  }
};

// ---------------------------------------------------------------------------------------------
// Fitting many patterns

/// The total log-likelihood of fixed data as the driver's callback, remembering the last few
/// evaluations: the driver evaluates the same point more than once (the start, the end of the
/// L-BFGS run, the final value), and each full pass over a million patterns is costly.
class cached_likelihood {
 public:
  explicit cached_likelihood(rfm_view data) : data_(data) {}

  double operator()(std::span<const double> q, std::span<double> g) {
    const std::array<double, 4> key{q[0], q[1], q[2], q[3]};
    for (const entry& e : cache_) {
      if (e.used && e.key == key && (g.empty() || e.has_gradient)) {
        std::copy(e.gradient.begin(), e.gradient.begin() + static_cast<std::ptrdiff_t>(g.size()),
                  g.begin());
        return e.value;
      }
    }
    entry& e = cache_[next_];
    next_ = (next_ + 1) % cache_.size();
    e.used = true;
    e.key = key;
    e.has_gradient = !g.empty();
    e.value =
        total_log_likelihood({q[0], q[1], q[2], q[3]}, data_,
                             e.has_gradient ? std::span<double>(e.gradient) : std::span<double>{});
    std::copy(e.gradient.begin(), e.gradient.begin() + static_cast<std::ptrdiff_t>(g.size()),
              g.begin());
    return e.value;
  }

 private:
  struct entry {
    bool used = false;
    bool has_gradient = false;
    std::array<double, 4> key{};
    double value = 0.0;
    std::array<double, 4> gradient{};
  };
  rfm_view data_;
  std::array<entry, 4> cache_{};
  std::size_t next_ = 0;
};

/// Above 4 × kSubset patterns the fit starts from a subset's estimate (see start_near_optimum).
constexpr std::size_t kSubset = 20'000;

/// exp(θ) nudged to a fixed point of p -> exp(ln p), the way the driver turns a start into the
/// point it evaluates, so that a start handed to it is evaluated exactly there.
std::array<double, 4> driver_point(const Eigen::Vector4d& theta) {
  std::array<double, 4> p{};
  for (int i = 0; i < 4; ++i) {
    double v = std::exp(theta[i]);
    for (int k = 0; k < 8; ++k) {
      const double again = std::exp(std::log(v));
      if (again == v) break;
      v = again;
    }
    p[static_cast<std::size_t>(i)] = v;
  }
  return p;
}

/// ∇ of −LL/n in θ = ln(params) at p, or nothing when not finite.
std::optional<Eigen::Vector4d> theta_gradient(cached_likelihood& ll, const std::array<double, 4>& p,
                                              double n) {
  std::array<double, 4> g{};
  const double value = ll(p, g);
  Eigen::Vector4d out;
  for (int i = 0; i < 4; ++i) {
    const auto k = static_cast<std::size_t>(i);
    out[i] = -p[k] * g[k] / n;
  }
  if (!std::isfinite(value) || !out.allFinite()) return std::nullopt;
  return out;
}

/// A start for the full fit where the gradient of −LL/n in θ = ln(params) is already below the
/// driver's tolerance (0.9 × options.gradient_tolerance, computed exactly as the driver does),
/// so its L-BFGS and Newton polish stop at once and only its standard errors cost full passes:
///  1. maximum likelihood on an evenly spaced subset of kSubset patterns (sorted by x, so every
///     frequency is represented), with the subset's Hessian in θ (central differences of the
///     analytic gradient);
///  2. chord Newton steps θ ← θ − H⁻¹ ∇(−LL/n) on all patterns, one pass each, starting from the
///     subset Hessian (it differs from the full one by sampling error only) and improving it by
///     BFGS updates with the full data's secant pairs; on the synthetic million the gradient goes
///     1e-3, 2e-5, 1e-6, 8e-10. Stops when the gradient no longer shrinks.
/// The returned start is exactly the point last evaluated (p = exp(ln p) as the driver forms
/// it), so the driver's first evaluations hit the cache. Any failure returns `start` unchanged.
std::vector<double> start_near_optimum(const rfm_patterns& patterns, cached_likelihood& full,
                                       double n, const std::vector<double>& start,
                                       const fit_options& options) {
  const std::size_t stride = patterns.size() / kSubset;
  rfm_patterns sub;
  for (std::size_t i = 0; i < patterns.size(); i += stride) {
    sub.x.push_back(patterns.x[i]);
    sub.t_x.push_back(patterns.t_x[i]);
    sub.T.push_back(patterns.T[i]);
    sub.weight.push_back(patterns.weight[i]);
  }
  double sub_n = 0.0;
  for (double w : sub.weight) sub_n += w;
  cached_likelihood part(sub.view());
  fit_options first = options;
  first.gradient_tolerance = std::max(options.gradient_tolerance, 1e-7);
  const fit_result pre =
      detail::maximize(std::ref(part), {"r", "alpha", "s", "beta"}, start, sub_n, first);
  Eigen::Vector4d theta;
  for (int i = 0; i < 4; ++i) theta[i] = std::log(pre.params[static_cast<std::size_t>(i)].value);
  if (!theta.allFinite()) return start;
  Eigen::Matrix4d h;
  for (int j = 0; j < 4; ++j) {
    const double step = 1e-4;
    Eigen::Vector4d up = theta;
    Eigen::Vector4d down = theta;
    up[j] += step;
    down[j] -= step;
    const auto gu = theta_gradient(part, driver_point(up), sub_n);
    const auto gd = theta_gradient(part, driver_point(down), sub_n);
    if (!gu || !gd) return start;
    h.col(j) = (*gu - *gd) / (2.0 * step);
  }
  Eigen::Matrix4d hess = 0.5 * (h + h.transpose());
  if (Eigen::LDLT<Eigen::Matrix4d> check(hess);
      check.info() != Eigen::Success || !check.isPositive()) {
    return start;
  }
  std::array<double, 4> best{};
  double best_norm = kInf;
  Eigen::Vector4d previous_theta = Eigen::Vector4d::Zero();
  Eigen::Vector4d previous_gradient = Eigen::Vector4d::Zero();
  for (int it = 0; it < 12; ++it) {
    const std::array<double, 4> p = driver_point(theta);
    for (int i = 0; i < 4; ++i) theta[i] = std::log(p[static_cast<std::size_t>(i)]);
    const auto g = theta_gradient(full, p, n);
    if (!g || g->norm() >= best_norm) break;
    best = p;
    best_norm = g->norm();
    if (best_norm <= 0.9 * options.gradient_tolerance) break;
    if (it > 0) {
      // BFGS update of the subset Hessian with the full data's secant pair.
      const Eigen::Vector4d step = theta - previous_theta;
      const Eigen::Vector4d change = *g - previous_gradient;
      const Eigen::Vector4d hs = hess * step;
      const double ys = change.dot(step);
      const double shs = step.dot(hs);
      if (ys > 0.0 && shs > 0.0)
        hess += change * change.transpose() / ys - hs * hs.transpose() / shs;
    }
    const Eigen::LDLT<Eigen::Matrix4d> ldlt(hess);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) break;
    previous_theta = theta;
    previous_gradient = *g;
    theta -= ldlt.solve(*g);
  }
  if (!std::isfinite(best_norm)) return start;
  const std::vector<double> out(best.begin(), best.end());
  return out;
}

}  // namespace

pareto_nbd_params pareto_nbd_params_of(const fit_result& fit) {
  const std::vector<double> v = fit.values();
  if (v.size() != 4) {
    throw invalid_input("a Pareto/NBD fit has 4 parameters",
                        {"pareto_nbd_params_of", "params", -1, std::to_string(v.size())});
  }
  return {v[0], v[1], v[2], v[3]};
}

double pareto_nbd_log_likelihood(const pareto_nbd_params& p, double x, double t_x, double T) {
  check_params(p, "pareto_nbd_log_likelihood");
  check_customer(x, t_x, T, "pareto_nbd_log_likelihood");
  const double xs[] = {x};
  const double txs[] = {t_x};
  const double Ts[] = {T};
  return total_log_likelihood(p, rfm_view{xs, txs, Ts, {}}, {});
}

double pareto_nbd_total_log_likelihood(const pareto_nbd_params& p, const rfm_view& data,
                                       std::span<double> gradient) {
  check_params(p, "pareto_nbd_total_log_likelihood");
  validate(data, "pareto_nbd_total_log_likelihood");
  if (!gradient.empty() && gradient.size() != 4) {
    throw invalid_input(
        "the gradient needs 4 elements",
        {"pareto_nbd_total_log_likelihood", "gradient", -1, std::to_string(gradient.size())});
  }
  return total_log_likelihood(p, data, gradient);
}

fit_result fit_pareto_nbd(const rfm_view& data, const fit_options& options) {
  validate(data, "fit_pareto_nbd");
  if (data.size() == 0) {
    throw invalid_input("the fit needs at least one customer", {"fit_pareto_nbd", "x", -1, "0"});
  }
  const rfm_patterns patterns = compress(data);
  double n = 0.0, sum_x = 0.0, sum_T = 0.0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    n += patterns.weight[i];
    sum_x += patterns.weight[i] * patterns.x[i];
    sum_T += patterns.weight[i] * patterns.T[i];
  }
  // Default start: r = s = 1, purchase scale alpha = mean T / mean x (mean rate = mean x / mean
  // T), dropout scale beta = mean T; both scale with the time unit.
  const double mean_T = sum_T / n;
  const double mean_x = std::max(sum_x / n, 0.1);
  std::vector<double> start{1.0, mean_T / mean_x, 1.0, mean_T};
  const std::vector<std::string> names{"r", "alpha", "s", "beta"};
  cached_likelihood full(patterns.view());
  if (options.start.empty() && patterns.size() > 4 * kSubset) {
    start = start_near_optimum(patterns, full, n, start, options);
  }
  return detail::maximize(std::ref(full), names, start, n, options);
}

double pareto_nbd_expected_purchases(const pareto_nbd_params& p, double t) {
  check_params(p, "pareto_nbd_expected_purchases");
  check_horizon(t, "pareto_nbd_expected_purchases");
  // E[X(t)] = r β / (α (s − 1)) [1 − (β/(β+t))^{s−1}] (the note, eq. 17).
  return p.r * p.beta / p.alpha * horizon_factor(p.s - 1.0, p.beta, t);
}

double pareto_nbd_conditional_expected_purchases(const pareto_nbd_params& p, double t, double x,
                                                 double t_x, double T) {
  const char* fn = "pareto_nbd_conditional_expected_purchases";
  check_params(p, fn);
  check_horizon(t, fn);
  check_customer(x, t_x, T, fn);
  // The note, eq. 23: (r+x)(β+T) / ((α+T)(s−1)) [1 − ((β+T)/(β+T+t))^{s−1}] P(alive).
  const model m(p);
  const double alive = std::exp(log_p_alive(m, x, t_x, T));
  return (p.r + x) * (p.beta + T) / (p.alpha + T) * horizon_factor(p.s - 1.0, p.beta + T, t) *
         alive;
}

double pareto_nbd_p_alive(const pareto_nbd_params& p, double x, double t_x, double T) {
  check_params(p, "pareto_nbd_p_alive");
  check_customer(x, t_x, T, "pareto_nbd_p_alive");
  // The note, eq. 19 with eq. 22's bracket: (α+T)^{-a} (β+T)^{-s} / B.
  return std::exp(log_p_alive(model(p), x, t_x, T));
}

double pareto_nbd_p_purchases(const pareto_nbd_params& p, double t, unsigned n) {
  check_params(p, "pareto_nbd_p_purchases");
  check_horizon(t, "pareto_nbd_p_purchases");
  if (t == 0.0) return n == 0 ? 1.0 : 0.0;
  // Alive at t with n purchases, plus dead at τ < t after n purchases (Fader & Hardie 2006 note
  // "Deriving an expression for P(X(t) = x) under the Pareto/NBD model"):
  //   Γ(r+n)/(Γ(r) n!) [ (α/(α+t))^r (t/(α+t))^n (β/(β+t))^s
  //                      + α^r s β^s ∫_0^t τ^n (α+τ)^{-(r+n)} (β+τ)^{-(s+1)} dτ ].
  // The note's closed form subtracts 2F1 sums; the integral (positive) is taken numerically.
  const double nn = n;
  const double lead = log_gamma(p.r + nn) - log_gamma(p.r) - log_gamma(nn + 1.0);
  const double la = std::log(p.alpha);
  const double lb = std::log(p.beta);
  const double lat = std::log(p.alpha + t);
  const double lbt = std::log(p.beta + t);
  const double alive = p.r * (la - lat) + nn * (std::log(t) - lat) + p.s * (lb - lbt);
  pmf_shape shape{nn + 1.0, p.r + nn, p.s + 1.0, la, lb};
  const auto res = integrate_log_concave<1>(shape, -kInf, std::log(t));
  const double dead = p.r * la + std::log(p.s) + p.s * lb + res.log_scale + std::log(res.sum[0]);
  return std::exp(lead + log_add_exp(alive, dead));
}

double pareto_nbd_dert(const pareto_nbd_params& p, double delta, double x, double t_x, double T) {
  const char* fn = "pareto_nbd_dert";
  check_params(p, fn);
  check_customer(x, t_x, T, fn);
  if (!std::isfinite(delta) || delta <= 0.0) bad(fn, "delta", delta, "delta must be > 0");
  // Fader, Hardie & Lee (2005), eq. 2:
  //   DERT = α^r β^s δ^{s−1} Γ(r+x+1) U(s, s; δ(β+T)) / (Γ(r) (α+T)^{r+x+1} L).
  // With L = Γ(r+x) α^r β^s B / Γ(r) and P(alive) = (α+T)^{-(r+x)} (β+T)^{-s} / B this is
  //   P(alive) (r+x)/(α+T) · K(s, z) / δ,  z = δ(β+T),  K(s, z) = z^s U(s, s; z) ∈ (0, 1],
  // i.e. E[λ] E[1/(δ+μ)] under the posterior gamma laws of an alive customer.
  const model m(p);
  const double log_alive = log_p_alive(m, x, t_x, T);
  const double log_z = std::log(delta) + std::log(p.beta + T);
  tricomi_shape shape{p.s, log_z};
  const auto k = integrate_log_concave<1>(shape, -kInf, kInf);
  const double log_k = k.log_scale + std::log(k.sum[0]);
  return std::exp(log_alive + std::log(p.r + x) - std::log(p.alpha + T) + log_k - std::log(delta));
}

namespace {

/// Calls f(row, P(alive), (r+x)(β+T)/(α+T)) for every row, in runs of equal x, on both cores.
/// E[Y(t) | x, t_x, T] is the last two times [1 − ((β+T)/(β+T+t))^{s−1}] / (s−1).
template <class F>
void each_customer(const pareto_nbd_params& p, const rfm_view& data, F&& f) {
  const model m(p);
  const std::vector<std::size_t> order = x_order(data);
  const auto rows = [&](std::size_t begin, std::size_t end, std::span<double>) {
    x_state<false> st(m);
    std::array<double, 4> d{};
    for_each_run(m, data, order, begin, end, st, [&](std::size_t i) {
      const double T = data.T[i];
      const shifted at_T = shift(m, T);
      const double lb = st.log_bracket(data.t_x[i], T, at_T, d);
      const double pa = std::exp(std::min(0.0, -st.a() * at_T.log_a - m.s * at_T.log_b - lb));
      f(i, pa, (p.r + data.x[i]) * (p.beta + T) * at_T.inv_a);
    });
    return 0.0;
  };
  detail::parallel_sum(data.size(), std::span<double>{}, rows);
}

}  // namespace

void pareto_nbd_predict(const pareto_nbd_params& p, const rfm_view& data, double t,
                        std::span<double> expected, std::span<double> alive) {
  const char* fn = "pareto_nbd_predict";
  check_params(p, fn);
  check_horizon(t, fn);
  validate(data, fn);
  if (!expected.empty()) require_same_length(fn, "x", data.size(), "expected", expected.size());
  if (!alive.empty()) require_same_length(fn, "x", data.size(), "alive", alive.size());
  each_customer(p, data, [&](std::size_t i, double pa, double scale) {
    if (!alive.empty()) alive[i] = pa;
    if (!expected.empty()) {
      expected[i] = scale * horizon_factor(p.s - 1.0, p.beta + data.T[i], t) * pa;
    }
  });
}

void pareto_nbd_discounted_purchases(const pareto_nbd_params& p, const rfm_view& data,
                                     unsigned periods, double step, double discount_rate,
                                     std::span<double> discounted, std::span<double> expected,
                                     std::span<double> alive) {
  const char* fn = "pareto_nbd_discounted_purchases";
  check_params(p, fn);
  check_discounting(periods, step, discount_rate);
  validate(data, fn);
  require_same_length(fn, "x", data.size(), "discounted", discounted.size());
  if (!expected.empty()) require_same_length(fn, "x", data.size(), "expected", expected.size());
  if (!alive.empty()) require_same_length(fn, "x", data.size(), "alive", alive.size());
  std::vector<double> factor(periods);  // 1/(1+d)^i, as discounted_value builds them
  double f = 1.0;
  for (double& d : factor) d = f /= 1.0 + discount_rate;
  each_customer(p, data, [&](std::size_t i, double pa, double scale) {
    double value = 0.0;
    double previous = 0.0;
    for (unsigned k = 1; k <= periods; ++k) {
      const double cumulative =
          scale * horizon_factor(p.s - 1.0, p.beta + data.T[i], static_cast<double>(k) * step) * pa;
      value += (cumulative - previous) * factor[k - 1];
      previous = cumulative;
    }
    discounted[i] = value;
    if (!expected.empty()) expected[i] = previous;
    if (!alive.empty()) alive[i] = pa;
  });
}

}  // namespace crm::clv
