#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/clv/bgnbd.hpp"
#include "crm/error.hpp"

#include "clv_data.hpp"
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

// Reference values:
//  * FHL 2005 = Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative
//    to the Pareto/NBD model", Marketing Science 24(2), 275-284: CDNOW estimates in weeks
//    r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
//  * lifetimes 0.11.3 (/work/scratch/peers/lifetimes) with autograd, run as
//      PYTHONPATH=/work/scratch/peers/lifetimes:/work/scratch/peers/autograd python3 SCRIPT
//    where SCRIPT reads tests/data/clv/cdnow_summary.csv into d (pandas) and calls
//    BetaGeoFitter().fit(d['x'], d['t_x'], d['T']) (params_, summary['se(coef)'],
//    _negative_log_likelihood_), the same with ModifiedBetaGeoFitter, and, with params_ set to
//    pd.Series(dict(r=0.243, alpha=4.414, a=0.793, b=2.426)),
//    conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T),
//    conditional_probability_alive(x, t_x, T), expected_number_of_purchases_up_to_time(t) and
//    probability_of_n_purchases_up_to_time(39, n), printed with '%.17g'.
//  * BTYD 2.4.3 (R), R_LIBS=/work/scratch/peers/Rlib Rscript -e 'library(BTYD);
//      d <- read.csv("tests/data/clv/cdnow_summary.csv"); cbs <- cbind(x = d$x, t.x = d$t_x,
//      T.cal = d$T); sprintf("%.10f", bgnbd.cbs.LL(c(0.2425929283, 4.413532265, 0.7928859664,
//      2.425752383), cbs))'  ->  -9582.4255605674 (LL at lifetimes' estimate).
//  * Direct numerical integration over the mixing distributions (tanh-sinh quadrature), written
//    below from the individual-level model: while alive, purchases are Poisson(λ); after each
//    purchase (and, for MBG/NBD, also at time 0) the customer drops out with probability p;
//    λ ~ Gamma(r, α), p ~ Beta(a, b).

namespace {

using crm::clv::bgnbd_params;
using crm::clv::bgnbd_variant;
using crm::clv::rfm_view;

const bgnbd_params published{0.243, 4.414, 0.793, 2.426};  // FHL 2005

struct cdnow_view {
  clv_data::cdnow d = clv_data::load_cdnow();
  [[nodiscard]] rfm_view view() const { return {d.x, d.t_x, d.T}; }
};

/// n rows cycling through CDNOW in a scrambled order (more than one slice of parallel_sum).
struct cycled_rows {
  std::vector<double> x;
  std::vector<double> t_x;
  std::vector<double> T;
  explicit cycled_rows(std::size_t n) {
    const cdnow_view c;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t j = (i * 7919) % c.d.x.size();
      x.push_back(c.d.x[j]);
      t_x.push_back(c.d.t_x[j]);
      T.push_back(c.d.T[j]);
    }
  }
};

// ---- direct numerical integration (independent of the closed forms in bgnbd.cpp) ----

/// ∫_0^1 f(p, 1 − p) Beta(p; a, b) dp by tanh-sinh quadrature; 1 − p is passed exactly (from
/// the quadrature's distance to the end point) so that (1 − p)^(b−1) is right for b < 1.
template <class F>
double over_beta(double a, double b, F f) {
  boost::math::quadrature::tanh_sinh<double> q;
  const double log_norm = std::log(boost::math::beta(a, b));
  return q.integrate(
      [&](double p, double distance) {
        const double pc = distance > 0.0 ? distance : 1.0 - p;
        const double pp = distance < 0.0 ? -distance : p;
        if (pp <= 0.0 || pc <= 0.0) return 0.0;
        return f(pp, pc) * std::exp((a - 1.0) * std::log(pp) + (b - 1.0) * std::log(pc) - log_norm);
      },
      0.0, 1.0, 1e-13);
}

/// The dropout coin is tossed after each purchase, and for MBG/NBD also at time 0: a customer
/// with x purchases survived s of them.
double s_of(bgnbd_variant v, double x) { return v == bgnbd_variant::modified ? x + 1.0 : x; }

/// Over λ ~ Gamma(r, α) the Poisson probability of x purchases (density λ^x of their times) and
/// none in the rest of a window ending at T is the textbook Gamma integral
/// ∫ λ^x e^{−λT} Gamma(λ; r, α) dλ = Γ(r+x) α^r / (Γ(r) (α+T)^(r+x)); this is its log.
double log_gamma_integral(const bgnbd_params& m, double x, double T) {
  return boost::math::lgamma(m.r + x) - boost::math::lgamma(m.r) + m.r * std::log(m.alpha) -
         (m.r + x) * std::log(m.alpha + T);
}

/// P(data) / P(no purchase in (t_x, T] and alive) integrated over p: survived s coins and is
/// alive at T, or dropped out at the last purchase (the s-th coin) and was silent since t_x.
double integrated_evidence(const bgnbd_params& m, bgnbd_variant v, double x, double t_x, double T) {
  const double s = s_of(v, x);
  const double ratio = std::exp(log_gamma_integral(m, x, t_x) - log_gamma_integral(m, x, T));
  return over_beta(m.a, m.b, [&](double p, double pc) {
    const double alive = std::pow(pc, s);
    return s >= 1.0 ? alive + p * std::pow(pc, s - 1.0) * ratio : alive;
  });
}

