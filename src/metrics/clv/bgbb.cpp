// BG/BB: discrete purchase opportunities (Fader, Hardie & Shang 2010, "Customer-base analysis in a
// discrete-time noncontractual setting", Marketing Science 29(6)).
//
// A customer alive at opportunity t buys with probability p ~ Beta(α, β) and dies before the next
// opportunity with probability θ ~ Beta(γ, δ). For x transactions in n opportunities, the last at
// t_x (eq. 5):
//   L = B(α + x, β + n − x) / B(α, β) · B(γ, δ + n) / B(γ, δ)                        [alive at n]
//     + Σ_{i=0}^{n−t_x−1} B(α + x, β + t_x − x + i) / B(α, β) · B(γ + 1, δ + t_x + i) / B(γ, δ).
// Write ln L = ln(e^{A_0} + Σ_i e^{A_{i+1}}) − ln B(α, β) − ln B(γ, δ). With k = t_x + i,
// consecutive terms of the sum have the ratio
//   e^{A_{i+2}} / e^{A_{i+1}} = (β + k − x)(δ + k) / ((α + β + k)(γ + δ + 1 + k)) < 1,
// so the sum is e^{A_1} · S with S = 1 + ratio products (no overflow, one log per row), and the
// two parts meet in a log-sum-exp.

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "crm/clv/discrete.hpp"
#include "crm/error.hpp"

#include "fit.hpp"
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <boost/math/special_functions/polygamma.hpp>

