// Acquisition kernels (include/crm/acquisition.hpp): every expected value is worked by hand in the
// comment beside it; the Olist headline comes from /work/shared/data/olist-marketing-funnel's
// README (842 closed deals of 8,000 MQLs = 0.10525).
#include "crm/acquisition.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {

using Catch::Matchers::Contains;
constexpr std::int64_t day = 86400;
constexpr std::int64_t hour = 3600;
constexpr std::int64_t never = crm::no_time;
// 2024-03-01 00:00:00 as local seconds: 19783 days × 86400 (`date -u -d 2024-03-01 +%s` =
// 1709251200 = 19783 × 86400).
constexpr std::int64_t mar1 = 1709251200;

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

// ---------------------------------------------------------------- conversion_rate

TEST_CASE("conversion_rate: converted leads over all leads of the cohort",
          "[acquisition][values]") {
  // Five leads created on 1 March at 0 h, 2 h, 4 h, 6 h, 8 h; three converted (1, 12, 30 days
  // later), two not yet. Rate = 3 / 5 = 0.6.
  const std::vector<std::int64_t> created{mar1, mar1 + 2 * hour, mar1 + 4 * hour, mar1 + 6 * hour,
                                          mar1 + 8 * hour};
  const std::vector<std::int64_t> converted{mar1 + day, never, mar1 + 4 * hour + 12 * day, never,
                                            mar1 + 8 * hour + 30 * day};
  const crm::proportion p = crm::conversion_rate({created, converted});
  CHECK(p.hits == 3);
  CHECK(p.n == 5);
  REQUIRE(p.value());
  CHECK(val(p.value()) == Approx(0.6));
}

TEST_CASE("conversion_rate: within_days counts a conversion exactly N days later",
          "[acquisition][edge]") {
  // Conversions after 7 d exactly, 7 d + 1 s, 0 s, 6 d 23:59:59, never.
  const std::vector<std::int64_t> created{mar1, mar1, mar1, mar1, mar1};
  const std::vector<std::int64_t> converted{mar1 + 7 * day, mar1 + 7 * day + 1, mar1,
                                            mar1 + 7 * day - 1, never};
  // Within 7 days: 7 d, 0 s, 6 d 23:59:59 → 3 of 5 (7 d + 1 s is out).
  const crm::proportion week = crm::conversion_rate({created, converted}, 7U);
  CHECK(week.hits == 3);
  CHECK(week.n == 5);
  // Within 0 days: only the same-instant conversion → 1 of 5.
  CHECK(crm::conversion_rate({created, converted}, 0U).hits == 1);
  // Without a window: all four conversions → 4 of 5.
  CHECK(crm::conversion_rate({created, converted}).hits == 4);
  // The largest window (4,294,967,295 days) keeps them all too.
  CHECK(
      crm::conversion_rate({created, converted}, std::numeric_limits<std::uint32_t>::max()).hits ==
      4);
}

TEST_CASE("conversion_rate: the Olist funnel headline 842 of 8,000 leads",
          "[acquisition][values]") {
  // README: 842 closed deals of 8,000 MQLs → 842 / 8000 = 0.10525 (both sides are the double
  // nearest 0.10525: the division is correctly rounded).
  const crm::proportion headline{842, 8000};
  REQUIRE(headline.value());
  CHECK(val(headline.value()) == 0.10525);
  // The same counts through the kernel: 8,000 leads, the first 842 converted a day later.
  const std::vector<std::int64_t> created(8000, mar1);
  std::vector<std::int64_t> converted(8000, never);
  for (std::size_t i = 0; i < 842; ++i) converted[i] = mar1 + day;
  const crm::proportion p = crm::conversion_rate({created, converted});
  CHECK(p.hits == 842);
  CHECK(p.n == 8000);
  CHECK(val(p.value()) == 0.10525);
}

TEST_CASE("conversion_rate: no leads is no rate, not 0 %", "[acquisition][edge]") {
  const crm::proportion p = crm::conversion_rate(crm::leads_view{});
  CHECK(p.n == 0);
  CHECK(p.hits == 0);
  CHECK_FALSE(p.value());
  // One lead, not converted: 0 of 1 is a real 0.
  const std::vector<std::int64_t> created{mar1};
  const std::vector<std::int64_t> converted{never};
  CHECK(val(crm::conversion_rate({created, converted}).value()) == 0.0);
}

