#include "crm/service.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/dates.hpp"
#include "crm/error.hpp"

namespace {

constexpr double na = std::numeric_limits<double>::quiet_NaN();
using Catch::Matchers::Contains;

constexpr std::int64_t at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return std::int64_t{crm::days_from_civil(y, m, d)} * 86400 + hh * 3600 + mm * 60;
}

/// The oracle: walks minute by minute and counts the working ones.
std::int64_t brute_force(std::int64_t start, std::int64_t end, const crm::business_calendar& c) {
  std::int64_t seconds = 0;
  for (std::int64_t t = start; t < end; t += 60) {
    const crm::day_t day = crm::day_of_seconds(t);
    const std::int64_t second = t - std::int64_t{day} * 86400;
    const unsigned w = crm::iso_weekday(day);
    bool holiday = false;
    for (const crm::day_t h : c.holidays) holiday = holiday || h == day;
    if (((c.working_days >> (w - 1)) & 1U) != 0 && !holiday && second >= c.open_second &&
        second < c.close_second) {
      seconds += std::min<std::int64_t>(60, end - t);
    }
  }
  return seconds;
}

}  // namespace

TEST_CASE("business_seconds: hand-worked spans on a 09:00-18:00 Monday-Friday calendar",
          "[service][calendar]") {
  const crm::business_calendar c;  // defaults: Mon-Fri, 09:00-18:00
  // 2024-03-08 is a Friday. Friday 17:00 → Monday 10:00: 1 h Friday + 1 h Monday = 7200 s.
  CHECK(crm::business_seconds(at(2024, 3, 8, 17), at(2024, 3, 11, 10), c) == 7200);
  // Within one day: Tuesday 10:15 → 11:45 = 90 min.
  CHECK(crm::business_seconds(at(2024, 3, 12, 10, 15), at(2024, 3, 12, 11, 45), c) == 5400);
  // Starts on Saturday, ends Monday 09:30: 30 min.
  CHECK(crm::business_seconds(at(2024, 3, 9, 12), at(2024, 3, 11, 9, 30), c) == 1800);
  // Ends before opening: Monday 07:00 → 08:00 = 0; end <= start = 0.
  CHECK(crm::business_seconds(at(2024, 3, 11, 7), at(2024, 3, 11, 8), c) == 0);
  CHECK(crm::business_seconds(at(2024, 3, 11, 12), at(2024, 3, 11, 10), c) == 0);
  // Two whole weeks Monday 00:00 → Monday 00:00: 10 days × 9 h.
  CHECK(crm::business_seconds(at(2024, 3, 4), at(2024, 3, 18), c) == 10 * 9 * 3600);
  // A holiday in the middle: Wednesday 2024-03-13 off → 9 days × 9 h.
  crm::business_calendar h = c;
  h.holidays = {crm::days_from_civil(2024, 3, 13), crm::days_from_civil(2024, 3, 13),
                crm::days_from_civil(2024, 3, 16)};  // duplicate, and a Saturday: no effect
  CHECK(crm::business_seconds(at(2024, 3, 4), at(2024, 3, 18), h) == 9 * 9 * 3600);
}

TEST_CASE("business_seconds: equals a minute-by-minute count on random spans",
          "[service][calendar]") {
  crm::business_calendar c;
  c.working_days = 0x3F;  // Monday to Saturday
  c.open_second = 8 * 3600 + 30 * 60;
  c.close_second = 17 * 3600;
  c.holidays = {crm::days_from_civil(2024, 5, 1), crm::days_from_civil(2024, 5, 20),
                crm::days_from_civil(2024, 4, 1)};
  std::mt19937_64 rng(20241122);
  std::uniform_int_distribution<std::int64_t> start(at(2024, 3, 25), at(2024, 5, 25));
  std::uniform_int_distribution<std::int64_t> length(0, 20 * 86400);
  for (int i = 0; i < 200; ++i) {
    const std::int64_t s = start(rng) / 60 * 60;  // whole minutes for the oracle
    const std::int64_t e = s + length(rng) / 60 * 60;
    INFO("span " << s << " .. " << e);
    CHECK(crm::business_seconds(s, e, c) == brute_force(s, e, c));
  }
}

TEST_CASE("business_calendar: invalid windows are errors", "[service][calendar][errors]") {
  crm::business_calendar night;
  night.open_second = 22 * 3600;
  night.close_second = 6 * 3600;  // overnight: not supported
  CHECK_THROWS_WITH(crm::validate(night), Contains("overnight"));
  crm::business_calendar none;
  none.working_days = 0;
  CHECK_THROWS_AS(crm::business_seconds(0, 1, none), crm::invalid_input);
}