namespace crm::clv {
namespace {

[[noreturn]] void bad(const char* function, const char* column, std::int64_t row, double value,
                      const std::string& reason) {
  throw invalid_input(reason, {function, column, row, std::to_string(value)});
}

/// Boost.Math in double precision throughout (the default promotes to long double: the same
/// accuracy here, ~15 times slower).
using policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

bool whole(double v) { return std::isfinite(v) && v >= 0.0 && v == std::floor(v); }

/// One (x, t_x, n) against 0 <= x <= t_x <= n, whole numbers, t_x = 0 when x = 0.
void check_pattern(const char* function, std::int64_t row, double x, double t_x, double n) {
  if (!whole(x)) bad(function, "x", row, x, "x must be a whole number >= 0");
  if (!whole(n)) bad(function, "n", row, n, "opportunities n must be a whole number >= 0");
  if (!whole(t_x)) bad(function, "t_x", row, t_x, "t_x must be a whole number >= 0");
  if (t_x > n) bad(function, "t_x", row, t_x, "t_x must be <= n (" + std::to_string(n) + ")");
  if (x > t_x) {
    bad(function, "x", row, x,
        "x transactions need at least x opportunities up to t_x (" + std::to_string(t_x) + ")");
  }
  if (x == 0.0 && t_x != 0.0) bad(function, "t_x", row, t_x, "t_x must be 0 when x = 0");
}

void check_params(const bgbb_params& p, const char* function) {
  const double v[4] = {p.alpha, p.beta, p.gamma, p.delta};
  const char* names[4] = {"alpha", "beta", "gamma", "delta"};
  for (int k = 0; k < 4; ++k) {
    if (!std::isfinite(v[k]) || v[k] <= 0.0) bad(function, names[k], -1, v[k], "must be > 0");
  }
}

double log_beta(double a, double b) {
  return boost::math::lgamma(a, policy()) + boost::math::lgamma(b, policy()) -
         boost::math::lgamma(a + b, policy());
}

/// ln(Γ(a) / Γ(a + delta)) for a, a + delta > 0: Boost's tgamma_delta_ratio, with ln Γ
/// differences only where the ratio under- or overflows a double.
double log_gamma_delta_ratio(double a, double delta) {
  const double r = boost::math::tgamma_delta_ratio(a, delta, policy());
  if (r >= DBL_MIN && r <= DBL_MAX) return std::log(r);
  return boost::math::lgamma(a, policy()) - boost::math::lgamma(a + delta, policy());
}

/// H(γ, δ', k) = Σ_{j=1..k} B(γ, δ' + j) / B(γ, δ') = E[Σ_{j=1..k} (1 − θ)^j], θ ~ Beta(γ, δ'):
/// expected opportunities survived out of the next k by someone alive now. Closed form (FHS eq. 7
/// with δ → δ')
///   H = δ' / (γ − 1) · (1 − R),  R = Γ(γ + δ') Γ(1 + δ' + k) / (Γ(1 + δ') Γ(γ + δ' + k)),
/// which is 0/0 at γ = 1 and loses digits near it (the cancellation grows like eps / |γ − 1|).
/// For |γ − 1| < 1e-3 it is evaluated without the division instead: the finite sum itself for
/// k <= 10^4 (terms by B(γ, δ' + j + 1) / B(γ, δ' + j) = (δ' + j) / (γ + δ' + j), all positive),
/// else with ε = γ − 1, a = 1 + δ' and ln R = −Σ_{j<k} log1p(ε / (a + j)) = −ε y,
///   y = Σ_{m>=1} (−ε)^(m−1) S_m / m,  S_m = Σ_{j<k} (a + j)^−m
///     = (−1)^m (ψ^(m−1)(a) − ψ^(m−1)(a + k)) / (m − 1)!  (Boost's polygamma),
/// six terms (|ε| < 1e-3 leaves < 1e-18 relative), and H = δ' (−expm1(−ε y)) / ε (= δ' y at ε = 0).
double expected_survived(double g, double d, double k) {
  if (k <= 0.0) return 0.0;
  const double eps = g - 1.0;
  if (std::abs(eps) < 1e-3) {
    if (k <= 1e4) {
      double term = 1.0;
      double sum = 0.0;
      const auto count = static_cast<std::int64_t>(k);
      for (std::int64_t j = 0; j < count; ++j) {
        const double jd = static_cast<double>(j);
        term *= (d + jd) / (g + d + jd);
        sum += term;
      }
      return sum;
    }
    const double a = 1.0 + d;
    double y = boost::math::digamma(a + k, policy()) - boost::math::digamma(a, policy());  // S_1
    double factorial = 1.0;  // (m − 1)!
    double power = 1.0;      // (−ε)^(m − 1)
    for (int m = 2; m <= 6; ++m) {
      factorial *= m - 1;
      power *= -eps;
      const double diff = boost::math::polygamma(m - 1, a, policy()) -
                          boost::math::polygamma(m - 1, a + k, policy());
      const double s_m = (m % 2 == 0 ? diff : -diff) / factorial;
      y += power * s_m / m;
    }
    return eps == 0.0 ? d * y : d * -boost::math::expm1(-eps * y, policy()) / eps;
  }
  // ln R = ln[Γ(1 + δ' + k) / Γ(γ + δ' + k)] − ln[Γ(1 + δ') / Γ(γ + δ')], delta γ − 1 > −1.
  const double log_r =
      log_gamma_delta_ratio(1.0 + d + k, eps) - log_gamma_delta_ratio(1.0 + d, eps);
  return d / eps * -boost::math::expm1(log_r, policy());
}

/// ln L of one validated pattern (eq. 5) from direct ln Γ calls, the sum as e^{A_1} · S.
double single_log_l(const bgbb_params& p, double x, double t_x, double n) {
  const double a = p.alpha;
  const double b = p.beta;
  const double g = p.gamma;
  const double d = p.delta;
  const double norm = log_beta(a, b) + log_beta(g, d);
  const double a0 = log_beta(a + x, b + n - x) + log_beta(g, d + n);
  const auto m = static_cast<std::int64_t>(n - t_x);
  if (m == 0) return a0 - norm;
  const double a1 = log_beta(a + x, b + t_x - x) + log_beta(g + 1.0, d + t_x);
  double term = 1.0;
  double s = 1.0;
  for (std::int64_t i = 1; i < m; ++i) {
    const double k = t_x + static_cast<double>(i - 1);
    term *= (b + k - x) * (d + k) / ((a + b + k) * (g + d + 1.0 + k));
    s += term;
  }
  const double other = a1 + std::log(s);
  const double hi = std::max(a0, other);
  return hi + std::log1p(std::exp(std::min(a0, other) - hi)) - norm;
}

/// ln P(alive at opportunity n | x, t_x, n) = A_0 − ln(e^{A_0} + e^{A_1} S) = −ln(1 + Q S) with
///   Q = e^{A_1 − A_0} = γ / (γ + δ + t_x) · Π_{j=t_x}^{n−1} f_j,
///   f_j = (α + β + j)(γ + δ + j) / ((β + j − x)(δ + j))
/// (ratios of Beta functions whose arguments differ by integers): products only, no ln Γ. Every
/// f_j is > 1, so Q is moved into a log accumulator before it could overflow.
double log_alive_at_n(const bgbb_params& p, double x, double t_x, double n) {
  const auto m = static_cast<std::int64_t>(n - t_x);
  if (m == 0) return 0.0;
  const double a = p.alpha;
  const double b = p.beta;
  const double g = p.gamma;
  const double d = p.delta;
  double q = g / (g + d + t_x);
  double log_q = 0.0;
  double term = 1.0;
  double s = 1.0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double j = t_x + static_cast<double>(i);
    const double ab = a + b + j;
    const double bj = b + j - x;
    const double dj = d + j;
    const double gdj = g + d + j;
    q *= ab * gdj / (bj * dj);
    if (q > 1e200) {
      log_q += std::log(q);
      q = 1.0;
    }
    if (i + 1 < m) {
      term *= bj * dj / (ab * (gdj + 1.0));  // next sum term over this one
      s += term;
    }
  }
  const double z = log_q + std::log(q) + std::log(s);  // ln(Q S)
  return z > 0.0 ? -(z + std::log1p(std::exp(-z))) : -std::log1p(std::exp(z));
}

/// 2F1(1, δ + n + 1; γ + δ + n + 1; z) of eq. 14 (Boost), remembered per thread for the last
/// arguments: scoring a customer base calls it with the same (γ, δ, n, d) for every customer.
double dert_hypergeometric(double g, double d, double n, double z) {
  struct last_call {
    double g = std::numeric_limits<double>::quiet_NaN();
    double d = 0.0;
    double n = 0.0;
    double z = 0.0;
    double value = 0.0;
  };
  thread_local last_call last;
  if (last.g == g && last.d == d && last.n == n && last.z == z) return last.value;
  const double value = boost::math::hypergeometric_pFq({1.0, d + n + 1.0}, {g + d + n + 1.0}, z,
                                                       static_cast<double*>(nullptr), policy());
  last = {g, d, n, z, value};
  return value;
}

/// ln Γ and ψ of (start + k), k = 0..size−1.
void fill(std::vector<double>& lg, std::vector<double>& dg, double start, std::size_t size,
          bool digammas) {
  lg.resize(size);
  if (digammas) dg.resize(size);
  for (std::size_t k = 0; k < size; ++k) {
    const double v = start + static_cast<double>(k);
    lg[k] = boost::math::lgamma(v, policy());
    if (digammas) dg[k] = boost::math::digamma(v, policy());
  }
}

/// Per-evaluation caches: every ln Γ / ψ the rows need, indexed by the integer offset (so the
/// terms that depend only on x, n, t_x are computed once per distinct value, not per row).
struct workspace {
  // ln Γ(α + k), ln Γ(β + k), ln Γ(α + β + k), ln Γ(δ + k), ln Γ(γ + δ + k), and their ψ.
  std::vector<double> la, lb, lab, ld, lgd;
  std::vector<double> da, db, dab, dd, dgd;

