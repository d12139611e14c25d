#include "crm/loyalty.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {

constexpr double na = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
using Catch::Matchers::Contains;

template <typename F>
crm::invalid_input error_of(F&& f) {
  try {
    f();
  } catch (const crm::invalid_input& e) {
    return e;
  }
  FAIL("no invalid_input thrown");
  return crm::invalid_input("", {});
}

crm::nps_options wald() {
  crm::nps_options o;
  o.method = crm::nps_interval::wald;
  return o;
}

}  // namespace

// Reference values: the R package NPS by Brendan Rocks (author of Rocks 2016), run with R 4.2.2
// from its fetched sources, not copied into this project:
// (a) CRAN release 1.1 (github:cran/NPS, R/Documented_Small_NPS_Functions.r), Wald only:
//   source("Documented_Small_NPS_Functions.r"); x <- c(10,9,6,9,3,8,10,7,9)
//   nps(x) → 0.3333333333; nps.se(x) → 0.272165527; nps.test(x)$int → 0.866767964 -0.2001012974
//   nps.test(x, conf = 0.99)$int → 1.034385273 -0.3677186065
//   big <- c(rep(10,9404), rep(8,3661), rep(0,7203)); nps(big) → 0.1085948293;
//   nps.se(big) → 0.006312286236
//   y <- c(rep(10,30), rep(8,10), rep(2,12)); z <- c(rep(9,20), rep(7,15), rep(5,25))
//   nps.test(y, z): nps.x 0.3461538462, nps.y -0.08333333333, delta 0.4294871795,
//   se 0.1600391361, p 0.007282581422, int 0.1158162367 0.7431581223
//   a <- c(rep(9,5), rep(7,3), rep(0,2)); b <- c(rep(10,4), 3); nps.test(b, a): delta 0.3,
//   se 0.4347413024, p 0.4901529604, int -0.5520772953 1.152077295
// (b) development version 2.0.999 (github:brendan-r/NPS, R/nps.R, nps_global.R, nps_tests.R),
//   which adds test = "adjusted.wald" with pseudo_observations c(0.75, 1.50, 0.75):
//   options(nps.breaks = c(0, 6, 8, 10), nps.100 = FALSE); for (f in ...) source(f)
//   nps_test_(table(npc(x)), test = "adjusted.wald")$int → -0.2046924011 0.7046924011
//   ... (c(9,10,10,9)) → 0.0694417798 1.073415363
//   ... (c(0)) → -0.9849864942 0.4849864942;  (c(10)) → -0.4849864942 0.9849864942
//   ... (c(0,3,6,6,2)) → -1.07508547 -0.1749145303
//   nps_test_(c(7203, 3661, 9404), test = "adjusted.wald")$int → 0.09620815495 0.1209493607
//   (its nps_test() wrapper passes categories instead of counts, hence nps_test_ on a table.)
// The package does not clamp; we clamp to [-100, 100] points.

TEST_CASE("nps: score, counts, shares and Wald SE as the R package NPS", "[loyalty]") {
  const std::vector<double> x{10, 9, 6, 9, 3, 8, 10, 7, 9, na};
  const crm::nps_result r = crm::nps(x, wald());
  CHECK(r.promoters == 5);
  CHECK(r.passives == 2);
  CHECK(r.detractors == 2);
  CHECK(r.no_answer == 1);
  CHECK(r.n() == 9);
  CHECK(*r.score == Approx(33.33333333).epsilon(1e-9));
  CHECK(*r.se == Approx(27.2165527).epsilon(1e-8));
  CHECK(r.ci->low == Approx(-20.01012974).epsilon(1e-8));
  CHECK(r.ci->high == Approx(86.6767964).epsilon(1e-8));
  CHECK(r.ci->level == Approx(0.95).epsilon(1e-12));
  CHECK(*r.promoters_share().value() == Approx(5.0 / 9.0));
  CHECK(*r.passives_share().value() == Approx(2.0 / 9.0));
  CHECK(*r.detractors_share().value() == Approx(2.0 / 9.0));
  // Wilson of 5/9: Rscript -e 'prop.test(5, 9, correct = FALSE)$conf.int' → 0.2666512935
  // 0.8112214789.
  CHECK(r.promoters_share().wilson()->low == Approx(0.2666512935).epsilon(1e-8));
  // Row order does not matter.
  const std::vector<double> reversed(x.rbegin(), x.rend());
  CHECK(*crm::nps(reversed, wald()).score == *r.score);
}