double integrated_log_likelihood(const bgnbd_params& m, bgnbd_variant v, double x, double t_x,
                                 double T) {
  return log_gamma_integral(m, x, T) + std::log(integrated_evidence(m, v, x, t_x, T));
}

/// E[Y(t) | x, t_x, T] by Bayes. A customer alive with (λ, p) makes (1 − e^{−λpt}) / p purchases
/// in t on average (its purchases until dropout are a Poisson process stopped at an Exp(λp)
/// time); over the λ posterior of an alive customer, Gamma(r+x, α+T), that is
/// (1 − (1 + pt/(α+T))^−(r+x)) / p; then weighted by P(data, alive | p) over p.
double integrated_conditional(const bgnbd_params& m, bgnbd_variant v, double t, double x,
                              double t_x, double T) {
  const double s = s_of(v, x);
  const double u = t / (m.alpha + T);
  const double num = over_beta(m.a, m.b, [&](double p, double pc) {
    return std::pow(pc, s) * -std::expm1(-(m.r + x) * std::log1p(p * u)) / p;
  });
  return num / integrated_evidence(m, v, x, t_x, T);
}

/// E[X(t)] of a new customer, integrating over both λ and p numerically: (1 − e^{−λpt}) / p,
/// times 1 − p for MBG/NBD (time-0 dropout).
double integrated_expected(const bgnbd_params& m, bgnbd_variant v, double t) {
  boost::math::quadrature::tanh_sinh<double> q;
  const double inf = std::numeric_limits<double>::infinity();
  const double log_norm = m.r * std::log(m.alpha) - boost::math::lgamma(m.r);
  return over_beta(m.a, m.b, [&](double p, double pc) {
    const double inner = q.integrate(
        [&](double l) {
          if (l <= 0.0) return 0.0;
          const double density = std::exp(log_norm + (m.r - 1.0) * std::log(l) - m.alpha * l);
          return -std::expm1(-l * p * t) / p * density;
        },
        0.0, inf, 1e-12);
    return v == bgnbd_variant::modified ? pc * inner : inner;
  });
}

/// Central finite differences of the total log-likelihood, Richardson-extrapolated (steps h and
/// h/2, error O(h^4)).
std::array<double, 4> numeric_gradient(const bgnbd_params& m, bgnbd_variant v,
                                       const rfm_view& data) {
  std::array<double, 4> g{};
  const auto central = [&](int k, double rel) {
    bgnbd_params up = m;
    bgnbd_params down = m;
    double* u = k == 0 ? &up.r : k == 1 ? &up.alpha : k == 2 ? &up.a : &up.b;
    double* d = k == 0 ? &down.r : k == 1 ? &down.alpha : k == 2 ? &down.a : &down.b;
    const double h = rel * *u;
    *u += h;
    *d -= h;
    return (crm::clv::bgnbd_total_log_likelihood(up, v, data) -
            crm::clv::bgnbd_total_log_likelihood(down, v, data)) /
           (2.0 * h);
  };
  for (int k = 0; k < 4; ++k) {
    const double d1 = central(k, 1e-3);
    const double d2 = central(k, 5e-4);
    g[static_cast<std::size_t>(k)] = (4.0 * d2 - d1) / 3.0;
  }
  return g;
}

}  // namespace

TEST_CASE("fit_bgnbd: CDNOW reproduces FHL 2005, lifetimes and BTYD", "[clv][bgnbd]") {
  const cdnow_view c;
  const crm::clv::fit_result fit = crm::clv::fit_bgnbd(c.view());
  REQUIRE(fit.converged);
  REQUIRE(fit.params.size() == 4);
  CHECK(fit.params[0].name == "r");
  CHECK(fit.params[1].name == "alpha");
  CHECK(fit.params[2].name == "a");
  CHECK(fit.params[3].name == "b");
  const bgnbd_params p = crm::clv::bgnbd_params_of(fit);
  // FHL 2005, to their 3 decimals.
  CHECK(p.r == Approx(0.243).margin(5e-4));
  CHECK(p.alpha == Approx(4.414).margin(5e-4));
  CHECK(p.a == Approx(0.793).margin(5e-4));
  CHECK(p.b == Approx(2.426).margin(5e-4));
  CHECK(fit.log_likelihood == Approx(-9582.4).margin(0.05));
  // lifetimes' estimate (its optimiser stops at a gradient tolerance of 1e-7).
  CHECK(p.r == Approx(0.2425929283).epsilon(2e-6));
  CHECK(p.alpha == Approx(4.413532265).epsilon(2e-6));
  CHECK(p.a == Approx(0.7928859664).epsilon(2e-6));
  CHECK(p.b == Approx(2.425752383).epsilon(2e-6));
  // The maximum is at least as high as BTYD's LL at lifetimes' estimate, and not much higher.
  CHECK(fit.log_likelihood >= -9582.4255605674 - 1e-7);
  CHECK(fit.log_likelihood <= -9582.4255605674 + 1e-4);
  CHECK(fit.n == 2357.0);
  CHECK(fit.gradient_norm < 1e-4);
  // Standard errors: lifetimes' summary (inverse Hessian of its autograd LL) r 0.012557321,
  // alpha 0.37822146, a 0.18571907, b 0.70534534.
  CHECK(fit.params[0].std_error == Approx(0.012557321).epsilon(1e-5));
  CHECK(fit.params[1].std_error == Approx(0.37822146).epsilon(1e-5));
  CHECK(fit.params[2].std_error == Approx(0.18571907).epsilon(1e-5));
  CHECK(fit.params[3].std_error == Approx(0.70534534).epsilon(1e-5));
  CHECK(fit.aic() == Approx(8.0 + 2.0 * 9582.4255606).epsilon(1e-9));
}