  void prepare(const bgbb_params& p, std::size_t max_n, bool digammas) {
    const std::size_t size = max_n + 1;
    fill(la, da, p.alpha, size, digammas);
    fill(lb, db, p.beta, size, digammas);
    fill(lab, dab, p.alpha + p.beta, size, digammas);
    fill(ld, dd, p.delta, size, digammas);
    fill(lgd, dgd, p.gamma + p.delta, size, digammas);
  }
};

/// Validated columns as integers-in-doubles plus weights (empty = 1 each).
struct rows {
  std::span<const double> x, t_x, n, weight;
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

/// Σ w ln L and its gradient over validated rows, with `ws` prepared for the rows' largest n.
double total_ll(const bgbb_params& p, const rows& r, const workspace& ws, std::span<double> grad) {
  const double a = p.alpha;
  const double b = p.beta;
  const double g = p.gamma;
  const double d = p.delta;
  // Parameter-only terms, once per evaluation.
  const double lg_g = boost::math::lgamma(g, policy());
  const double lg_g1 = lg_g + std::log(g);  // ln Γ(γ + 1)
  const double norm = ws.la[0] + ws.lb[0] - ws.lab[0] + lg_g + ws.ld[0] - ws.lgd[0];
  const bool want = !grad.empty();
  double base[4] = {0.0, 0.0, 0.0, 0.0};  // d(−ln B(α, β) − ln B(γ, δ))
  double psi_g = 0.0;
  double psi_g1 = 0.0;
  if (want) {
    psi_g = boost::math::digamma(g, policy());
    psi_g1 = psi_g + 1.0 / g;
    base[0] = -ws.da[0] + ws.dab[0];
    base[1] = -ws.db[0] + ws.dab[0];
    base[2] = -psi_g + ws.dgd[0];
    base[3] = -ws.dd[0] + ws.dgd[0];
  }
  const auto part = [&](std::size_t begin, std::size_t end, std::span<double> out) {
    double ll = 0.0;
    for (std::size_t row = begin; row < end; ++row) {
      const auto x = static_cast<std::size_t>(r.x[row]);
      const auto tx = static_cast<std::size_t>(r.t_x[row]);
      const auto n = static_cast<std::size_t>(r.n[row]);
      const double w = r.weight.empty() ? 1.0 : r.weight[row];
      const double a0 = ws.la[x] + ws.lb[n - x] - ws.lab[n] + lg_g + ws.ld[n] - ws.lgd[n];
      const std::size_t m = n - tx;
      double log_sum = a0;
      double other = -std::numeric_limits<double>::infinity();
      double s = 1.0;
      double s_ab = 0.0;  // Σ q_i ψ(α + β + t_x + i), q_i = term_i (normalised by s later)
      double s_b = 0.0;   // Σ q_i ψ(β + t_x − x + i)
      double s_gd = 0.0;  // Σ q_i ψ(γ + δ + 1 + t_x + i)
      double s_d = 0.0;   // Σ q_i ψ(δ + t_x + i)
      if (m > 0) {
        const double a1 =
            ws.la[x] + ws.lb[tx - x] - ws.lab[tx] + lg_g1 + ws.ld[tx] - ws.lgd[tx + 1];
        double term = 1.0;
        if (want) {
          s_ab = ws.dab[tx];
          s_b = ws.db[tx - x];
          s_gd = ws.dgd[tx + 1];
          s_d = ws.dd[tx];
        }
        for (std::size_t i = 1; i < m; ++i) {
          const std::size_t k = tx + i - 1;  // previous term's t_x + i
          const double kd = static_cast<double>(k);
          term *=
              (b + kd - static_cast<double>(x)) * (d + kd) / ((a + b + kd) * (g + d + 1.0 + kd));
          s += term;
          if (want) {
            s_ab += term * ws.dab[k + 1];
            s_b += term * ws.db[k + 1 - x];
            s_gd += term * ws.dgd[k + 2];
            s_d += term * ws.dd[k + 1];
          }
        }
        other = a1 + std::log(s);
        const double hi = std::max(a0, other);
        log_sum = hi + std::log1p(std::exp(std::min(a0, other) - hi));
      }
      ll += w * (log_sum - norm);
      if (want) {
        const double w0 = std::exp(a0 - log_sum);  // posterior P(alive at n)
        const double w1 = m > 0 ? std::exp(other - log_sum) / s : 0.0;
        const double psi_ax = ws.da[x];
        out[0] += w * (base[0] + psi_ax - w0 * ws.dab[n] - w1 * s_ab);
        out[1] += w * (base[1] + w0 * (ws.db[n - x] - ws.dab[n]) + w1 * (s_b - s_ab));
        out[2] += w * (base[2] + w0 * (psi_g - ws.dgd[n]) + w1 * (psi_g1 * s - s_gd));
        out[3] += w * (base[3] + w0 * (ws.dd[n] - ws.dgd[n]) + w1 * (s_d - s_gd));
      }
    }
    return ll;
  };
  return detail::parallel_sum(r.size(), grad, part);
}

/// Opportunities per customer supported by the fit and the total log-likelihood: their tables
/// hold 10 (n + 1) doubles (80 MB at the cap), a pattern key packs x, t_x and n into 20 bits each,
/// and the per-row sums are O(n − t_x) anyway.
constexpr double max_opportunities = 1'000'000;

/// Largest n of validated rows; throws invalid_input for n above max_opportunities.
std::size_t max_n(std::span<const double> n, const char* function) {
  double m = 0.0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] > max_opportunities) {
      bad(function, "n", static_cast<std::int64_t>(i), n[i],
          "more than 1,000,000 opportunities per customer are not supported");
    }
    m = std::max(m, n[i]);
  }
  return static_cast<std::size_t>(m);
}

}  // namespace