TEST_CASE("nps: adjusted-Wald interval (default) as the R package NPS", "[loyalty][ci]") {
  // By hand (Rocks 2016): 5 / 2 / 2 + 0.75 / 1.5 / 0.75 → n' = 12, p+ = 5.75/12, p- = 2.75/12,
  // NPS' = 3/12 = 0.25; SE' = √((8.5/12 − 0.25²) / 12) = √(0.645833 / 12) = 0.2319902;
  // 0.25 ± 1.959964 × 0.2319902 = [-0.204692, 0.704692]. The score stays the observed 33.33.
  const std::vector<double> x{10, 9, 6, 9, 3, 8, 10, 7, 9};
  const crm::nps_result r = crm::nps(x);
  CHECK(*r.score == Approx(100.0 / 3.0));
  CHECK(*r.se == Approx(27.2165527).epsilon(1e-8));  // the observed (Wald) SE
  CHECK(r.ci->low == Approx(-20.46924011).epsilon(1e-8));
  CHECK(r.ci->high == Approx(70.46924011).epsilon(1e-8));
  // The same from counts.
  const crm::nps_result c = crm::nps_from_counts(5, 2, 2);
  CHECK(c.ci->low == Approx(r.ci->low).epsilon(1e-12));
}

TEST_CASE("nps: other confidence levels", "[loyalty][ci]") {
  // 99 %: z = qnorm(0.995) = 2.575829304; nps.test(x, conf = 0.99)$int → -0.3677186065 and
  // 1.034385273, clamped to 100.
  crm::nps_options o = wald();
  o.z = 2.575829304;
  const crm::nps_result r = crm::nps_from_counts(5, 2, 2, o);
  CHECK(r.ci->low == Approx(-36.77186065).epsilon(1e-8));
  CHECK(r.ci->high == 100.0);
  CHECK(r.ci->level == Approx(0.99).epsilon(1e-9));
}

TEST_CASE("nps: all promoters: Wald SE 0, the adjusted interval still has width",
          "[loyalty][edge]") {
  // 9, 10, 10, 9: NPS 100, SE 0. Adjusted: (4.75 − 0.75)/7 = 0.571429, SE' = 0.2561204;
  // R: [0.0694417798, 1.073415363] → [6.944, 100 (clamped)].
  const crm::nps_result all = crm::nps(std::vector<double>{9, 10, 10, 9});
  CHECK(*all.score == 100.0);
  CHECK(*all.se == 0.0);
  CHECK(all.ci->low == Approx(6.94417798).epsilon(1e-8));
  CHECK(all.ci->high == 100.0);
  // Wald at SE 0 has no width.
  const crm::nps_result w = crm::nps(std::vector<double>{9, 10, 10, 9}, wald());
  CHECK(w.ci->low == 100.0);
  CHECK(w.ci->high == 100.0);
}

TEST_CASE("nps: all detractors, a single answer", "[loyalty][edge]") {
  // 0, 3, 6, 6, 2: NPS -100; R adjusted [-1.07508547, -0.1749145303] → [-100, -17.49].
  const crm::nps_result d = crm::nps(std::vector<double>{0, 3, 6, 6, 2});
  CHECK(d.detractors == 5);
  CHECK(*d.score == -100.0);
  CHECK(*d.se == 0.0);
  CHECK(d.ci->low == -100.0);
  CHECK(d.ci->high == Approx(-17.49145303).epsilon(1e-8));
  // One detractor: (0.75 − 1.75)/4 = −0.25, SE' = √((2.5/4 − 0.0625)/4) = 0.375;
  // R: [-0.9849864942, 0.4849864942].
  const crm::nps_result one = crm::nps(std::vector<double>{0});
  CHECK(one.n() == 1);
  CHECK(*one.score == -100.0);
  CHECK(one.ci->low == Approx(-98.49864942).epsilon(1e-8));
  CHECK(one.ci->high == Approx(48.49864942).epsilon(1e-8));
  const crm::nps_result top = crm::nps(std::vector<double>{10});
  CHECK(*top.score == 100.0);
  CHECK(top.ci->low == Approx(-48.49864942).epsilon(1e-8));
  // The boundaries of the classes: 6 detractor, 7 and 8 passive, 9 promoter.
  const crm::nps_result edges = crm::nps(std::vector<double>{6, 7, 8, 9});
  CHECK(edges.detractors == 1);
  CHECK(edges.passives == 2);
  CHECK(edges.promoters == 1);
}