TEST_CASE("fit_bgnbd: MBG/NBD on CDNOW matches lifetimes' ModifiedBetaGeoFitter", "[clv][bgnbd]") {
  const cdnow_view c;
  const crm::clv::fit_result bg = crm::clv::fit_bgnbd(c.view());
  const crm::clv::fit_result fit = crm::clv::fit_bgnbd(c.view(), bgnbd_variant::modified);
  REQUIRE(fit.converged);
  const bgnbd_params p = crm::clv::bgnbd_params_of(fit);
  // lifetimes ModifiedBetaGeoFitter: 0.5248377256 6.182988479 0.8913562809 1.614000026.
  CHECK(p.r == Approx(0.5248377256).epsilon(2e-6));
  CHECK(p.alpha == Approx(6.182988479).epsilon(2e-6));
  CHECK(p.a == Approx(0.8913562809).epsilon(2e-6));
  CHECK(p.b == Approx(1.614000026).epsilon(2e-6));
  // lifetimes' mean negative LLs (its time rescaling shifts both by the same constant):
  // BG 0.250271728801, MBG 0.250147470987, so LL_MBG − LL_BG = 2357 × 0.000124257814.
  CHECK(fit.log_likelihood - bg.log_likelihood == Approx(2357 * 0.000124257814).epsilon(1e-7));
  // lifetimes' summary['se(coef)']: 0.083263945 0.69559719 0.15478532 0.53747235.
  CHECK(fit.params[0].std_error == Approx(0.083263945).epsilon(1e-5));
  CHECK(fit.params[1].std_error == Approx(0.69559719).epsilon(1e-5));
  CHECK(fit.params[2].std_error == Approx(0.15478532).epsilon(1e-5));
  CHECK(fit.params[3].std_error == Approx(0.53747235).epsilon(1e-5));
}

TEST_CASE("bgnbd_log_likelihood equals the model integrated over Gamma and Beta", "[clv][bgnbd]") {
  const bgnbd_params m{0.9, 3.0, 1.4, 2.2};
  for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
    for (const auto& c : std::vector<std::array<double, 3>>{
             {0, 0, 10}, {1, 2, 10}, {3, 9.5, 12}, {6, 20, 20}, {2, 0.5, 30}}) {
      INFO("variant " << static_cast<int>(v) << " x " << c[0] << " t_x " << c[1] << " T " << c[2]);
      const double expected = integrated_log_likelihood(m, v, c[0], c[1], c[2]);
      CHECK(crm::clv::bgnbd_log_likelihood(m, v, c[0], c[1], c[2]) ==
            Approx(expected).epsilon(1e-9));
    }
  }
}