TEST_CASE("conversion_rate: extreme timestamps do not overflow the elapsed time",
          "[acquisition][edge]") {
  // Created at −9e18 s, converted at +9e18 s: 1.8e19 s apart, beyond int64 but exact in uint64;
  // that is ~2.08e14 days, more than the largest window of 4.29e9 days.
  const std::vector<std::int64_t> created{-9'000'000'000'000'000'000, mar1};
  const std::vector<std::int64_t> converted{9'000'000'000'000'000'000, mar1 + day};
  CHECK(crm::conversion_rate({created, converted}).hits == 2);
  CHECK(
      crm::conversion_rate({created, converted}, std::numeric_limits<std::uint32_t>::max()).hits ==
      1);
}

TEST_CASE("conversion_rate: a conversion before creation names column converted and the row",
          "[acquisition][errors]") {
  // Row 2 converts one second before it was created.
  const std::vector<std::int64_t> created{mar1, mar1, mar1 + 10};
  const std::vector<std::int64_t> converted{mar1 + day, never, mar1 + 9};
  const crm::invalid_input e = thrown([&] { (void)crm::conversion_rate({created, converted}); });
  CHECK(e.where().source == "conversion_rate");
  CHECK(e.where().column == "converted");
  CHECK(e.where().row == 2);
  CHECK_THAT(e.reason(), Contains("before it was created"));
}

TEST_CASE("conversion_rate: a missing creation time names column created and the row",
          "[acquisition][errors]") {
  // Row 1 has no creation time (even without a conversion).
  const std::vector<std::int64_t> created{mar1, never};
  const std::vector<std::int64_t> converted{never, never};
  const crm::invalid_input e = thrown([&] { (void)crm::conversion_rate({created, converted}); });
  CHECK(e.where().column == "created");
  CHECK(e.where().row == 1);
  CHECK_THAT(e.reason(), Contains("creation time"));
}

TEST_CASE("conversion_rate: columns of different lengths are an error", "[acquisition][errors]") {
  const std::vector<std::int64_t> created{mar1, mar1};
  const std::vector<std::int64_t> converted{never};
  CHECK_THROWS_AS(crm::conversion_rate({created, converted}), crm::invalid_input);
  CHECK_THROWS_AS(crm::conversion_rate({{}, converted}), crm::invalid_input);
}

// ---------------------------------------------------------------- time_to_convert_median_days

TEST_CASE("time_to_convert_median_days: odd count is the middle value in days",
          "[acquisition][values]") {
  // Unsorted: 10 d, never, 36 h = 1.5 d, 3 d → sorted 1.5, 3, 10 → median 3.
  const std::vector<std::int64_t> created{mar1, mar1, mar1 + hour, mar1};
  const std::vector<std::int64_t> converted{mar1 + 10 * day, never, mar1 + hour + 36 * hour,
                                            mar1 + 3 * day};
  const std::optional<double> m = crm::time_to_convert_median_days({created, converted});
  REQUIRE(m);
  CHECK(val(m) == Approx(3.0));
}

TEST_CASE("time_to_convert_median_days: even count is the mean of the middle two",
          "[acquisition][values]") {
  // 2 d, 5 d, 12 h = 0.5 d, 20 d → sorted 0.5, 2, 5, 20 → (2 + 5) / 2 = 3.5 (type 7, h = 1.5).
  const std::vector<std::int64_t> created{mar1, mar1, mar1, mar1, mar1};
  const std::vector<std::int64_t> converted{mar1 + 2 * day, mar1 + 5 * day, never, mar1 + 12 * hour,
                                            mar1 + 20 * day};
  CHECK(val(crm::time_to_convert_median_days({created, converted})) == Approx(3.5));
  // Two conversions: 1 d and 2 d → 1.5.
  const std::vector<std::int64_t> two_created{mar1, mar1};
  const std::vector<std::int64_t> two{mar1 + day, mar1 + 2 * day};
  CHECK(val(crm::time_to_convert_median_days({two_created, two})) == Approx(1.5));
}

