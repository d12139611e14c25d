#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/clv/gamma_gamma.hpp"
#include "crm/error.hpp"

#include "clv_data.hpp"
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/gamma.hpp>

// Reference values:
//  * Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
//    analysis", JMR 42(4), and Fader & Hardie (2013), "The Gamma-Gamma model of monetary value":
//    on the 946 CDNOW customers with x >= 1 (m_x = zbar) p = 6.25, q = 3.74, gamma = 15.44.
//  * lifetimes 0.11.3 (/work/scratch/peers/lifetimes), run as
//      PYTHONPATH=/work/scratch/peers/lifetimes:/work/scratch/peers/autograd python3 SCRIPT
//    where SCRIPT reads tests/data/clv/cdnow_summary.csv into d, s = d[d['x'] > 0],
//    g = GammaGammaFitter(); g.fit(s['x'], s['zbar']) -> params_ 6.248802496 3.744588461
//    15.44774806, _negative_log_likelihood_ 4.28744528912 (mean over 946), summary se(coef)
//    1.189687 0.29016562 4.1599939; and with g.params_ = pd.Series(dict(p=6.25, q=3.74,
//    v=15.44)), conditional_expected_average_profit(x, m) printed with '%.17g'.
//  * BTYD 2.4.3, R_LIBS=/work/scratch/peers/Rlib Rscript -e 'library(BTYD);
//      d <- read.csv("tests/data/clv/cdnow_summary.csv"); s <- d[d$x > 0, ];
//      sp <- spend.EstimateParameters(s$zbar, s$x); sprintf("%.10f", sum(spend.LL(sp, s$zbar,
//      s$x)))'  ->  -4055.9232435265 at sp = 6.24864689562 3.7446263995 15.4483830265.
//  * Direct numerical integration over ν ~ Gamma(q, gamma) (tanh-sinh quadrature), written
//    below from the model: the mean of x transaction values ~ Gamma(p, ν) is Gamma(px, xν).

namespace {

using crm::clv::gamma_gamma_params;
using crm::clv::spend_view;

const gamma_gamma_params published{6.25, 3.74, 15.44};

struct cdnow_buyers {
  std::vector<double> x, m;
  cdnow_buyers() {
    const clv_data::cdnow d = clv_data::load_cdnow();
    for (std::size_t i = 0; i < d.x.size(); ++i) {
      if (d.x[i] > 0) {
        x.push_back(d.x[i]);
        m.push_back(d.zbar[i]);
      }
    }
  }
  [[nodiscard]] spend_view view() const { return {x, m}; }
};

double log_gamma_pdf(double v, double shape, double rate) {
  return shape * std::log(rate) + (shape - 1.0) * std::log(v) - rate * v -
         boost::math::lgamma(shape);
}

/// ∫ f(ν) Gamma(m; px, xν) Gamma(ν; q, gamma) dν.
template <class F>
double over_nu(const gamma_gamma_params& g, double x, double m, F f) {
  boost::math::quadrature::tanh_sinh<double> q;
  return q.integrate(
      [&](double v) {
        if (v <= 0.0 || !std::isfinite(v)) return 0.0;
        return f(v) * std::exp(log_gamma_pdf(m, g.p * x, x * v) + log_gamma_pdf(v, g.q, g.gamma));
      },
      0.0, std::numeric_limits<double>::infinity(), 1e-13);
}

std::array<double, 3> numeric_gradient(const gamma_gamma_params& g, const spend_view& d) {
  std::array<double, 3> out{};
  const auto central = [&](int k, double rel) {
    gamma_gamma_params up = g;
    gamma_gamma_params down = g;
    double* u = k == 0 ? &up.p : k == 1 ? &up.q : &up.gamma;
    double* w = k == 0 ? &down.p : k == 1 ? &down.q : &down.gamma;
    const double h = rel * *u;
    *u += h;
    *w -= h;
    return (crm::clv::gamma_gamma_total_log_likelihood(up, d) -
            crm::clv::gamma_gamma_total_log_likelihood(down, d)) /
           (2.0 * h);
  };
  for (int k = 0; k < 3; ++k) {
    out[static_cast<std::size_t>(k)] = (4.0 * central(k, 1e-4) - central(k, 2e-4)) / 3.0;
  }
  return out;
}

}  // namespace