TEST_CASE("bgnbd predictions match lifetimes on CDNOW customers", "[clv][bgnbd]") {
  const cdnow_view c;
  struct row {
    std::size_t i;
    double bg_expected, bg_alive, mbg_expected, mbg_alive;
  };
  // t = 39 weeks at the published parameters (lifetimes, see the top of the file).
  const std::vector<row> rows{
      {0, 1.2260281747671318, 0.72657857008067295, 1.3404974284912061, 0.77441924262364614},
      {1, 0.20318698707975111, 0.21210098537737909, 0.27102155292750996, 0.27544736912296508},
      {2, 0.19509805201125396, 1.0, 0.12746138254566045, 0.63725333796489536},
      {5, 3.337053274851332, 0.6417563459461072, 3.5283628785080481, 0.66711048313427623},
      {128, 0.09818110356962452, 0.031079950063038233, 0.11818138699268621, 0.036598283501926072},
      {1515, 20.749726140857142, 0.96891564971752497, 20.933219119006889, 0.96997633656095628}};
  for (const row& r : rows) {
    const double x = c.d.x[r.i];
    const double t_x = c.d.t_x[r.i];
    const double T = c.d.T[r.i];
    INFO("customer row " << r.i << " x " << x);
    using crm::clv::bgnbd_conditional_expected_purchases;
    using crm::clv::bgnbd_p_alive;
    CHECK(bgnbd_conditional_expected_purchases(published, bgnbd_variant::bg, 39, x, t_x, T) ==
          Approx(r.bg_expected).epsilon(1e-10));
    CHECK(bgnbd_p_alive(published, bgnbd_variant::bg, x, t_x, T) ==
          Approx(r.bg_alive).epsilon(1e-12));
    CHECK(bgnbd_conditional_expected_purchases(published, bgnbd_variant::modified, 39, x, t_x, T) ==
          Approx(r.mbg_expected).epsilon(1e-10));
    CHECK(bgnbd_p_alive(published, bgnbd_variant::modified, x, t_x, T) ==
          Approx(r.mbg_alive).epsilon(1e-12));
  }
  // FHL's worked example (customer 1: x = 2, t_x = 30.43, T = 38.86) expects 1.226 purchases
  // in the next 39 weeks.
  CHECK(crm::clv::bgnbd_conditional_expected_purchases(published, bgnbd_variant::bg, 39, 2, 30.43,
                                                       38.86) == Approx(1.226).margin(5e-4));

  const std::vector<std::array<double, 3>> expected{{1, 0.05326789117165627, 0.04045110091848312},
                                                    {39, 1.1967231933207985, 0.99112653358403324},
                                                    {78, 1.8605190579427455, 1.5804734554010353},
                                                    {520, 4.9746178618495636, 4.4830722669048217}};
  for (const auto& e : expected) {
    INFO("t " << e[0]);
    CHECK(crm::clv::bgnbd_expected_purchases(published, bgnbd_variant::bg, e[0]) ==
          Approx(e[1]).epsilon(1e-10));
    CHECK(crm::clv::bgnbd_expected_purchases(published, bgnbd_variant::modified, e[0]) ==
          Approx(e[2]).epsilon(1e-10));
  }
  const std::vector<std::array<double, 3>> pmf{{0, 0.57378635209600937, 0.67878399819351309},
                                               {1, 0.19939528083591146, 0.13703024082634011},
                                               {2, 0.085429759539060734, 0.064280419550095891},
                                               {5, 0.017965493866579051, 0.015325192201498158},
                                               {10, 0.0035904295401896777, 0.003287364785123926}};
  for (const auto& e : pmf) {
    const auto n = static_cast<unsigned>(e[0]);
    INFO("n " << n);
    CHECK(crm::clv::bgnbd_p_purchases(published, bgnbd_variant::bg, 39, n) ==
          Approx(e[1]).epsilon(1e-10));
    CHECK(crm::clv::bgnbd_p_purchases(published, bgnbd_variant::modified, 39, n) ==
          Approx(e[2]).epsilon(1e-10));
  }
}

TEST_CASE("bgnbd expectations equal direct integration over the mixing distributions",
          "[clv][bgnbd]") {
  // Parameter sets around the regimes of the 2F1 evaluation: a < 1, a = 1 (eq. 7 and 10 are
  // 0/0 there), a > 1, r much larger than a + b; horizons short and long against α + T.
  const std::vector<bgnbd_params> params{
      published, {0.8, 2.0, 1.0, 1.5}, {1.5, 6.0, 2.5, 0.6}, {6.0, 1.5, 0.7, 0.3}};
  for (const auto& m : params) {
    for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
      INFO("r " << m.r << " alpha " << m.alpha << " a " << m.a << " b " << m.b << " variant "
                << static_cast<int>(v));
      for (const double t : {0.3, 5.0, 39.0, 300.0, 30000.0}) {
        INFO("t " << t);
        CHECK(crm::clv::bgnbd_expected_purchases(m, v, t) ==
              Approx(integrated_expected(m, v, t)).epsilon(1e-8));
        for (const auto& c :
             std::vector<std::array<double, 3>>{{0, 0, 2}, {1, 3, 20}, {4, 4, 4}, {10, 25, 30}}) {
          INFO("x " << c[0] << " t_x " << c[1] << " T " << c[2]);
          CHECK(crm::clv::bgnbd_conditional_expected_purchases(m, v, t, c[0], c[1], c[2]) ==
                Approx(integrated_conditional(m, v, t, c[0], c[1], c[2])).epsilon(1e-8));
        }
      }
    }
  }
}

TEST_CASE("bgnbd long horizons match FHL eq. 10 evaluated by mpmath", "[clv][bgnbd]") {
  // FHL 2005 eq. 10 (MBG/NBD: b+x+1 and a+b+x, Batislam et al. 2007) with a 50-digit 2F1 from
  // mpmath 1.2.1 (/usr/bin/python3):
  //   from mpmath import mp, mpf, hyp2f1; mp.dps = 50
  //   def cond(r, al, a, b, mod, t, x, tx, T):
  //       r, al, a, b, t, x, tx, T = map(mpf, (r, al, a, b, t, x, tx, T))
  //       s = x + 1 if mod else x; c = a + b + s - 1; z = t / (al + T + t)
  //       e = c / (a - 1) * (1 - hyp2f1(r + x, b + s, c, z) * ((al + T) / (al + T + t)) ** (r + x))
  //       d = 1 + ((a / (b + s - 1)) * ((al + T) / (al + tx)) ** (r + x) if s >= 1 else 0)
  //       return e / d
  //   cond(0.243, 4.414, 0.793, 2.426, mod, t, x, t_x, T)
  // t / (alpha + T) is far above 1000 here.
  struct ref {
    bgnbd_variant v;
    double t, x, t_x, T, expected;
  };
  const std::vector<ref> refs{{bgnbd_variant::bg, 30000, 0, 0, 0, 21.084801565899815},
                              {bgnbd_variant::bg, 30000, 2, 30.43, 38.86, 34.649872105500098},
                              {bgnbd_variant::bg, 1e6, 26, 30.86, 31, 953.23770974853573},
                              {bgnbd_variant::modified, 30000, 0, 0, 0, 20.287092184792339},
                              {bgnbd_variant::modified, 30000, 2, 30.43, 38.86, 42.647809348490163},
                              {bgnbd_variant::modified, 1e6, 26, 30.86, 31, 979.90609910956957}};
  for (const ref& e : refs) {
    INFO("variant " << static_cast<int>(e.v) << " t " << e.t << " x " << e.x);
    const double got = e.T == 0 ? crm::clv::bgnbd_expected_purchases(published, e.v, e.t)
                                : crm::clv::bgnbd_conditional_expected_purchases(
                                      published, e.v, e.t, e.x, e.t_x, e.T);
    CHECK(got == Approx(e.expected).epsilon(1e-11));
  }
}