TEST_CASE("nps: no answer means no score, never 0", "[loyalty][edge]") {
  for (const std::vector<double>& v : {std::vector<double>{}, std::vector<double>{na, na}}) {
    const crm::nps_result none = crm::nps(v);
    CHECK(none.n() == 0);
    CHECK(none.no_answer == v.size());
    CHECK_FALSE(none.score);
    CHECK_FALSE(none.se);
    CHECK_FALSE(none.ci);
    CHECK_FALSE(none.promoters_share().value());
    CHECK_FALSE(crm::recommendation_rate(none).value());
  }
  CHECK_FALSE(crm::nps_from_counts(0, 0, 0).score);
}

TEST_CASE("nps_from_counts: the nps-survey counts (20,268 answers)", "[loyalty]") {
  // /work/shared/data/nps-survey/README.md: 9,404 promoters, 3,661 passives, 7,203 detractors
  // → NPS 10.8595. 100 × (9404 − 7203) / 20268 = 220100 / 20268 = 10.85948...
  // R NPS 1.1: nps.se → 0.006312286236 (0.6312 points); 2.0.999 adjusted-Wald interval
  // [0.09620815495, 0.1209493607].
  const crm::nps_result big = crm::nps_from_counts(9404, 3661, 7203);
  CHECK(big.n() == 20268);
  CHECK(*big.score == Approx(220100.0 / 20268.0).epsilon(1e-12));
  CHECK(*big.score == Approx(10.8595).epsilon(1e-5));
  CHECK(*big.se == Approx(0.6312286236).epsilon(1e-8));
  CHECK(big.ci->low == Approx(9.620815495).epsilon(1e-8));
  CHECK(big.ci->high == Approx(12.09493607).epsilon(1e-8));
  CHECK(*big.promoters_share().value() == Approx(9404.0 / 20268.0));
}

TEST_CASE("nps: out-of-scale and fractional answers name the row", "[loyalty][errors]") {
  const crm::invalid_input e = error_of([] { (void)crm::nps(std::vector<double>{9, na, 11}); });
  CHECK(e.reason() == "score 11 is outside 0..10");
  CHECK(e.where().source == "nps");
  CHECK(e.where().column == "score");
  CHECK(e.where().row == 2);
  CHECK(e.where().value == "11");
  CHECK(std::string(e.what()) ==
        "nps: score 11 is outside 0..10 (column 'score', row 2, value '11')");
  CHECK_THROWS_WITH(crm::nps(std::vector<double>{-1}), Contains("score -1 is outside 0..10"));
  CHECK_THROWS_WITH(crm::nps(std::vector<double>{inf}), Contains("score inf is outside 0..10"));
  const crm::invalid_input f = error_of([] { (void)crm::nps(std::vector<double>{9, 10, 7.5}); });
  CHECK(f.where().row == 2);
  CHECK(f.where().value == "7.5");
  CHECK_THAT(f.reason(), Contains("score 7.5 is not a whole number"));
}

TEST_CASE("nps: bad options and counts", "[loyalty][errors]") {
  crm::nps_options zero;
  zero.z = 0;
  CHECK_THROWS_WITH(crm::nps(std::vector<double>{9}, zero), Contains("must be a positive"));
  crm::nps_options nan_z;
  nan_z.z = na;
  CHECK_THROWS_AS(crm::nps_from_counts(1, 1, 1, nan_z), crm::invalid_input);
  const std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
  CHECK_THROWS_AS(crm::nps_from_counts(most, 1, 0), crm::invalid_input);
  CHECK_THROWS_AS(crm::nps_from_counts(most - 1, 1, 1), crm::invalid_input);
  CHECK(crm::nps_from_counts(most - 2, 1, 1).n() == most);
}

TEST_CASE("nps_difference: two independent samples as the R package NPS", "[loyalty][ci]") {
  // y: 30 promoters, 10 passives, 12 detractors; z: 20, 15, 25 (the R run above).
  const crm::nps_result y = crm::nps_from_counts(30, 10, 12);
  const crm::nps_result z = crm::nps_from_counts(20, 15, 25);
  const auto d = crm::nps_difference(z, y);  // y − z
  REQUIRE(d);
  CHECK(d->difference == Approx(42.94871795).epsilon(1e-8));
  CHECK(d->se == Approx(16.00391361).epsilon(1e-8));
  CHECK(d->z == Approx(42.94871795 / 16.00391361).epsilon(1e-8));
  CHECK(d->p_value == Approx(0.007282581422).epsilon(1e-7));
  CHECK(d->ci.low == Approx(11.58162367).epsilon(1e-8));
  CHECK(d->ci.high == Approx(74.31581223).epsilon(1e-8));
  // The other way round: the sign flips, the test does not (R reports |delta|).
  const auto back = crm::nps_difference(y, z);
  CHECK(back->difference == Approx(-42.94871795).epsilon(1e-8));
  CHECK(back->p_value == Approx(d->p_value).epsilon(1e-12));
  CHECK(back->ci.high == Approx(-11.58162367).epsilon(1e-8));
}