TEST_CASE("fit_gamma_gamma: CDNOW reproduces F&H 2013, lifetimes and BTYD", "[clv][gamma_gamma]") {
  const cdnow_buyers c;
  REQUIRE(c.x.size() == 946);
  const crm::clv::fit_result fit = crm::clv::fit_gamma_gamma(c.view());
  REQUIRE(fit.converged);
  REQUIRE(fit.params.size() == 3);
  CHECK(fit.params[0].name == "p");
  CHECK(fit.params[1].name == "q");
  CHECK(fit.params[2].name == "gamma");
  const gamma_gamma_params g = crm::clv::gamma_gamma_params_of(fit);
  CHECK(g.p == Approx(6.25).margin(5e-3));
  CHECK(g.q == Approx(3.74).margin(5e-3));
  CHECK(g.gamma == Approx(15.44).margin(1e-2));
  // lifetimes (the likelihood is flat along p·gamma/(q − 1): BTYD stops ~1e-4 away from it).
  CHECK(g.p == Approx(6.248802496).epsilon(1e-6));
  CHECK(g.q == Approx(3.744588461).epsilon(1e-6));
  CHECK(g.gamma == Approx(15.44774806).epsilon(1e-6));
  CHECK(fit.log_likelihood >= -4055.9232435265 - 1e-7);
  CHECK(fit.log_likelihood == Approx(-946 * 4.28744528912).epsilon(1e-10));
  CHECK(fit.n == 946.0);
  CHECK(fit.params[0].std_error == Approx(1.189687).epsilon(1e-5));
  CHECK(fit.params[1].std_error == Approx(0.29016562).epsilon(1e-5));
  CHECK(fit.params[2].std_error == Approx(4.1599939).epsilon(1e-5));
}

TEST_CASE("gamma_gamma_log_likelihood equals the model integrated over nu", "[clv][gamma_gamma]") {
  for (const auto& g : std::vector<gamma_gamma_params>{published, {0.7, 1.3, 2.0}, {3, 12, 90}}) {
    for (const auto& c : std::vector<std::array<double, 2>>{{1, 11.77}, {2, 0.4}, {26, 39.97}}) {
      INFO("p " << g.p << " q " << g.q << " gamma " << g.gamma << " x " << c[0] << " m " << c[1]);
      const double density = over_nu(g, c[0], c[1], [](double) { return 1.0; });
      CHECK(crm::clv::gamma_gamma_log_likelihood(g, c[0], c[1]) ==
            Approx(std::log(density)).epsilon(1e-10));
    }
  }
}

TEST_CASE("gamma_gamma_expected_spend matches lifetimes and the posterior mean",
          "[clv][gamma_gamma]") {
  const std::vector<std::array<double, 3>> lifetimes{{1, 11.77, 18.91685205784205},
                                                     {2, 22.35, 24.663713910761157},
                                                     {7, 73.74, 71.469670896967074},
                                                     {26, 39.97, 39.891218833212292}};
  for (const auto& e : lifetimes) {
    INFO("x " << e[0] << " m " << e[1]);
    CHECK(crm::clv::gamma_gamma_expected_spend(published, e[0], e[1]) ==
          Approx(e[2]).epsilon(1e-12));
    // E[p/ν | x, m] with the posterior of ν, by integration.
    const double num = over_nu(published, e[0], e[1], [&](double v) { return published.p / v; });
    const double den = over_nu(published, e[0], e[1], [](double) { return 1.0; });
    CHECK(crm::clv::gamma_gamma_expected_spend(published, e[0], e[1]) ==
          Approx(num / den).epsilon(1e-9));
  }
  // x = 0: the population mean E[p/ν] = p·gamma/(q − 1) = 6.25 · 15.44 / 2.74.
  CHECK(crm::clv::gamma_gamma_expected_spend(published, 0, 0) ==
        Approx(6.25 * 15.44 / 2.74).epsilon(1e-14));
}

TEST_CASE("gamma_gamma gradient matches central finite differences", "[clv][gamma_gamma]") {
  const cdnow_buyers c;
  const std::vector<double> x{1, 5000, 3, 0, 1};
  const std::vector<double> m{1e6, 1e-6, 40, 0, 0.01};
  const std::vector<double> w{2, 1, 0.5, 3, 1};
  const spend_view extreme{x, m, w};
  for (const auto& g :
       std::vector<gamma_gamma_params>{published, {0.7, 1.3, 2.0}, {1, 1, 35}, {30, 0.2, 400}}) {
    for (const spend_view& d : {c.view(), extreme}) {
      INFO("p " << g.p << " q " << g.q << " gamma " << g.gamma << " rows " << d.size());
      std::array<double, 3> grad{};
      const double ll = crm::clv::gamma_gamma_total_log_likelihood(g, d, grad);
      REQUIRE(std::isfinite(ll));
      const std::array<double, 3> fd = numeric_gradient(g, d);
      const std::array<double, 3> value{g.p, g.q, g.gamma};
      for (std::size_t k = 0; k < 3; ++k) {
        CHECK(std::isfinite(grad[k]));
        // Margin: the rounding noise of the differences, ~1e-13 |LL| / step (step 1e-4 value).
        CHECK(grad[k] == Approx(fd[k]).epsilon(1e-7).margin(1e-9 * std::abs(ll) / value[k]));
      }
    }
  }
}