TEST_CASE("bgnbd_p_purchases sums to 1 and its mean is E[X(t)]", "[clv][bgnbd]") {
  for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
    for (const double t : {0.0, 1.0, 39.0, 200.0}) {
      double total = 0.0;
      double mean = 0.0;
      for (unsigned n = 0; n < 4000; ++n) {
        const double pn = crm::clv::bgnbd_p_purchases(published, v, t, n);
        REQUIRE(pn >= 0.0);
        total += pn;
        mean += n * pn;
      }
      INFO("variant " << static_cast<int>(v) << " t " << t);
      CHECK(total == Approx(1.0).epsilon(1e-10));
      // The mean by direct integration (not by our E[X(t)]).
      CHECK(mean == Approx(integrated_expected(published, v, t)).epsilon(1e-7).margin(1e-12));
    }
  }
}

TEST_CASE("bgnbd gradient matches central finite differences", "[clv][bgnbd]") {
  const cdnow_view c;
  std::vector<double> x{0, 1, 5000, 3000, 0, 7};
  std::vector<double> t_x{0, 0.5, 2000, 1, 0, 7};
  std::vector<double> T{3, 9, 2000, 3000, 5000, 7};
  const rfm_view extreme{x, t_x, T};
  for (const auto& m : std::vector<bgnbd_params>{
           published, {2.0, 0.5, 3.0, 0.7}, {0.05, 30.0, 0.2, 8.0}, {1.0, 1.0, 1.0, 1.0}}) {
    for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
      for (const rfm_view& data : {c.view(), extreme}) {
        INFO("r " << m.r << " alpha " << m.alpha << " a " << m.a << " b " << m.b << " variant "
                  << static_cast<int>(v) << " rows " << data.size());
        std::array<double, 4> g{};
        const double ll = crm::clv::bgnbd_total_log_likelihood(m, v, data, g);
        REQUIRE(std::isfinite(ll));
        const std::array<double, 4> fd = numeric_gradient(m, v, data);
        double scale = 0.0;
        for (double e : fd) scale = std::max(scale, std::abs(e));
        for (std::size_t k = 0; k < 4; ++k) {
          CHECK(g[k] == Approx(fd[k]).epsilon(1e-7).margin(1e-8 * scale));
        }
      }
    }
  }
}

TEST_CASE("bgnbd stays finite for extreme customers", "[clv][bgnbd]") {
  struct customer {
    double x, t_x, T;
  };
  const std::vector<customer> extreme{
      {5000, 2000, 2000}, {3000, 1, 3000}, {0, 0, 5000}, {1, 5000, 5000}, {2000, 0.001, 5200}};
  for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
    for (const auto& e : extreme) {
      INFO("x " << e.x << " t_x " << e.t_x << " T " << e.T << " variant " << static_cast<int>(v));
      const double ll = crm::clv::bgnbd_log_likelihood(published, v, e.x, e.t_x, e.T);
      CHECK(std::isfinite(ll));
      std::array<double, 4> g{};
      const double total = crm::clv::bgnbd_total_log_likelihood(
          published, v, {{&e.x, 1}, {&e.t_x, 1}, {&e.T, 1}}, g);
      CHECK(total == Approx(ll).epsilon(1e-12));
      for (double d : g) CHECK(std::isfinite(d));
      const double alive = crm::clv::bgnbd_p_alive(published, v, e.x, e.t_x, e.T);
      CHECK(alive >= 0.0);
      CHECK(alive <= 1.0);
      for (const double t : {1.0, 52.0, 5000.0}) {
        const double y =
            crm::clv::bgnbd_conditional_expected_purchases(published, v, t, e.x, e.t_x, e.T);
        CHECK(std::isfinite(y));
        CHECK(y >= 0.0);
      }
    }
    CHECK(std::isfinite(crm::clv::bgnbd_expected_purchases(published, v, 1e6)));
  }
  // Someone who bought 5000 times up to today is alive; 3000 purchases in week 1 and none in
  // the following 3000 weeks is not.
  CHECK(crm::clv::bgnbd_p_alive(published, bgnbd_variant::bg, 5000, 2000, 2000) ==
        Approx(1.0).margin(1e-3));
  CHECK(crm::clv::bgnbd_p_alive(published, bgnbd_variant::bg, 3000, 1, 3000) < 1e-300);
  // Alive and buying at the rate of the posterior mean (r + x)/(α + T) for 52 weeks, minus the
  // few who drop out: about 52 · 5000.243 / 2004.414 = 129.7 purchases.
  const double busy = crm::clv::bgnbd_conditional_expected_purchases(published, bgnbd_variant::bg,
                                                                     52, 5000, 2000, 2000);
  CHECK(busy < 129.8);
  CHECK(busy > 120.0);
}