TEST_CASE("time_to_convert_median_days: none converted, one converted, same instant",
          "[acquisition][edge]") {
  const std::vector<std::int64_t> created{mar1, mar1};
  const std::vector<std::int64_t> none{never, never};
  CHECK_FALSE(crm::time_to_convert_median_days({created, none}));
  CHECK_FALSE(crm::time_to_convert_median_days(crm::leads_view{}));
  // One conversion after 90 minutes: 5400 / 86400 = 0.0625 days.
  const std::vector<std::int64_t> one{never, mar1 + 90 * 60};
  CHECK(val(crm::time_to_convert_median_days({created, one})) == Approx(0.0625));
  // Converted the instant it was created: 0 days, a value (not missing).
  const std::vector<std::int64_t> same{mar1, mar1};
  CHECK(val(crm::time_to_convert_median_days({created, same})) == 0.0);
}

TEST_CASE("time_to_convert_median_days: bad leads are errors naming this function",
          "[acquisition][errors]") {
  const std::vector<std::int64_t> created{mar1, mar1};
  const std::vector<std::int64_t> early{mar1 + day, mar1 - 1};
  const crm::invalid_input e = thrown([&] {
    (void)crm::time_to_convert_median_days({created, early});
  });
  CHECK(e.where().source == "time_to_convert_median_days");
  CHECK(e.where().column == "converted");
  CHECK(e.where().row == 1);
  const std::vector<std::int64_t> no_created{never, mar1};
  const std::vector<std::int64_t> converted{mar1, mar1};
  CHECK_THROWS_AS(crm::time_to_convert_median_days({no_created, converted}), crm::invalid_input);
}

// ---------------------------------------------------------------- funnel

TEST_CASE("funnel: reached counts a lead at every stage up to its furthest",
          "[acquisition][values]") {
  // Stages 0 new, 1 qualified, 2 proposal, 3 won. Furthest: 0 ×3, 1 ×2, 2 ×1, 3 ×4, unknown ×2.
  // Reached: stage 3 = 4; stage 2 = 4 + 1 = 5; stage 1 = 5 + 2 = 7; stage 0 = 7 + 3 = 10.
  const std::vector<std::int32_t> stage{3, 0, -1, 1, 3, 0, 2, 3, -1, 1, 0, 3};
  const crm::funnel_result f = crm::funnel(stage, 4);
  REQUIRE(f.steps.size() == 4);
  CHECK(f.unknown == 2);
  CHECK(f.steps[0].reached == 10);
  CHECK(f.steps[1].reached == 7);
  CHECK(f.steps[2].reached == 5);
  CHECK(f.steps[3].reached == 4);
  // Step rates: 7/10 = 0.7, 5/7 = 0.714285…, 4/5 = 0.8; stage 0 over itself = 1.
  CHECK(val(f.steps[0].from_previous) == 1.0);
  CHECK(val(f.steps[1].from_previous) == Approx(0.7));
  CHECK(val(f.steps[2].from_previous) == Approx(5.0 / 7.0));
  CHECK(val(f.steps[3].from_previous) == Approx(0.8));
  // Cumulative: 1, 0.7, 0.5, 0.4 (= 0.7 × 5/7 × 0.8).
  CHECK(val(f.steps[0].from_first) == 1.0);
  CHECK(val(f.steps[1].from_first) == Approx(0.7));
  CHECK(val(f.steps[2].from_first) == Approx(0.5));
  CHECK(val(f.steps[3].from_first) == Approx(0.4));
}

TEST_CASE("funnel: a stage nobody stopped at, and stages nobody reached", "[acquisition][edge]") {
  // 4 stages, furthest 0, 0, 2: nobody stopped at 1 but one lead passed it.
  // Reached: 3, 1, 1, 0. Steps: 1/3, 1/1 = 1, 0/1 = 0. Cumulative: 1/3, 1/3, 0/3 = 0.
  const std::vector<std::int32_t> stage{0, 2, 0};
  const crm::funnel_result f = crm::funnel(stage, 4);
  CHECK(f.steps[1].reached == 1);
  CHECK(val(f.steps[1].from_previous) == Approx(1.0 / 3.0));
  CHECK(val(f.steps[2].from_previous) == 1.0);
  CHECK(val(f.steps[3].from_previous) == 0.0);
  CHECK(val(f.steps[3].from_first) == 0.0);
  // Furthest 0 only: reached 2, 0, 0, 0. Stage 1's step is 0 / 2 = 0; stages 2 and 3 follow a
  // stage nobody reached, so their step rates are 0 / 0 = nullopt (not 0); cumulative 0 / 2 = 0.
  const std::vector<std::int32_t> first_only{0, 0};
  const crm::funnel_result g = crm::funnel(first_only, 4);
  CHECK(val(g.steps[1].from_previous) == 0.0);
  CHECK_FALSE(g.steps[2].from_previous);
  CHECK_FALSE(g.steps[3].from_previous);
  CHECK(val(g.steps[3].from_first) == 0.0);
}