bgbb_params bgbb_params_of(const fit_result& fit) {
  if (fit.params.size() != 4) {
    throw invalid_input("a BG/BB fit has 4 parameters",
                        {"bgbb_params_of", "params", -1, std::to_string(fit.params.size())});
  }
  return {fit.params[0].value, fit.params[1].value, fit.params[2].value, fit.params[3].value};
}

void validate(const bgbb_view& data, const char* function) {
  require_same_length(function, "x", data.x.size(), "t_x", data.t_x.size());
  require_same_length(function, "x", data.x.size(), "n", data.n.size());
  if (!data.weight.empty()) {
    require_same_length(function, "x", data.x.size(), "weight", data.weight.size());
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto row = static_cast<std::int64_t>(i);
    check_pattern(function, row, data.x[i], data.t_x[i], data.n[i]);
    if (!data.weight.empty() && (!std::isfinite(data.weight[i]) || data.weight[i] <= 0.0)) {
      bad(function, "weight", row, data.weight[i], "weight must be > 0");
    }
  }
}

double bgbb_log_likelihood(const bgbb_params& p, double x, double t_x, double n) {
  check_params(p, "bgbb_log_likelihood");
  check_pattern("bgbb_log_likelihood", -1, x, t_x, n);
  return single_log_l(p, x, t_x, n);
}

