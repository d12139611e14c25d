#include "crm/loyalty.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {
constexpr double na = std::numeric_limits<double>::quiet_NaN();
using Catch::Matchers::Contains;
}  // namespace

// Reference values: the R package NPS 1.1 (B. Rocks, CRAN; source fetched from github:cran/NPS
// and run with Rscript, not copied):
//   source("Documented_Small_NPS_Functions.r"); x <- c(10,9,6,9,3,8,10,7,9)
//   nps(x) = 0.3333333; nps.se(x) = 0.2721655; nps.test(x)$int = 0.866768 -0.2001013
//   y <- c(rep(10,30), rep(8,10), rep(2,12)); z <- c(rep(9,20), rep(7,15), rep(5,25))
//   nps.test(y, z): nps.x 0.3461538, nps.y -0.08333333, delta 0.4294872, se 0.1600391,
//   p 0.007282581, int 0.1158162 0.7431581
//   nps.se(c(rep(10,9404), rep(8,3661), rep(0,7203))) = 0.006312286

TEST_CASE("nps: score, shares and Wald SE as the R package NPS", "[loyalty]") {
  const std::vector<double> x{10, 9, 6, 9, 3, 8, 10, 7, 9, na};
  crm::nps_options wald;
  wald.method = crm::nps_interval::wald;
  const crm::nps_result r = crm::nps(x, wald);
  CHECK(r.promoters == 5);
  CHECK(r.passives == 2);
  CHECK(r.detractors == 2);
  CHECK(r.no_answer == 1);
  CHECK(*r.score == Approx(33.33333));
  CHECK(*r.se == Approx(27.21655).epsilon(1e-6));
  CHECK(r.ci->low == Approx(-20.01013).epsilon(1e-5));
  CHECK(r.ci->high == Approx(86.6768).epsilon(1e-5));
  CHECK(*r.promoters_share().value() == Approx(5.0 / 9.0));
}

TEST_CASE("nps: adjusted-Wald interval (Rocks 2016)", "[loyalty][ci]") {
  // Rocks (2016), The American Statistician 70(4): add 3 answers (0.75 promoter, 1.5 passive,
  // 0.75 detractor). For 5 / 2 / 2: p+ = 5.75/12, p- = 2.75/12, NPS' = 0.25,
  // SE' = sqrt((8.5/12 - 0.25²) / 12) = 0.2319902; interval 25 ± 1.959964 × 23.19902
  // = [-20.4689, 70.4689] points. The point estimate stays the observed 33.33.
  const crm::nps_result r = crm::nps_from_counts(5, 2, 2);
  CHECK(*r.score == Approx(100.0 / 3.0));
  CHECK(r.ci->low == Approx(25.0 - 1.959964 * 23.19902).epsilon(1e-5));
  CHECK(r.ci->high == Approx(25.0 + 1.959964 * 23.19902).epsilon(1e-5));
}

TEST_CASE("nps: edge cases", "[loyalty][edge]") {
  // No answer: nothing defined.
  const crm::nps_result none = crm::nps(std::vector<double>{na});
  CHECK_FALSE(none.score);
  CHECK_FALSE(none.ci);
  CHECK_FALSE(none.promoters_share().value());
  // All promoters: NPS 100, Wald SE 0, but the adjusted interval has width:
  // n = 4 → p+ = 4.75/7, p- = 0.75/7, NPS' = 4/7 = 57.14; SE' = sqrt((5.5/7 - (4/7)²)/7)
  // = 0.2561204 → [57.14 - 50.20, 100 (clamped)].
  const crm::nps_result all = crm::nps(std::vector<double>{9, 10, 10, 9});
  CHECK(*all.score == 100.0);
  CHECK(*all.se == 0.0);
  CHECK(all.ci->low == Approx(400.0 / 7.0 - 1.959964 * 25.61204).epsilon(1e-5));
  CHECK(all.ci->high == 100.0);
  // A single detractor: -100.
  CHECK(*crm::nps(std::vector<double>{0}).score == -100.0);
  // All detractors and the NPS-survey counts (README: 9404 / 3661 / 7203 → 10.8595).
  const crm::nps_result big = crm::nps_from_counts(9404, 3661, 7203);
  CHECK(*big.score == Approx(100.0 * (9404.0 - 7203.0) / 20268.0));
  CHECK(*big.score == Approx(10.8595).epsilon(1e-5));
  CHECK(*big.se == Approx(0.6312286).epsilon(1e-6));
}

TEST_CASE("nps: out-of-scale answers are errors naming the row", "[loyalty][errors]") {
  CHECK_THROWS_WITH(crm::nps(std::vector<double>{9, 11}), Contains("score 11 is outside 0..10"));
  CHECK_THROWS_WITH(crm::nps(std::vector<double>{-1}), Contains("outside 0..10"));
  try {
    (void)crm::nps(std::vector<double>{9, 10, 7.5});
    FAIL("no error");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().row == 2);
    CHECK_THAT(e.reason(), Contains("not a whole number"));
  }
}

TEST_CASE("nps_difference: two-sample z test as the R package NPS", "[loyalty][ci]") {
  // y: 30 promoters, 10 passives, 12 detractors; z: 20, 15, 25 (see the R run above).
  const crm::nps_result y = crm::nps_from_counts(30, 10, 12);
  const crm::nps_result z = crm::nps_from_counts(20, 15, 25);
  const auto d = crm::nps_difference(z, y);  // y − z
  REQUIRE(d);
  CHECK(d->difference == Approx(42.94872).epsilon(1e-6));
  CHECK(d->se == Approx(16.00391).epsilon(1e-6));
  CHECK(d->p_value == Approx(0.007282581).epsilon(1e-5));
  CHECK(d->ci.low == Approx(11.58162).epsilon(1e-5));
  CHECK(d->ci.high == Approx(74.31581).epsilon(1e-5));
  // Both sides without spread, or one side empty: no test.
  CHECK_FALSE(crm::nps_difference(crm::nps_from_counts(3, 0, 0), crm::nps_from_counts(0, 0, 2)));
  CHECK_FALSE(crm::nps_difference(crm::nps_from_counts(0, 0, 0), y));
}

TEST_CASE("recommendation_rate: yes / answered, or the promoters' share", "[loyalty]") {
  // 1 yes, 0 no, 2 = the reader's missing boolean (no answer): yes 2 of 3 answered.
  const std::vector<std::uint8_t> would{1, 0, 2, 1};
  const crm::proportion p = crm::recommendation_rate(would);
  CHECK(p.n == 3);
  CHECK(p.hits == 2);
  CHECK(crm::recommendation_rate(crm::nps_from_counts(5, 2, 2)).hits == 5);
}