TEST_CASE("funnel: no leads, only unknown leads, one stage", "[acquisition][edge]") {
  const crm::funnel_result empty = crm::funnel(std::vector<std::int32_t>{}, 3);
  REQUIRE(empty.steps.size() == 3);
  CHECK(empty.unknown == 0);
  for (const crm::funnel_step& s : empty.steps) {
    CHECK(s.reached == 0);
    CHECK_FALSE(s.from_previous);
    CHECK_FALSE(s.from_first);
  }
  // Every stage unknown: counted, left out of every step.
  const crm::funnel_result unknown = crm::funnel(std::vector<std::int32_t>{-1, -1, -1}, 2);
  CHECK(unknown.unknown == 3);
  CHECK(unknown.steps[0].reached == 0);
  CHECK_FALSE(unknown.steps[1].from_first);
  // One stage: everyone reached it, rate 1.
  const crm::funnel_result one = crm::funnel(std::vector<std::int32_t>{0, 0, -1}, 1);
  CHECK(one.steps[0].reached == 2);
  CHECK(val(one.steps[0].from_first) == 1.0);
}

TEST_CASE("funnel: zero stages and out-of-range indexes are errors naming the row",
          "[acquisition][errors]") {
  const std::vector<std::int32_t> stage{0, 1, 3};  // row 2: index 3 with 3 stages (0..2)
  const crm::invalid_input e = thrown([&] { (void)crm::funnel(stage, 3); });
  CHECK(e.where().column == "stage_reached");
  CHECK(e.where().row == 2);
  CHECK(e.where().value == "3");
  const std::vector<std::int32_t> below{0, -2};
  CHECK(thrown([&] { (void)crm::funnel(below, 3); }).where().row == 1);
  const std::vector<std::int32_t> lowest{std::numeric_limits<std::int32_t>::min()};
  CHECK_THROWS_AS(crm::funnel(lowest, 3), crm::invalid_input);
  CHECK(thrown([&] { (void)crm::funnel(stage, 0); }).where().column == "stages");
  CHECK_THROWS_AS(crm::funnel(std::vector<std::int32_t>{}, 0), crm::invalid_input);
}

// ---------------------------------------------------------------- growth_rate

TEST_CASE("growth_rate: new-customer and customer-base growth by hand", "[acquisition][values]") {
  // New customers 40 last month, 50 this month: (50 − 40) / 40 = 0.25.
  CHECK(val(crm::growth_rate(40, 50)) == Approx(0.25));
  // Base 1,200 at the start, 1,104 at the end: (1104 − 1200) / 1200 = −0.08.
  CHECK(val(crm::growth_rate(1200, 1104)) == Approx(-0.08));
  // Unchanged: 0; from 7 to none: −1; doubled: +1.
  CHECK(val(crm::growth_rate(7, 7)) == 0.0);
  CHECK(val(crm::growth_rate(7, 0)) == -1.0);
  CHECK(val(crm::growth_rate(7, 14)) == 1.0);
}

TEST_CASE("growth_rate: a zero base has no growth rate", "[acquisition][edge]") {
  CHECK_FALSE(crm::growth_rate(0, 5));
  CHECK_FALSE(crm::growth_rate(0, 0));
}

TEST_CASE("growth_rate: negative or non-finite counts name the argument", "[acquisition][errors]") {
  CHECK(thrown([] { (void)crm::growth_rate(-1, 5); }).where().column == "previous");
  CHECK(thrown([] { (void)crm::growth_rate(5, -1); }).where().column == "current");
  CHECK(thrown([] { (void)crm::growth_rate(std::nan(""), 5); }).where().column == "previous");
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(thrown([&] { (void)crm::growth_rate(5, inf); }).where().column == "current");
  CHECK_THROWS_AS(crm::growth_rate(-1, -1), crm::invalid_input);
}