double bgbb_total_log_likelihood(const bgbb_params& p, const bgbb_view& data,
                                 std::span<double> gradient) {
  check_params(p, "bgbb_total_log_likelihood");
  validate(data, "bgbb_total_log_likelihood");
  if (!gradient.empty() && gradient.size() != 4) {
    throw invalid_input("the gradient needs 4 elements", {"bgbb_total_log_likelihood", "gradient",
                                                          -1, std::to_string(gradient.size())});
  }
  workspace ws;
  ws.prepare(p, max_n(data.n, "bgbb_total_log_likelihood"), !gradient.empty());
  return total_ll(p, {data.x, data.t_x, data.n, data.weight}, ws, gradient);
}

fit_result fit_bgbb(const bgbb_view& data, const fit_options& options) {
  validate(data, "fit_bgbb");
  if (data.size() == 0) {
    throw invalid_input("no customers to fit", {"fit_bgbb", "x", -1, "0 rows"});
  }
  const std::size_t top = max_n(data.n, "fit_bgbb");
  // Identical (n, t_x, x) rows merged with their summed weights, in key order (deterministic):
  // sorting packed 60-bit keys is several times faster than sorting row indices.
  std::vector<std::pair<std::uint64_t, double>> keyed(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto key = (static_cast<std::uint64_t>(data.n[i]) << 40) |
                     (static_cast<std::uint64_t>(data.t_x[i]) << 20) |
                     static_cast<std::uint64_t>(data.x[i]);
    keyed[i] = {key, data.weight.empty() ? 1.0 : data.weight[i]};
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& l, const auto& r) { return l.first < r.first; });
  std::vector<double> x, t_x, n, weight;
  double total = 0.0;
  constexpr std::uint64_t mask = (std::uint64_t{1} << 20) - 1;
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    total += keyed[i].second;
    if (i > 0 && keyed[i].first == keyed[i - 1].first) {
      weight.back() += keyed[i].second;
      continue;
    }
    const std::uint64_t key = keyed[i].first;
    n.push_back(static_cast<double>(key >> 40));
    t_x.push_back(static_cast<double>((key >> 20) & mask));
    x.push_back(static_cast<double>(key & mask));
    weight.push_back(keyed[i].second);
  }
  const rows r{x, t_x, n, weight};
  workspace ws;
  const auto ll = [&](std::span<const double> params, std::span<double> gradient) {
    const bgbb_params p{params[0], params[1], params[2], params[3]};
    ws.prepare(p, top, true);
    return total_ll(p, r, ws, gradient);
  };
  return detail::maximize(ll, {"alpha", "beta", "gamma", "delta"}, {1.0, 1.0, 1.0, 1.0}, total,
                          options);
}