TEST_CASE("gamma_gamma: x = 0 rows are ignored and weights equal repeated rows",
          "[clv][gamma_gamma]") {
  const std::vector<double> x{1, 3, 0, 2};
  const std::vector<double> m{10, 25, 0, 7.5};
  const std::vector<double> w{2, 1, 5, 3};
  std::vector<double> rx;
  std::vector<double> rm;
  double by_hand = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (int k = 0; k < static_cast<int>(w[i]); ++k) {
      rx.push_back(x[i]);
      rm.push_back(m[i]);
      if (x[i] > 0) by_hand += crm::clv::gamma_gamma_log_likelihood(published, x[i], m[i]);
    }
  }
  std::array<double, 3> gw{};
  std::array<double, 3> gr{};
  const double lw = crm::clv::gamma_gamma_total_log_likelihood(published, {x, m, w}, gw);
  const double lr = crm::clv::gamma_gamma_total_log_likelihood(published, {rx, rm}, gr);
  CHECK(lw == Approx(lr).epsilon(1e-13));
  CHECK(lw == Approx(by_hand).epsilon(1e-13));
  for (std::size_t k = 0; k < 3; ++k) CHECK(gw[k] == Approx(gr[k]).epsilon(1e-12));

  // The CDNOW fit with every customer (x = 0 rows carry zbar = 0) and with buyers grouped.
  const clv_data::cdnow d = clv_data::load_cdnow();
  const crm::clv::fit_result all = crm::clv::fit_gamma_gamma({d.x, d.zbar});
  std::vector<double> ux;
  std::vector<double> um;
  std::vector<double> uw;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    if (d.x[i] == 0) continue;
    std::size_t j = 0;
    while (j < ux.size() && !(ux[j] == d.x[i] && um[j] == d.zbar[i])) ++j;
    if (j == ux.size()) {
      ux.push_back(d.x[i]);
      um.push_back(d.zbar[i]);
      uw.push_back(0.0);
    }
    uw[j] += 1.0;
  }
  REQUIRE(ux.size() < 946);
  const crm::clv::fit_result grouped = crm::clv::fit_gamma_gamma({ux, um, uw});
  CHECK(all.n == 946.0);
  CHECK(grouped.n == 946.0);
  CHECK(grouped.log_likelihood == Approx(all.log_likelihood).epsilon(1e-12));
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(grouped.params[k].value == Approx(all.params[k].value).epsilon(1e-6));
  }
}

TEST_CASE("gamma_gamma stays finite for extreme customers", "[clv][gamma_gamma]") {
  for (const auto& c : std::vector<std::array<double, 2>>{
           {5000, 1e6}, {5000, 1e-6}, {1, 1e9}, {1, 1e-9}, {3000, 35}}) {
    INFO("x " << c[0] << " m " << c[1]);
    CHECK(std::isfinite(crm::clv::gamma_gamma_log_likelihood(published, c[0], c[1])));
    const double e = crm::clv::gamma_gamma_expected_spend(published, c[0], c[1]);
    CHECK(std::isfinite(e));
    CHECK(e > 0.0);
  }
  // With thousands of purchases the customer's own mean dominates.
  CHECK(crm::clv::gamma_gamma_expected_spend(published, 3000, 35) == Approx(35).epsilon(1e-3));
}

TEST_CASE("gamma_gamma rejects invalid input", "[clv][gamma_gamma]") {
  const std::vector<double> x{1, 2, 0};
  const std::vector<double> m{10, 20, 0};
  const auto where = [](auto&& f) { return clv_data::thrown(f).where(); };
  {
    const std::vector<double> bad{10, 0, 0};
    const auto w = where([&] { (void)crm::clv::fit_gamma_gamma({x, bad}); });
    CHECK(w.source == "fit_gamma_gamma");
    CHECK(w.column == "m_x");
    CHECK(w.row == 1);
  }
  {
    const std::vector<double> bad{1, 2, 0.5};
    const auto w = where([&] { (void)crm::clv::fit_gamma_gamma({bad, m}); });
    CHECK(w.column == "x");
    CHECK(w.row == 2);
  }
  {
    const std::vector<double> bad{10, std::nan(""), 0};
    CHECK(where([&] { (void)crm::clv::fit_gamma_gamma({x, bad}); }).row == 1);
  }
  {
    const std::vector<double> w{1, -1, 1};
    CHECK(where([&] { (void)crm::clv::fit_gamma_gamma({x, m, w}); }).column == "weight");
  }
  {
    const std::vector<double> shorter{10, 20};
    CHECK_THROWS_AS(crm::clv::fit_gamma_gamma({x, shorter}), crm::invalid_input);
  }
  {
    const std::vector<double> zeros{0, 0};
    const std::vector<double> none{0, 0};
    CHECK_THROWS_AS(crm::clv::fit_gamma_gamma({zeros, none}), crm::invalid_input);
  }
  CHECK(where([&] {
          (void)crm::clv::gamma_gamma_expected_spend({6.25, 0.9, 15.44}, 0, 0);
        }).column == "q");
  CHECK(where([&] {
          (void)crm::clv::gamma_gamma_expected_spend({6.25, 3.74, -1.0}, 1, 10);
        }).column == "gamma");
  CHECK_THROWS_AS(crm::clv::gamma_gamma_log_likelihood(published, 0, 10), crm::invalid_input);
  CHECK_THROWS_AS(crm::clv::gamma_gamma_log_likelihood(published, 1, 0), crm::invalid_input);
}

