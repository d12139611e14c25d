#include "crm/dates.hpp"

#include <catch2/catch.hpp>

using namespace crm;

TEST_CASE("days_from_civil: known anchors", "[dates]") {
  // `date -u -d 2024-01-05 +%s` = 1704412800, / 86400 = 19727.
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2024, 1, 5) == 19727);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  // 2000-03-01: `date -u -d 2000-03-01 +%s` = 951868800 -> 11017 days.
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(civil_from_days(19727) == civil_date{2024, 1, 5});
  CHECK(civil_from_days(-1) == civil_date{1969, 12, 31});
}

TEST_CASE("civil_from_days: round trip over 1900..2100", "[dates]") {
  for (day_t d = days_from_civil(1900, 1, 1); d <= days_from_civil(2100, 12, 31); ++d) {
    const civil_date c = civil_from_days(d);
    REQUIRE(days_from_civil(c.year, c.month, c.day) == d);
  }
}

TEST_CASE("is_valid_date: leap years and month ends", "[dates][edge]") {
  CHECK(is_valid_date(2024, 2, 29));
  CHECK_FALSE(is_valid_date(2023, 2, 29));
  CHECK(is_valid_date(2000, 2, 29));        // divisible by 400
  CHECK_FALSE(is_valid_date(1900, 2, 29));  // divisible by 100 only
  CHECK_FALSE(is_valid_date(2024, 4, 31));
  CHECK_FALSE(is_valid_date(2024, 13, 1));
  CHECK_FALSE(is_valid_date(2024, 0, 1));
}

TEST_CASE("parse_iso_date: strict form only", "[dates]") {
  CHECK(parse_iso_date("2024-01-05") == 19727);
  CHECK_FALSE(parse_iso_date("2024-1-5"));
  CHECK_FALSE(parse_iso_date("2024-02-30"));
  CHECK_FALSE(parse_iso_date("2024/01/05"));
  CHECK(format_date(19727) == "2024-01-05");
}

TEST_CASE("period_index: months, quarters, years and ISO weeks", "[dates]") {
  const day_t d = days_from_civil(2024, 3, 15);
  CHECK(period_index(d, period_kind::month) == 2024 * 12 + 2);
  CHECK(period_index(d, period_kind::quarter) == 2024 * 4 + 0);
  CHECK(period_index(d, period_kind::year) == 2024);
  CHECK(period_label(period_index(d, period_kind::month), period_kind::month) == "2024-03");
  CHECK(period_label(period_index(d, period_kind::quarter), period_kind::quarter) == "2024-Q1");
  CHECK(period_label(period_index(d, period_kind::year), period_kind::year) == "2024");
  CHECK(period_label(d, period_kind::day) == "2024-03-15");
  // 2024-03-15 is a Friday in ISO week 11 (`date -d 2024-03-15 +%G-W%V` = 2024-W11);
  // its week starts on Monday 2024-03-11.
  const std::int32_t w = period_index(d, period_kind::week);
  CHECK(period_label(w, period_kind::week) == "2024-W11");
  CHECK(period_start(w, period_kind::week) == days_from_civil(2024, 3, 11));
  // 2021-01-03 (Sunday) belongs to ISO week 2020-W53 (`date -d 2021-01-03 +%G-W%V`).
  CHECK(period_label(period_index(days_from_civil(2021, 1, 3), period_kind::week),
                     period_kind::week) == "2020-W53");
  // 1969-12-31 (Wednesday) falls in the week of Monday 1969-12-29: index -1 from the epoch week.
  CHECK(period_index(-1, period_kind::week) == 0);
  CHECK(period_index(-4, period_kind::week) == -1);
}

TEST_CASE("period_start: inverse of period_index for every kind", "[dates]") {
  for (const period_kind k : {period_kind::day, period_kind::week, period_kind::month,
                              period_kind::quarter, period_kind::year}) {
    for (day_t d = days_from_civil(1969, 1, 1); d < days_from_civil(1972, 1, 1); d += 5) {
      const std::int32_t i = period_index(d, k);
      REQUIRE(period_start(i, k) <= d);
      REQUIRE(period_index(period_start(i, k), k) == i);
      REQUIRE(period_index(period_start(i, k) - 1, k) == i - 1);
    }
  }
}

TEST_CASE("parse_period_kind: names and abbreviations", "[dates]") {
  CHECK(parse_period_kind("month") == period_kind::month);
  CHECK(parse_period_kind("q") == period_kind::quarter);
  CHECK_FALSE(parse_period_kind("fortnight"));
  CHECK(iso_weekday(0) == 4);  // 1970-01-01 was a Thursday
  CHECK(day_of_seconds(-1) == -1);
  CHECK(day_of_seconds(86399) == 0);
}
