// Cost kernels (include/crm/cost.hpp). Money is in 1/10000 units (1,010.00 = 10'100'000). Every
// expected value is worked by hand in the comment beside it; where a test asserts the last bit,
// the exact quotient was rounded by python3 `float(fractions.Fraction(a, b))`.
#include "crm/cost.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {

using Catch::Matchers::Contains;
using outcome = crm::retention_outcome;
constexpr std::int64_t missing = std::numeric_limits<std::int64_t>::min();
constexpr double inf = std::numeric_limits<double>::infinity();

/// The value, or NaN when missing: NaN equals nothing, so a CHECK on a missing value fails
/// (dereferencing an empty optional would be undefined behaviour).
double val(std::optional<double> o) { return o.value_or(std::nan("")); }

/// Runs `f` and returns the invalid_input it throws (fails the test when it throws none).
template <class F>
crm::invalid_input thrown(F f) {
  try {
    f();
  } catch (const crm::invalid_input& e) {
    return e;
  }
  FAIL("no invalid_input thrown");
  return crm::invalid_input("unreachable", {});
}

}  // namespace

// ---------------------------------------------------------------- cac

TEST_CASE("cac: blended, per channel and with a one-period lag", "[cost][values]") {
  // Acquisition spend search 500 + social 360 + referral 150 = 1,010.00 over 12 new customers
  // = 84.1666… (python3: float(Fraction(10100000, 120000)) = 84.16666666666667, asserted exactly).
  CHECK(val(crm::cac(10'100'000, 12)) == 84.16666666666667);
  // Per channel: search 500 / 5 = 100, social 360 / 4 = 90, referral 150 / 3 = 50.
  CHECK(val(crm::cac(5'000'000, 5)) == 100.0);
  CHECK(val(crm::cac(3'600'000, 4)) == 90.0);
  CHECK(val(crm::cac(1'500'000, 3)) == 50.0);
  // One-period lag: last period's spend 960.00 over this period's 12 customers = 80.
  CHECK(val(crm::cac(9'600'000, 12)) == 80.0);
}