TEST_CASE("fit_gamma_gamma on 150,000 simulated buyers recovers the parameters",
          "[clv][gamma_gamma]") {
  // Large data take the warm-start path (L-BFGS on a subsample, Newton on all rows). Simulated
  // from the model: ν ~ Gamma(q, gamma) per customer, x ~ U{1..8} transactions ~ Gamma(p, ν).
  const gamma_gamma_params truth{6.0, 4.0, 15.0};
  std::mt19937_64 rng(7);
  std::gamma_distribution<double> nu(truth.q, 1.0 / truth.gamma);
  std::uniform_int_distribution<int> count(1, 8);
  constexpr std::size_t n = 150'000;
  std::vector<double> x(n);
  std::vector<double> m(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::gamma_distribution<double> value(truth.p, 1.0 / nu(rng));
    x[i] = count(rng);
    double total = 0.0;
    for (int k = 0; k < static_cast<int>(x[i]); ++k) total += value(rng);
    m[i] = total / x[i];
  }
  const crm::clv::fit_result fit = crm::clv::fit_gamma_gamma({x, m});
  INFO(fit.message);
  REQUIRE(fit.converged);
  const std::array<double, 3> expected{truth.p, truth.q, truth.gamma};
  for (std::size_t k = 0; k < 3; ++k) {
    INFO(fit.params[k].name << " = " << fit.params[k].value << " ± " << fit.params[k].std_error);
    CHECK(std::abs(fit.params[k].value - expected[k]) < 4.0 * fit.params[k].std_error);
    CHECK(fit.params[k].std_error < 0.05 * expected[k]);
  }
  std::array<double, 3> g{};
  const gamma_gamma_params at = crm::clv::gamma_gamma_params_of(fit);
  CHECK(crm::clv::gamma_gamma_total_log_likelihood(at, {x, m}, g) ==
        Approx(fit.log_likelihood).epsilon(1e-12));
  const std::array<double, 3> value{at.p, at.q, at.gamma};
  double norm2 = 0.0;
  for (std::size_t k = 0; k < 3; ++k) norm2 += std::pow(g[k] * value[k] / n, 2);
  CHECK(std::sqrt(norm2) <= 1e-8);
}

TEST_CASE("fit_gamma_gamma converges where f's rounding noise exceeds Newton's last decrease",
          "[clv][gamma_gamma]") {
  // 50,000 buyers (the full-data path) with up to 60 repeat purchases: lgamma terms in the
  // hundreds make the summed f noisier than the 64-ulp allowance, and the last Newton step,
  // which cuts the gradient by orders of magnitude, raises f by about one noise unit. (Found on
  // `crm-metrics generate --customers 200000` orders with --calibration-end 2024-06-30.)
  const gamma_gamma_params truth{5.7, 4.0, 16.0};
  for (const std::uint64_t seed : std::array<std::uint64_t, 5>{1, 2, 3, 4, 5}) {
    std::mt19937_64 rng(seed);
    std::gamma_distribution<double> nu(truth.q, 1.0 / truth.gamma);
    std::geometric_distribution<int> count(0.15);
    constexpr std::size_t n = 50'000;
    std::vector<double> x(n);
    std::vector<double> m(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::gamma_distribution<double> value(truth.p, 1.0 / nu(rng));
      x[i] = std::min(1 + count(rng), 60);
      double total = 0.0;
      for (int k = 0; k < static_cast<int>(x[i]); ++k) total += value(rng);
      m[i] = total / x[i];
    }
    const crm::clv::fit_result fit = crm::clv::fit_gamma_gamma({x, m});
    INFO("seed " << seed << ": " << fit.message);
    CHECK(fit.converged);
    const std::array<double, 3> expected{truth.p, truth.q, truth.gamma};
    for (std::size_t k = 0; k < 3; ++k) {
      INFO(fit.params[k].name << " = " << fit.params[k].value << " ± " << fit.params[k].std_error);
      CHECK(std::abs(fit.params[k].value - expected[k]) < 4.0 * fit.params[k].std_error);
    }
  }
}