double bgbb_p_alive(const bgbb_params& p, double x, double t_x, double n) {
  check_params(p, "bgbb_p_alive");
  check_pattern("bgbb_p_alive", -1, x, t_x, n);
  // Eq. 11: B(α + x, β + n − x) / B(α, β) · B(γ, δ + n + 1) / B(γ, δ) / L
  //       = P(alive at n | data) · (δ + n) / (γ + δ + n).
  return std::exp(log_alive_at_n(p, x, t_x, n)) * (p.delta + n) / (p.gamma + p.delta + n);
}

double bgbb_conditional_expected_purchases(const bgbb_params& p, double n_star, double x,
                                           double t_x, double n) {
  check_params(p, "bgbb_conditional_expected_purchases");
  check_pattern("bgbb_conditional_expected_purchases", -1, x, t_x, n);
  if (!whole(n_star)) {
    bad("bgbb_conditional_expected_purchases", "n_star", -1, n_star,
        "n_star must be a whole number >= 0");
  }
  // Eq. 13 = (1/L) B(α + x + 1, β + n − x) / B(α, β) · [B(γ − 1, δ + n + 1) − B(γ − 1, δ + n +
  // n* + 1)] / B(γ, δ) = P(alive at n | data) · E[p | data, alive] · H(γ, δ + n, n*).
  const double mean_p = (p.alpha + x) / (p.alpha + p.beta + n);
  return std::exp(log_alive_at_n(p, x, t_x, n)) * mean_p *
         expected_survived(p.gamma, p.delta + n, n_star);
}

double bgbb_expected_purchases(const bgbb_params& p, double n) {
  check_params(p, "bgbb_expected_purchases");
  if (!whole(n)) bad("bgbb_expected_purchases", "n", -1, n, "n must be a whole number >= 0");
  // Eq. 7: α / (α + β) · δ / (γ − 1) · [1 − Γ(γ + δ) Γ(1 + δ + n) / (Γ(γ + δ + n) Γ(1 + δ))].
  return p.alpha / (p.alpha + p.beta) * expected_survived(p.gamma, p.delta, n);
}

double bgbb_dert(const bgbb_params& p, double discount_rate, double x, double t_x, double n) {
  check_params(p, "bgbb_dert");
  check_pattern("bgbb_dert", -1, x, t_x, n);
  if (!std::isfinite(discount_rate) || discount_rate < 0.0) {
    bad("bgbb_dert", "discount_rate", -1, discount_rate, "the discount rate must be >= 0");
  }
  // Eq. 14: B(α + x + 1, β + n − x) / B(α, β) · B(γ, δ + n + 1) / B(γ, δ) / (1 + d)
  //         · 2F1(1, δ + n + 1; γ + δ + n + 1; 1 / (1 + d)) / L
  //       = P(alive at n | data) · E[p | data, alive] · (δ + n) / (γ + δ + n) / (1 + d) · 2F1.
  const double mean_p = (p.alpha + x) / (p.alpha + p.beta + n);
  const double lead = std::exp(log_alive_at_n(p, x, t_x, n)) * mean_p;
  if (discount_rate == 0.0) {
    // Gauss: 2F1(1, b; c; 1) = (c − 1) / (c − b − 1), c − b − 1 = γ − 1: finite only for γ > 1.
    if (p.gamma <= 1.0) return std::numeric_limits<double>::infinity();
    return lead * (p.delta + n) / (p.gamma - 1.0);
  }
  const double z = 1.0 / (1.0 + discount_rate);
  const double f = dert_hypergeometric(p.gamma, p.delta, n, z);
  return lead * (p.delta + n) / (p.gamma + p.delta + n) * z * f;
}

}  // namespace crm::clv