TEST_CASE("nps_difference: a two-period example by hand", "[loyalty][ci]") {
  // July (a): 5 promoters, 3 passives, 2 detractors → NPS 30; p+ + p- = 0.7, (p+ − p-)² = 0.09,
  //   SE = 100 √(0.61 / 10) = 24.6982 (SE² = 610).
  // August (b): 4 promoters, 1 detractor → NPS 60; SE = 100 √((1.0 − 0.36) / 5) = 35.7771
  //   (SE² = 1280).
  // Δ = 30; SE = √(610 + 1280) = √1890 = 43.47413; z = 30 / 43.47413 = 0.690066;
  // p = 2 (1 − Φ(0.690066)) = 0.49015; interval 30 ± 1.959964 × 43.47413 = [-55.2077, 115.2077].
  // R NPS 1.1 nps.test(b, a) agrees: se 0.4347413024, p 0.4901529604,
  // int -0.5520772953 1.152077295.
  const crm::nps_result july = crm::nps_from_counts(5, 3, 2);
  const crm::nps_result august = crm::nps_from_counts(4, 0, 1);
  const auto d = crm::nps_difference(july, august);
  REQUIRE(d);
  CHECK(d->difference == Approx(30.0).epsilon(1e-12));
  CHECK(d->se == Approx(std::sqrt(1890.0)).epsilon(1e-12));
  CHECK(d->z == Approx(0.690066).epsilon(1e-6));
  CHECK(d->p_value == Approx(0.4901529604).epsilon(1e-8));
  CHECK(d->ci.low == Approx(-55.20772953).epsilon(1e-8));
  CHECK(d->ci.high == Approx(115.2077295).epsilon(1e-8));
  CHECK(d->ci.level == Approx(0.95).epsilon(1e-12));
}

TEST_CASE("nps_difference: no test without answers or without spread", "[loyalty][edge]") {
  const crm::nps_result y = crm::nps_from_counts(30, 10, 12);
  CHECK_FALSE(crm::nps_difference(crm::nps_from_counts(0, 0, 0), y));
  CHECK_FALSE(crm::nps_difference(y, crm::nps_from_counts(0, 0, 0)));
  // Both SEs 0 (all promoters vs all detractors).
  CHECK_FALSE(crm::nps_difference(crm::nps_from_counts(3, 0, 0), crm::nps_from_counts(0, 0, 2)));
  // One SE 0 is enough: all promoters (100, SE 0) vs 5/3/2 (30, SE² 610) → Δ −70, SE √610.
  const auto one =
      crm::nps_difference(crm::nps_from_counts(3, 0, 0), crm::nps_from_counts(5, 3, 2));
  REQUIRE(one);
  CHECK(one->difference == Approx(-70.0));
  CHECK(one->se == Approx(std::sqrt(610.0)));
  // Counts filled by hand (no score computed) work as well.
  crm::nps_result by_hand;
  by_hand.promoters = 5;
  by_hand.passives = 3;
  by_hand.detractors = 2;
  CHECK(crm::nps_difference(by_hand, crm::nps_from_counts(4, 0, 1))->difference == Approx(30.0));
  CHECK_THROWS_AS(crm::nps_difference(y, y, -1.0), crm::invalid_input);
}

TEST_CASE("recommendation_rate: yes / answered of a yes/no column", "[loyalty]") {
  // 1 yes, 0 no, anything else (the reader's missing boolean 2) no answer: 1 0 2 1 255 → 2 of 3.
  const std::vector<std::uint8_t> would{1, 0, 2, 1, 255};
  const crm::proportion p = crm::recommendation_rate(would);
  CHECK(p.n == 3);
  CHECK(p.hits == 2);
  // Rscript -e 'prop.test(2, 3, correct = FALSE)$conf.int' → 0.2076596008 0.9385080553
  CHECK(p.wilson()->low == Approx(0.2076596008).epsilon(1e-8));
  CHECK_FALSE(crm::recommendation_rate(std::vector<std::uint8_t>{2, 2}).value());
  CHECK_FALSE(crm::recommendation_rate(std::vector<std::uint8_t>{}).value());
}

TEST_CASE("recommendation_rate: the promoters' share without such a column", "[loyalty]") {
  const crm::proportion p = crm::recommendation_rate(crm::nps_from_counts(5, 2, 2));
  CHECK(p.hits == 5);
  CHECK(p.n == 9);
}
