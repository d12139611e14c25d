#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/acquisition.hpp"
#include "crm/cost.hpp"
#include "crm/error.hpp"

namespace {

using Catch::Matchers::Contains;
constexpr std::int64_t day = 86400;

}  // namespace

TEST_CASE("conversion_rate: by creation cohort, within N days", "[acquisition]") {
  // Four leads created at day 0; converted after 3 days, 10 days, never, 7 days exactly.
  const std::vector<std::int64_t> created{0, 0, 0, 0};
  const std::vector<std::int64_t> converted{3 * day, 10 * day, crm::no_time, 7 * day};
  const crm::leads_view leads{created, converted};
  const crm::proportion all = crm::conversion_rate(leads);
  CHECK(all.hits == 3);
  CHECK(all.n == 4);
  // Within 7 days: 3 and 7 (the boundary counts) → 2 of 4.
  CHECK(crm::conversion_rate(leads, 7).hits == 2);
  // Olist marketing funnel README: 842 closed deals of 8,000 MQLs = 0.10525.
  CHECK(*crm::proportion{842, 8000}.value() == Approx(0.10525));
  CHECK_FALSE(crm::conversion_rate(crm::leads_view{}).value());
}

TEST_CASE("time_to_convert_median_days: median of the converted leads", "[acquisition]") {
  // Converted after 3, 10 and 7 days → median 7; add 12 → (7 + 10) / 2 = 8.5.
  const std::vector<std::int64_t> created{0, 0, 0, 0, 0};
  std::vector<std::int64_t> converted{3 * day, 10 * day, crm::no_time, 7 * day, crm::no_time};
  CHECK(*crm::time_to_convert_median_days({created, converted}) == Approx(7.0));
  converted[4] = 12 * day;
  CHECK(*crm::time_to_convert_median_days({created, converted}) == Approx(8.5));
  const std::vector<std::int64_t> never{crm::no_time, crm::no_time, crm::no_time, crm::no_time,
                                        crm::no_time};
  CHECK_FALSE(crm::time_to_convert_median_days({created, never}));
}

TEST_CASE("leads: conversion before creation or a missing creation is an error naming the row",
          "[acquisition][errors]") {
  const std::vector<std::int64_t> created{5 * day, 5 * day};
  const std::vector<std::int64_t> converted{6 * day, 4 * day};
  try {
    (void)crm::conversion_rate({created, converted});
    FAIL("no error");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().row == 1);
    CHECK(e.where().column == "converted");
    CHECK_THAT(e.reason(), Contains("before it was created"));
  }
  const std::vector<std::int64_t> missing{crm::no_time};
  const std::vector<std::int64_t> none{crm::no_time};
  CHECK_THROWS_WITH(crm::conversion_rate({missing, none}), Contains("creation time"));
  const std::vector<std::int64_t> one{0};
  CHECK_THROWS_AS(crm::conversion_rate({created, one}), crm::invalid_input);
}

TEST_CASE("funnel: reached, stage-to-stage and cumulative conversion", "[acquisition]") {
  // Stages 0 lead, 1 qualified, 2 proposal, 3 won. Furthest stages: 0 0 1 1 2 3 3 -1.
  // Reached: stage 0 7, stage 1 5, stage 2 3, stage 3 2; unknown 1.
  const std::vector<std::int32_t> reached{0, 0, 1, 1, 2, 3, 3, -1};
  const crm::funnel_result f = crm::funnel(reached, 4);
  REQUIRE(f.steps.size() == 4);
  CHECK(f.unknown == 1);
  CHECK(f.steps[0].reached == 7);
  CHECK(f.steps[3].reached == 2);
  CHECK(*f.steps[1].from_previous == Approx(5.0 / 7.0));
  CHECK(*f.steps[2].from_previous == Approx(3.0 / 5.0));
  CHECK(*f.steps[3].from_first == Approx(2.0 / 7.0));
  // Empty: every rate undefined; bad indexes and no stages are errors.
  const crm::funnel_result empty = crm::funnel(std::vector<std::int32_t>{}, 2);
  CHECK_FALSE(empty.steps[1].from_first);
  CHECK_THROWS_AS(crm::funnel(std::vector<std::int32_t>{4}, 4), crm::invalid_input);
  CHECK_THROWS_AS(crm::funnel(std::vector<std::int32_t>{-2}, 4), crm::invalid_input);
  CHECK_THROWS_AS(crm::funnel(reached, 0), crm::invalid_input);
}