TEST_CASE("bgnbd weights equal repeated rows", "[clv][bgnbd]") {
  const std::vector<double> x{0, 2, 5, 0};
  const std::vector<double> t_x{0, 4, 7.5, 0};
  const std::vector<double> T{6, 9, 10, 12};
  const std::vector<double> w{3, 1, 2, 1};
  std::vector<double> rx;
  std::vector<double> rt_x;
  std::vector<double> rT;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (int k = 0; k < static_cast<int>(w[i]); ++k) {
      rx.push_back(x[i]);
      rt_x.push_back(t_x[i]);
      rT.push_back(T[i]);
    }
  }
  const rfm_view weighted{x, t_x, T, w};
  const rfm_view repeated{rx, rt_x, rT};
  for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
    std::array<double, 4> gw{};
    std::array<double, 4> gr{};
    CHECK(crm::clv::bgnbd_total_log_likelihood(published, v, weighted, gw) ==
          Approx(crm::clv::bgnbd_total_log_likelihood(published, v, repeated, gr)).epsilon(1e-13));
    for (std::size_t k = 0; k < 4; ++k) CHECK(gw[k] == Approx(gr[k]).epsilon(1e-12));
  }
  // And the same fit on CDNOW compressed by hand into (x, t_x, T) counts.
  const cdnow_view c;
  const crm::clv::fit_result plain = crm::clv::fit_bgnbd(c.view());
  std::vector<double> ux;
  std::vector<double> ut_x;
  std::vector<double> uT;
  std::vector<double> uw;
  for (std::size_t i = 0; i < c.d.x.size(); ++i) {
    std::size_t j = 0;
    while (j < ux.size() && !(ux[j] == c.d.x[i] && ut_x[j] == c.d.t_x[i] && uT[j] == c.d.T[i])) ++j;
    if (j == ux.size()) {
      ux.push_back(c.d.x[i]);
      ut_x.push_back(c.d.t_x[i]);
      uT.push_back(c.d.T[i]);
      uw.push_back(0.0);
    }
    uw[j] += 1.0;
  }
  REQUIRE(ux.size() < c.d.x.size());
  const crm::clv::fit_result grouped = crm::clv::fit_bgnbd({ux, ut_x, uT, uw});
  CHECK(grouped.n == 2357.0);
  CHECK(grouped.log_likelihood == Approx(plain.log_likelihood).epsilon(1e-12));
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(grouped.params[k].value == Approx(plain.params[k].value).epsilon(1e-7));
  }
}

TEST_CASE("bgnbd_predict equals the per-customer functions, threaded", "[clv][bgnbd]") {
  const cycled_rows rows(60'000);
  const auto& x = rows.x;
  const auto& t_x = rows.t_x;
  const auto& T = rows.T;
  for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
    std::vector<double> expected(x.size());
    std::vector<double> alive(x.size());
    crm::clv::bgnbd_predict(published, v, {x, t_x, T}, 39, expected, alive);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double e =
          crm::clv::bgnbd_conditional_expected_purchases(published, v, 39, x[i], t_x[i], T[i]);
      const double a = crm::clv::bgnbd_p_alive(published, v, x[i], t_x[i], T[i]);
      if (expected[i] != e || alive[i] != a) ++mismatches;
    }
    CHECK(mismatches == 0);
    std::vector<double> only(x.size());
    crm::clv::bgnbd_predict(published, v, {x, t_x, T}, 39, {}, only);
    CHECK(only == alive);
  }
}