TEST_CASE("cac: exact integer money, one rounding at the end", "[cost][values]") {
  // 0.0001 over 7 customers = 1/70000. python3: float(Fraction(1, 70000)) =
  // 1.4285714285714285e-05, while (0.0001 / 7) rounds twice to 1.4285714285714287e-05.
  CHECK(val(crm::cac(1, 7)) == 1.4285714285714285e-05);
  // 9,000,000,000,000.0000 (9e16 units of 1/10000, above 2^53) over 1: 9e12.
  CHECK(val(crm::cac(90'000'000'000'000'000, 1)) == Approx(9e12));
}

TEST_CASE("cac: zero customers is undefined, zero spend is a CAC of 0", "[cost][edge]") {
  CHECK_FALSE(crm::cac(10'100'000, 0));
  CHECK_FALSE(crm::cac(0, 0));
  CHECK(val(crm::cac(0, 5)) == 0.0);  // all customers came for free (organic): 0 / 5
}

TEST_CASE("cac: negative spend names acquisition_spend", "[cost][errors]") {
  const crm::invalid_input e = thrown([] { (void)crm::cac(-1, 5); });
  CHECK(e.where().source == "cac");
  CHECK(e.where().column == "acquisition_spend");
  CHECK(e.where().value == "-1");
  CHECK_THROWS_AS(crm::cac(std::numeric_limits<std::int64_t>::min(), 0), crm::invalid_input);
}

// ---------------------------------------------------------------- crc

TEST_CASE("crc: retention spend per retained customer", "[cost][values]") {
  CHECK(val(crm::crc(1'500'000, 2)) == 75.0);                  // 150.00 / 2 = 75
  CHECK(val(crm::crc(1'000'000, 3)) == Approx(33.333333333));  // 100.00 / 3
  CHECK(val(crm::crc(0, 4)) == 0.0);
  CHECK_FALSE(crm::crc(1'500'000, 0));
  CHECK(thrown([] { (void)crm::crc(-10'000, 2); }).where().column == "retention_spend");
}

// ---------------------------------------------------------------- marketing_roi, roas

TEST_CASE("marketing_roi: (revenue − spend) / spend on exact money", "[cost][values]") {
  // (2,440.40 − 1,010.00) / 1,010.00 = 1,430.40 / 1,010 = 1.41623…; python3:
  // float(Fraction(14304000, 10100000)) = 1.4162376237623762 (the double subtraction
  // (2440.40 − 1010) / 1010 gives 1.4162376237623764: the integer difference is exact).
  CHECK(val(crm::marketing_roi(24'404'000, 10'100'000)) == 1.4162376237623762);
  // Break-even: 0; a loss: revenue 250 on spend 1,000 = −0.75; no revenue: −1.
  CHECK(val(crm::marketing_roi(10'000'000, 10'000'000)) == 0.0);
  CHECK(val(crm::marketing_roi(2'500'000, 10'000'000)) == -0.75);
  CHECK(val(crm::marketing_roi(0, 10'000)) == -1.0);
}

TEST_CASE("marketing_roi: zero spend is undefined; negative arguments are named",
          "[cost][edge][errors]") {
  CHECK_FALSE(crm::marketing_roi(24'404'000, 0));
  CHECK_FALSE(crm::marketing_roi(0, 0));
  CHECK(thrown([] { (void)crm::marketing_roi(-1, 100); }).where().column == "revenue");
  CHECK(thrown([] { (void)crm::marketing_roi(100, -1); }).where().column == "marketing_spend");
}

TEST_CASE("roas: revenue / spend, which is ROI + 1 and not ROI", "[cost][values]") {
  // 2,440.40 / 1,010.00 = 2.41623…; python3: float(Fraction(24404000, 10100000)) =
  // 2.416237623762376. A 2.42x ROAS is a 141.6 % ROI, not 242 %.
  CHECK(val(crm::roas(24'404'000, 10'100'000)) == 2.416237623762376);
  CHECK(val(crm::roas(24'404'000, 10'100'000)) - 1.0 ==
        Approx(val(crm::marketing_roi(24'404'000, 10'100'000))));
  CHECK(val(crm::roas(0, 10'000)) == 0.0);
  CHECK(val(crm::roas(5'000, 10'000)) == 0.5);  // 0.50 of revenue per 1.00 spent
}

TEST_CASE("roas: zero spend is undefined; negative arguments are named", "[cost][edge][errors]") {
  CHECK_FALSE(crm::roas(24'404'000, 0));
  CHECK(thrown([] { (void)crm::roas(-5, 100); }).where().column == "revenue");
  CHECK(thrown([] { (void)crm::roas(5, -100); }).where().column == "marketing_spend");
}

// ---------------------------------------------------------------- cac_payback_months

TEST_CASE("cac_payback_months: CAC / (monthly revenue × margin)", "[cost][values]") {
  // 84.17 / (20 × 0.5) = 84.17 / 10 = 8.417 months.
  CHECK(val(crm::cac_payback_months(84.17, 20.0, 0.5)) == Approx(8.417));
  // Default margin 1: 84.17 / 20 = 4.2085.
  CHECK(val(crm::cac_payback_months(84.17, 20.0)) == Approx(4.2085));
  // Free customers pay back at once: 0 / 20 = 0.
  CHECK(val(crm::cac_payback_months(0.0, 20.0, 0.5)) == 0.0);
}

TEST_CASE("cac_payback_months: no monthly revenue is undefined", "[cost][edge]") {
  CHECK_FALSE(crm::cac_payback_months(84.17, 0.0, 0.5));
  CHECK_FALSE(crm::cac_payback_months(0.0, 0.0));
}

TEST_CASE("cac_payback_months: bad arguments are named", "[cost][errors]") {
  CHECK(thrown([] { (void)crm::cac_payback_months(-1.0, 20.0); }).where().column == "cac");
  CHECK(thrown([] { (void)crm::cac_payback_months(inf, 20.0); }).where().column == "cac");
  CHECK(thrown([] { (void)crm::cac_payback_months(84.0, -20.0); }).where().column ==
        "monthly_revenue_per_customer");
  CHECK(thrown([] { (void)crm::cac_payback_months(84.0, std::nan("")); }).where().column ==
        "monthly_revenue_per_customer");
  // Margin must be within (0, 1]: 0, 1.2, −0.1 and NaN are errors; 1 is fine.
  for (const double m : {0.0, 1.2, -0.1, std::nan("")}) {
    CHECK(thrown([m] { (void)crm::cac_payback_months(84.0, 20.0, m); }).where().column ==
          "gross_margin");
  }
  CHECK(val(crm::cac_payback_months(84.0, 21.0, 1.0)) == 4.0);  // 84 / 21
}

// ---------------------------------------------------------------- ltv_cac_ratio

TEST_CASE("ltv_cac_ratio: LTV over CAC", "[cost][values]") {
  CHECK(val(crm::ltv_cac_ratio(315.0, 84.0)) == 3.75);  // 315 / 84 = 3.75 (3.75 × 84 = 315)
  CHECK(val(crm::ltv_cac_ratio(0.0, 84.0)) == 0.0);
  CHECK_FALSE(crm::ltv_cac_ratio(315.0, 0.0));
}

TEST_CASE("ltv_cac_ratio: negative or non-finite arguments are named", "[cost][errors]") {
  CHECK(thrown([] { (void)crm::ltv_cac_ratio(-1.0, 84.0); }).where().column == "ltv");
  CHECK(thrown([] { (void)crm::ltv_cac_ratio(inf, 84.0); }).where().column == "ltv");
  CHECK(thrown([] { (void)crm::ltv_cac_ratio(315.0, -84.0); }).where().column == "cac");
  CHECK(thrown([] { (void)crm::ltv_cac_ratio(315.0, std::nan("")); }).where().column == "cac");
}

// ---------------------------------------------------------------- retention_actions

TEST_CASE("retention_actions: success rate and cost, pending in the base by default",
          "[cost][values]") {
  // Outcomes lost, retained, lost, retained, pending with costs 20, 30, 15, 25, 10 = 100.00.
  // Success 2 / 5 = 0.4 (pending in the base); retention cost 100 / 2 = 50.
  const std::vector<outcome> o{outcome::lost, outcome::retained, outcome::lost, outcome::retained,
                               outcome::pending};
  const std::vector<std::int64_t> cost{200'000, 300'000, 150'000, 250'000, 100'000};
  const crm::retention_result r = crm::retention_actions({o, cost});
  CHECK(r.success.hits == 2);
  CHECK(r.success.n == 5);
  CHECK(val(r.success.value()) == Approx(0.4));
  CHECK(r.pending == 1);
  CHECK(r.has_cost);
  CHECK(r.cost_e4 == 1'000'000);
  CHECK(r.missing_cost == 0);
  CHECK(val(r.cost_per_retained()) == 50.0);
}

TEST_CASE("retention_actions: exclude_pending keeps only decided actions", "[cost][values]") {
  // Same outcomes: decided = 4 (2 retained, 2 lost) → 2 / 4 = 0.5; pending still counted (1).
  const std::vector<outcome> o{outcome::lost, outcome::retained, outcome::lost, outcome::retained,
                               outcome::pending};
  crm::retention_options decided;
  decided.exclude_pending = true;
  const crm::retention_result r = crm::retention_actions({o, {}}, decided);
  CHECK(r.success.n == 4);
  CHECK(val(r.success.value()) == 0.5);
  CHECK(r.pending == 1);
  // Only pending actions: in the base by default (0 of 2 = 0), no base when excluded (nullopt).
  const std::vector<outcome> open{outcome::pending, outcome::pending};
  CHECK(val(crm::retention_actions({open, {}}).success.value()) == 0.0);
  CHECK_FALSE(crm::retention_actions({open, {}}, decided).success.value());
}

TEST_CASE("retention_actions: missing costs are counted, not summed", "[cost][edge]") {
  // Costs 15, missing, 25, missing over retained, retained, lost, pending: Σ known = 40,
  // 2 missing; cost per retained 40 / 2 = 20.
  const std::vector<outcome> o{outcome::retained, outcome::retained, outcome::lost,
                               outcome::pending};
  const std::vector<std::int64_t> cost{150'000, missing, 250'000, missing};
  const crm::retention_result r = crm::retention_actions({o, cost});
  CHECK(r.cost_e4 == 400'000);
  CHECK(r.missing_cost == 2);
  CHECK(val(r.cost_per_retained()) == 20.0);
}

TEST_CASE("retention_actions: no cost column, nobody retained, no actions", "[cost][edge]") {
  const std::vector<outcome> o{outcome::retained, outcome::lost};
  const crm::retention_result no_cost = crm::retention_actions({o, {}});
  CHECK_FALSE(no_cost.has_cost);
  CHECK_FALSE(no_cost.cost_per_retained());
  CHECK(no_cost.success.hits == 1);
  // Costs but nobody retained: cost per retained undefined, the cost itself is known.
  const std::vector<outcome> lost{outcome::lost, outcome::pending};
  const std::vector<std::int64_t> cost{10'000, 20'000};
  const crm::retention_result none = crm::retention_actions({lost, cost});
  CHECK(none.cost_e4 == 30'000);
  CHECK_FALSE(none.cost_per_retained());
  // No actions at all: no rate.
  const crm::retention_result empty = crm::retention_actions({});
  CHECK(empty.success.n == 0);
  CHECK_FALSE(empty.success.value());
  CHECK_FALSE(empty.cost_per_retained());
}

TEST_CASE("retention_actions: bad rows are errors naming column and row", "[cost][errors]") {
  const std::vector<outcome> o{outcome::retained, outcome::lost, outcome::retained};
  // Row 1: a negative cost.
  const std::vector<std::int64_t> negative{10'000, -1, 10'000};
  const crm::invalid_input e = thrown([&] { (void)crm::retention_actions({o, negative}); });
  CHECK(e.where().column == "cost");
  CHECK(e.where().row == 1);
  CHECK_THAT(e.reason(), Contains("negative"));
  // Row 2: an outcome byte outside the enum.
  const std::vector<outcome> odd{outcome::retained, outcome::lost, static_cast<outcome>(7)};
  const crm::invalid_input f = thrown([&] { (void)crm::retention_actions({odd, {}}); });
  CHECK(f.where().column == "outcome");
  CHECK(f.where().row == 2);
  CHECK(f.where().value == "7");
  // Lengths differ.
  const std::vector<std::int64_t> two{10'000, 10'000};
  CHECK_THROWS_AS(crm::retention_actions({o, two}), crm::invalid_input);
  // Costs that add up beyond int64 (max + 1): row 1.
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::vector<std::int64_t> huge{big, 1, 0};
  CHECK(thrown([&] { (void)crm::retention_actions({o, huge}); }).where().row == 1);
}