TEST_CASE("growth_rate: new-customer and customer-base growth", "[acquisition]") {
  CHECK(*crm::growth_rate(4, 5) == Approx(0.25));  // 4 → 5 new customers: +25 %
  CHECK(*crm::growth_rate(10, 7) == Approx(-0.3));
  CHECK_FALSE(crm::growth_rate(0, 3));
  CHECK_THROWS_AS(crm::growth_rate(-1, 3), crm::invalid_input);
}

TEST_CASE("cost metrics: CAC, CRC, ROI, ROAS, payback, LTV:CAC", "[cost]") {
  // Spend 1,010.00 over 12 new customers = 84.1667.
  CHECK(*crm::cac(10'100'000, 12) == Approx(1010.0 / 12.0));
  CHECK_FALSE(crm::cac(10'100'000, 0));
  CHECK(*crm::cac(0, 5) == 0.0);  // zero spend is a CAC of 0, not undefined
  CHECK_THROWS_WITH(crm::cac(-1, 5), Contains("acquisition_spend"));
  CHECK(*crm::crc(1'500'000, 2) == Approx(75.0));
  // Revenue 2,440.40 on spend 1,010: ROI 1.41624, ROAS 2.41624.
  CHECK(*crm::marketing_roi(24'404'000, 10'100'000) == Approx((2440.40 - 1010.0) / 1010.0));
  CHECK(*crm::roas(24'404'000, 10'100'000) == Approx(2440.40 / 1010.0));
  CHECK_FALSE(crm::roas(24'404'000, 0));
  CHECK(*crm::marketing_roi(0, 10'000) == Approx(-1.0));
  // Payback: CAC 84.17 / (monthly revenue 20 × margin 0.5) = 8.417 months.
  CHECK(*crm::cac_payback_months(84.17, 20.0, 0.5) == Approx(8.417));
  CHECK_FALSE(crm::cac_payback_months(84.17, 0.0, 0.5));
  CHECK_THROWS_AS(crm::cac_payback_months(84.17, 20.0, 0.0), crm::invalid_input);
  CHECK(*crm::ltv_cac_ratio(315.0, 84.0) == Approx(3.75));
  CHECK_FALSE(crm::ltv_cac_ratio(315.0, 0.0));
  CHECK_THROWS_AS(crm::ltv_cac_ratio(-1.0, 84.0), crm::invalid_input);
}

TEST_CASE("retention_actions: success rate, pending both ways, cost per retained", "[cost]") {
  using o = crm::retention_outcome;
  // lost, retained, lost, retained, pending; costs 15, 25, 20, 30, missing.
  const std::vector<o> outcome{o::lost, o::retained, o::lost, o::retained, o::pending};
  const std::int64_t missing = std::numeric_limits<std::int64_t>::min();
  const std::vector<std::int64_t> cost{150'000, 250'000, 200'000, 300'000, missing};
  const crm::retention_result r = crm::retention_actions({outcome, cost});
  CHECK(r.success.hits == 2);
  CHECK(r.success.n == 5);  // pending in the base (METRICS.md)
  CHECK(r.pending == 1);
  CHECK(r.missing_cost == 1);
  CHECK(*r.cost_per_retained() == Approx(90.0 / 2.0));
  crm::retention_options decided;
  decided.exclude_pending = true;
  CHECK(crm::retention_actions({outcome, cost}, decided).success.n == 4);
  // No cost column: no cost per retained; none retained: none either.
  CHECK_FALSE(crm::retention_actions({outcome, {}}).cost_per_retained());
  const std::vector<o> lost{o::lost};
  const std::vector<std::int64_t> some{10'000};
  CHECK_FALSE(crm::retention_actions({lost, some}).cost_per_retained());
  const std::vector<std::int64_t> negative{-1};
  CHECK_THROWS_AS(crm::retention_actions({lost, negative}), crm::invalid_input);
}