TEST_CASE("bgnbd_discounted_purchases: lifetimes' discounted CLV on CDNOW", "[clv][bgnbd]") {
  // lifetimes 0.11.3 at its CDNOW estimate (r 0.2425929283, alpha 4.413532265, a 0.7928859664,
  // b 2.425752383), 12 monthly steps of 365.25/12/7 weeks at 1.1^(1/12) − 1 per month: CLV =
  // Σ_i (E[Y(i·step)] − E[Y((i−1)·step)]) · spend / (1+d)^i with
  // conditional_expected_number_of_purchases_up_to_time and the Gamma-Gamma
  // conditional_expected_average_profit (the script of the issue 6 note):
  //   ID 1 (x 2, t_x 30.43, T 38.86): spend 24.658616, CLV 36.738310, P(alive) 0.72660914,
  //     E[Y(12 months)] 1.562962;
  //   ID 157 (29, 37.71, 38): spend 26.392948, CLV 633.02583, P(alive) 0.96913359, E 25.126413.
  // So the discounted purchases are CLV / spend: 1.4898769... and 23.984641...
  const bgnbd_params lt{0.2425929283, 4.413532265, 0.7928859664, 2.425752383};
  const std::vector<double> x{2, 29};
  const std::vector<double> t_x{30.43, 37.71};
  const std::vector<double> T{38.86, 38};
  const double step = 365.25 / 12.0 / 7.0;
  const double monthly = std::pow(1.1, 1.0 / 12.0) - 1.0;
  std::vector<double> discounted(2);
  std::vector<double> expected(2);
  std::vector<double> alive(2);
  crm::clv::bgnbd_discounted_purchases(lt, bgnbd_variant::bg, {x, t_x, T}, 12, step, monthly,
                                       discounted, expected, alive);
  CHECK(discounted[0] == Approx(36.738310 / 24.658616).epsilon(1e-6));
  CHECK(discounted[1] == Approx(633.02583 / 26.392948).epsilon(1e-6));
  CHECK(alive[0] == Approx(0.72660914).epsilon(1e-7));
  CHECK(alive[1] == Approx(0.96913359).epsilon(1e-7));
  CHECK(expected[0] == Approx(1.562962).epsilon(1e-6));
  CHECK(expected[1] == Approx(25.126413).epsilon(1e-7));

  // Without discounting the increments telescope to E[Y(12 steps)]; one period is E[Y(step)]
  // discounted once.
  std::vector<double> flat(2);
  crm::clv::bgnbd_discounted_purchases(lt, bgnbd_variant::bg, {x, t_x, T}, 12, step, 0.0, flat, {},
                                       {});
  CHECK(flat[0] == Approx(expected[0]).epsilon(1e-13));
  CHECK(flat[1] == Approx(expected[1]).epsilon(1e-13));
  std::vector<double> one(2);
  crm::clv::bgnbd_discounted_purchases(lt, bgnbd_variant::modified, {x, t_x, T}, 1, step, 0.25, one,
                                       {}, {});
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(one[i] == Approx(crm::clv::bgnbd_conditional_expected_purchases(
                               lt, bgnbd_variant::modified, step, x[i], t_x[i], T[i]) /
                           1.25)
                        .epsilon(1e-14));
  }

  // The batch over 60,000 rows (threaded) equals discounted_value over the scalar functions.
  const cycled_rows rows(60'000);
  const auto& bx = rows.x;
  const auto& bt_x = rows.t_x;
  const auto& bT = rows.T;
  std::vector<double> batch(bx.size());
  crm::clv::bgnbd_discounted_purchases(published, bgnbd_variant::bg, {bx, bt_x, bT}, 24, step,
                                       monthly, batch, {}, {});
  std::size_t far = 0;
  for (std::size_t i = 0; i < bx.size(); i += 97) {
    const double scalar = crm::clv::discounted_value(
        [&](double t) {
          return crm::clv::bgnbd_conditional_expected_purchases(published, bgnbd_variant::bg, t,
                                                                bx[i], bt_x[i], bT[i]);
        },
        1.0, 24, step, monthly);
    if (std::abs(batch[i] - scalar) > 1e-12 * std::max(1.0, std::abs(scalar))) ++far;
  }
  CHECK(far == 0);

  std::vector<double> short_out(1);
  CHECK_THROWS_AS(crm::clv::bgnbd_discounted_purchases(published, bgnbd_variant::bg, {x, t_x, T},
                                                       12, step, monthly, short_out, {}, {}),
                  crm::invalid_input);
  CHECK_THROWS_AS(crm::clv::bgnbd_discounted_purchases(published, bgnbd_variant::bg, {x, t_x, T}, 0,
                                                       step, monthly, discounted, {}, {}),
                  crm::invalid_input);
  CHECK_THROWS_AS(crm::clv::bgnbd_discounted_purchases(published, bgnbd_variant::bg, {x, t_x, T},
                                                       12, step, -1.0, discounted, {}, {}),
                  crm::invalid_input);
}