TEST_CASE("quantile: type 7 as R's quantile()", "[service]") {
  // Rscript -e 'quantile(c(15,20,30,45,60,120,120), c(0.5, 0.9), type = 7)' → 45 120
  std::vector<double> v{120, 15, 60, 20, 120, 30, 45};
  CHECK(*crm::quantile(v, 0.5) == 45.0);
  CHECK(*crm::quantile(v, 0.9) == 120.0);
  // quantile(3.5, c(.5, .9)) → 3.5 3.5; quantile(c(1, 4), c(.5, .9)) → 2.5 3.7;
  // quantile(c(2, 2, 2, 9), 0.9) → 6.9 (ties).
  std::vector<double> one{3.5};
  CHECK(*crm::quantile(one, 0.9) == 3.5);
  std::vector<double> two{4, 1};
  CHECK(*crm::quantile(two, 0.5) == Approx(2.5));
  CHECK(*crm::quantile(two, 0.9) == Approx(3.7));
  std::vector<double> ties{2, 9, 2, 2};
  CHECK(*crm::quantile(ties, 0.9) == Approx(6.9));
  std::vector<double> empty;
  CHECK_FALSE(crm::quantile(empty, 0.5));
  CHECK_THROWS_AS(crm::quantile(two, 1.5), crm::invalid_input);
}

TEST_CASE("durations and summarize_durations: open tickets counted, not averaged", "[service]") {
  // Created 09:00; answered after 30 min, 2 h, never.
  const std::int64_t t0 = at(2024, 3, 5, 9);
  const std::vector<std::int64_t> created{t0, t0, t0};
  const std::vector<std::int64_t> answered{t0 + 1800, t0 + 7200, crm::no_time};
  const std::vector<double> d = crm::durations(created, answered, "first_response_at");
  CHECK(d[0] == 1800.0);
  CHECK(d[1] == 7200.0);
  CHECK(std::isnan(d[2]));
  const crm::duration_summary s = crm::summarize_durations(d);
  CHECK(s.n == 2);
  CHECK(s.open == 1);
  CHECK(*s.mean == 4500.0);
  CHECK(*s.median == 4500.0);
  CHECK(*s.p90 == Approx(1800.0 + 0.9 * 5400.0));
  // No tickets, or only open ones: nothing defined.
  const crm::duration_summary none = crm::summarize_durations(std::vector<double>{na});
  CHECK(none.n == 0);
  CHECK(none.open == 1);
  CHECK_FALSE(none.mean);
  CHECK_FALSE(none.median);
  // Business hours: created Friday 17:00, answered Monday 10:00 → 2 working hours.
  const crm::business_calendar c;
  const std::vector<std::int64_t> fri{at(2024, 3, 8, 17)};
  const std::vector<std::int64_t> mon{at(2024, 3, 11, 10)};
  CHECK(crm::durations(fri, mon, "first_response_at", &c)[0] == 7200.0);
}

TEST_CASE("durations: resolved before created, or without a creation time, is an error",
          "[service][errors]") {
  const std::vector<std::int64_t> created{at(2024, 1, 2, 10), at(2024, 1, 5, 10)};
  const std::vector<std::int64_t> resolved{at(2024, 1, 2, 12), at(2024, 1, 4, 9)};
  try {
    (void)crm::durations(created, resolved, "resolved_at");
    FAIL("no error");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().row == 1);
    CHECK(e.where().column == "resolved_at");
    CHECK_THAT(e.reason(), Contains("resolved before it was created"));
  }
  const std::vector<std::int64_t> unknown{crm::no_time};
  const std::vector<std::int64_t> done{at(2024, 1, 2)};
  CHECK_THROWS_WITH(crm::durations(unknown, done, "resolved_at"), Contains("no creation time"));
  CHECK_THROWS_AS(crm::summarize_durations(std::vector<double>{-1.0}), crm::invalid_input);
  const std::vector<std::int64_t> short_end{at(2024, 1, 2)};
  CHECK_THROWS_AS(crm::durations(created, short_end, "resolved_at"), crm::invalid_input);
}

TEST_CASE("resolution_rate and first_contact_resolution", "[service]") {
  const std::vector<std::uint8_t> resolved{1, 1, 1, 0, 1};
  CHECK(*crm::resolution_rate(resolved).value() == Approx(0.8));
  CHECK_FALSE(crm::resolution_rate(std::vector<std::uint8_t>{}).value());
  // Resolved tickets' reopen counts 0, 2, missing, 0: 2 never reopened of 3 known; 1 unknown.
  const std::int64_t missing = std::numeric_limits<std::int64_t>::min();
  const std::vector<std::int64_t> reopens{0, 2, missing, 7, 0};
  const crm::fcr_result f = crm::first_contact_resolution(resolved, reopens);
  CHECK(f.rate.n == 3);
  CHECK(f.rate.hits == 2);
  CHECK(f.unknown == 1);
  const std::vector<std::int64_t> negative{0, -1, 0, 0, 0};
  CHECK_THROWS_WITH(crm::first_contact_resolution(resolved, negative), Contains("negative"));
}