TEST_CASE("bgnbd rejects invalid input", "[clv][bgnbd]") {
  const std::vector<double> x{0, 2, 1};
  const std::vector<double> t_x{0, 4, 3};
  const std::vector<double> T{6, 9, 10};
  const auto where = [](auto&& f) { return clv_data::thrown(f).where(); };
  {
    const std::vector<double> bad{0, 2.5, 1};
    const auto w = where([&] { (void)crm::clv::fit_bgnbd({bad, t_x, T}); });
    CHECK(w.source == "fit_bgnbd");
    CHECK(w.column == "x");
    CHECK(w.row == 1);
  }
  {
    const std::vector<double> bad{0, 4, 11};
    const auto w = where([&] { (void)crm::clv::fit_bgnbd({x, bad, T}); });
    CHECK(w.column == "t_x");
    CHECK(w.row == 2);
  }
  {
    const std::vector<double> bad{1, 4, 3};
    CHECK(where([&] { (void)crm::clv::fit_bgnbd({x, bad, T}); }).row == 0);
  }
  {
    const std::vector<double> bad{6, 0, 10};
    CHECK(where([&] { (void)crm::clv::fit_bgnbd({x, t_x, bad}); }).column == "T");
  }
  {
    const std::vector<double> w{1, 0, 1};
    const auto l = where([&] { (void)crm::clv::fit_bgnbd({x, t_x, T, w}); });
    CHECK(l.column == "weight");
    CHECK(l.row == 1);
  }
  {
    const std::vector<double> shorter{6, 9};
    CHECK_THROWS_AS(crm::clv::fit_bgnbd({x, t_x, shorter}), crm::invalid_input);
  }
  CHECK_THROWS_AS(crm::clv::fit_bgnbd({}), crm::invalid_input);
  CHECK(where([&] {
          (void)crm::clv::bgnbd_p_alive({0.2, -1.0, 0.5, 1.0}, bgnbd_variant::bg, 1, 1, 2);
        }).column == "alpha");
  CHECK(where([&] {
          (void)crm::clv::bgnbd_expected_purchases(published, bgnbd_variant::bg, -1.0);
        }).column == "t");
  CHECK(where([&] {
          (void)crm::clv::bgnbd_conditional_expected_purchases(published, bgnbd_variant::bg, 1.0, 2,
                                                               5, 4);
        }).column == "t_x");
  CHECK_THROWS_AS(crm::clv::bgnbd_log_likelihood(published, bgnbd_variant::bg, -1, 0, 1),
                  crm::invalid_input);
  {
    const std::vector<double> bad{0, 2, -3};
    CHECK(where([&] {
            (void)crm::clv::bgnbd_total_log_likelihood(published, bgnbd_variant::bg, {bad, t_x, T});
          }).row == 2);
  }
  std::vector<double> out(2);
  CHECK_THROWS_AS(crm::clv::bgnbd_predict(published, bgnbd_variant::bg, {x, t_x, T}, 1, out, {}),
                  crm::invalid_input);
  crm::clv::fit_options o;
  o.start = {1.0, 1.0, 1.0};
  CHECK_THROWS_AS(crm::clv::fit_bgnbd({x, t_x, T}, bgnbd_variant::bg, o), crm::invalid_input);
}

TEST_CASE("fit_bgnbd on 300,000 simulated customers recovers the parameters", "[clv][bgnbd]") {
  // Large data take the other path of the fit (no compression of continuous times, L-BFGS on a
  // subsample, Newton on all rows). The data are simulated from the model itself: λ ~ Gamma(r,
  // α), p ~ Beta(a, b), T ~ U(10, 100); purchases at Poisson(λ) times while alive; after each
  // purchase (and, for MBG/NBD, also at time 0) the customer drops out with probability p.
  const bgnbd_params truth{0.25, 4.0, 0.8, 2.4};
  for (const auto v : {bgnbd_variant::bg, bgnbd_variant::modified}) {
    std::mt19937_64 rng(20240601);
    std::gamma_distribution<double> rate(truth.r, 1.0 / truth.alpha);
    std::gamma_distribution<double> ga(truth.a, 1.0);
    std::gamma_distribution<double> gb(truth.b, 1.0);
    std::uniform_real_distribution<double> age(10.0, 100.0);
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    constexpr std::size_t n = 300'000;
    std::vector<double> x(n);
    std::vector<double> t_x(n);
    std::vector<double> T(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double lambda = rate(rng);
      const double g1 = ga(rng);
      const double p = g1 / (g1 + gb(rng));
      T[i] = age(rng);
      bool alive = v == bgnbd_variant::bg || coin(rng) >= p;
      std::exponential_distribution<double> gap(lambda);
      double t = 0.0;
      while (alive) {
        t += gap(rng);
        if (t > T[i]) break;
        x[i] += 1.0;
        t_x[i] = t;
        alive = coin(rng) >= p;
      }
    }
    const rfm_view data{x, t_x, T};
    const crm::clv::fit_result fit = crm::clv::fit_bgnbd(data, v);
    INFO("variant " << static_cast<int>(v) << ": " << fit.message);
    REQUIRE(fit.converged);
    const std::array<double, 4> expected{truth.r, truth.alpha, truth.a, truth.b};
    for (std::size_t k = 0; k < 4; ++k) {
      INFO(fit.params[k].name << " = " << fit.params[k].value << " ± " << fit.params[k].std_error);
      CHECK(std::abs(fit.params[k].value - expected[k]) < 4.0 * fit.params[k].std_error);
      CHECK(fit.params[k].std_error < 0.05 * expected[k]);
    }
    // The gradient test, recomputed on the original rows: |∂(LL/n)/∂ln θ| <= 1e-8.
    std::array<double, 4> g{};
    const bgnbd_params at = crm::clv::bgnbd_params_of(fit);
    const double ll = crm::clv::bgnbd_total_log_likelihood(at, v, data, g);
    CHECK(ll == Approx(fit.log_likelihood).epsilon(1e-12));
    const std::array<double, 4> value{at.r, at.alpha, at.a, at.b};
    double norm2 = 0.0;
    for (std::size_t k = 0; k < 4; ++k) norm2 += std::pow(g[k] * value[k] / n, 2);
    CHECK(std::sqrt(norm2) <= 1e-8);
  }
}
