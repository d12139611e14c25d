#include "crm/retention.hpp"

#include <algorithm>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

#include "order_fixture.hpp"

using fixture::churn_at;
using fixture::d;

namespace {

crm::period_activity monthly(const fixture::orders& o) {
  crm::period_activity a(4, crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20));
  a.update(o.view());
  return a;
}

}  // namespace

// Fixture months: c0 Jan, Feb, Mar; c1 Jan, Mar; c2 Mar.
TEST_CASE("activity_by_period: active, new, retained, retention", "[retention]") {
  const std::vector<crm::period_row> rows = crm::activity_by_period(monthly(fixture::orders{}));
  REQUIRE(rows.size() == 3);
  CHECK(crm::period_label(rows[0].period, crm::period_kind::month) == "2024-01");
  CHECK(rows[0].active == 2);
  CHECK(rows[0].new_customers == 2);
  CHECK_FALSE(rows[0].retained.has_value());  // no previous month
  CHECK_FALSE(rows[0].retention.has_value());
  CHECK(rows[1].active == 1);
  CHECK(*rows[1].retained == 1);             // c0
  CHECK(*rows[1].retention == Approx(0.5));  // 1 of Jan's 2
  CHECK(rows[2].active == 3);
  CHECK(rows[2].new_customers == 1);         // c2
  CHECK(*rows[2].retention == Approx(1.0));  // c0 of Feb's 1
  CHECK(rows[2].orders == 3);
  CHECK(rows[2].revenue_e4 == 380000);  // 8 + 25 + 5
  CHECK(*rows[2].arpu == Approx(38.0 / 3.0));
}

TEST_CASE("activity_by_period: a gap month has no retention", "[retention][edge]") {
  const std::vector<std::uint32_t> c{0, 0};
  const std::vector<crm::day_t> day{d(2024, 1, 10), d(2024, 3, 10)};
  const std::vector<std::int64_t> amount{10000, 10000};
  crm::period_activity a(1, crm::period_kind::month, day[0], day[1]);
  a.update({c, day, amount, 1});
  const std::vector<crm::period_row> rows = crm::activity_by_period(a);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].active == 0);
  CHECK(*rows[1].retention == Approx(0.0));    // 0 of Jan's 1
  CHECK_FALSE(rows[2].retention.has_value());  // Feb had nobody: undefined, not 0
  CHECK_FALSE(rows[1].arpu.has_value());
}

TEST_CASE("cohort_matrix: customers and revenue by first month", "[retention][cohorts]") {
  const fixture::orders o;
  const std::vector<crm::cohort_row> rows = crm::cohort_matrix(monthly(o), o.view());
  REQUIRE(rows.size() == 2);  // Jan {c0, c1}, Mar {c2}; Feb has no new customer
  CHECK(rows[0].size == 2);
  CHECK(rows[0].active == std::vector<std::uint64_t>{2, 1, 2});
  CHECK(rows[0].revenue_e4 == std::vector<std::int64_t>{300000, 300000, 300000});
  CHECK(rows[0].retention(1) == Approx(0.5));
  CHECK(crm::period_label(rows[1].cohort, crm::period_kind::month) == "2024-03");
  CHECK(rows[1].active == std::vector<std::uint64_t>{1});
  CHECK(rows[1].revenue_e4 == std::vector<std::int64_t>{80000});
}

TEST_CASE("period_activity: shards merged equal one pass (dense and sparse)",
          "[retention][accumulator]") {
  const fixture::orders o;
  crm::period_activity a(4, crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20));
  crm::period_activity b = a;
  a.update(o.rows(3, 6));
  b.update(o.rows(0, 3));
  a.merge(b);
  const auto one = crm::activity_by_period(monthly(o));
  const auto merged = crm::activity_by_period(a);
  for (std::size_t k = 0; k < one.size(); ++k) {
    CHECK(one[k].active == merged[k].active);
    CHECK(one[k].new_customers == merged[k].new_customers);
    CHECK(one[k].retained == merged[k].retained);
    CHECK(one[k].revenue_e4 == merged[k].revenue_e4);
  }
  // 20 million customers × 76 day periods (2 words each) exceed the dense budget: sparse pairs.
  crm::period_activity s1(20'000'000, crm::period_kind::day, d(2024, 1, 5), d(2024, 3, 20));
  crm::period_activity s2 = s1;
  crm::orders_view v1 = o.rows(0, 4);
  crm::orders_view v2 = o.rows(4, 6);
  v1.customer_count = v2.customer_count = 20'000'000;
  s1.update(v1);
  s2.update(v2);
  s1.merge(s2);
  CHECK(s1.active(0, crm::period_index(d(2024, 3, 20), crm::period_kind::day)));
  CHECK_FALSE(s1.active(0, crm::period_index(d(2024, 3, 19), crm::period_kind::day)));
  CHECK(*s1.first_active(1) == crm::period_index(d(2024, 1, 20), crm::period_kind::day));
  const auto days = crm::activity_by_period(s1);
  CHECK(days.size() == 76);
  CHECK(days.back().active == 1);  // c0 on Mar 20
}

TEST_CASE("period_activity: orders outside the range are rejected", "[retention][errors]") {
  const fixture::orders o;
  crm::period_activity a(4, crm::period_kind::month, d(2024, 1, 5), d(2024, 2, 20));
  CHECK_THROWS_WITH(a.update(o.view()), Catch::Contains("outside") && Catch::Contains("row 3"));
  CHECK_THROWS_AS(crm::period_activity(4, crm::period_kind::month, d(2024, 2, 1), d(2024, 1, 1)),
                  crm::invalid_input);
}

// Inactivity window 30 days (active on t when an order falls in (t - 30, t]):
//   c0 spells Jan 5 .. Mar 3 (Jan 5 + 29, extended by Feb 3) and Mar 20 .. Apr 18
//   c1 spells Jan 20 .. Feb 18 and Mar 15 .. Apr 13;  c2 Mar 1 .. Mar 30
// as_of Mar 21: March ends on Mar 20 (partial).
TEST_CASE("churn_by_inactivity: lost customers per month, three denominators", "[churn]") {
  const fixture::orders o;
  crm::customer_summary s(4);
  s.update(o.view());
  crm::churn_options c = churn_at(30);
  std::vector<crm::churn_row> rows = crm::churn_by_inactivity(o.view(), s, c);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].at_start == 0);
  CHECK(rows[0].new_customers == 2);
  CHECK_FALSE(rows[0].churn_rate.has_value());  // nobody to lose: undefined, not 0
  CHECK(rows[1].at_start == 2);                 // c0, c1 on Jan 31
  CHECK(rows[1].lost == 1);                     // c1's spell ended Feb 18
  CHECK(rows[1].at_end == 1);
  CHECK(*rows[1].churn_rate == Approx(0.5));
  CHECK(*rows[1].retention_rate == Approx(0.5));
  CHECK(rows[2].at_start == 1);  // c0 on Feb 29
  CHECK(rows[2].lost == 0);      // c0 ordered again on Mar 20
  CHECK(rows[2].at_end == 3);
  CHECK(rows[2].partial);
  CHECK(*rows[2].churn_rate == Approx(0.0));
  c.base = crm::churn_base::average;  // Feb: 1 / ((2 + 1) / 2)
  rows = crm::churn_by_inactivity(o.view(), s, c);
  CHECK(*rows[1].churn_rate == Approx(2.0 / 3.0));
  c.base = crm::churn_base::start_plus_new;  // Mar: 0 / (1 + 1)
  rows = crm::churn_by_inactivity(o.view(), s, c);
  CHECK(*rows[2].churn_rate == Approx(0.0));
  CHECK(*rows[0].churn_rate == Approx(0.0));  // Jan: 0 / (0 + 2)
}

TEST_CASE("churn_by_inactivity: customers who join and lapse in one period", "[churn]") {
  const fixture::orders o;
  crm::customer_summary s(4);
  s.update(o.view());
  // Window 10: c0 Jan 5..14, Feb 3..12, Mar 20..29; c1 Jan 20..29, Mar 15..24; c2 Mar 1..10.
  crm::churn_options c = churn_at(10);
  std::vector<crm::churn_row> rows = crm::churn_by_inactivity(o.view(), s, c);
  CHECK(rows[0].lost == 0);  // new customers are not counted by default
  CHECK_FALSE(rows[0].churn_rate.has_value());
  c.include_new = true;  // Jan: c0, c1 joined and lapsed by Jan 31
  rows = crm::churn_by_inactivity(o.view(), s, c);
  CHECK(rows[0].lost == 2);
  CHECK(*rows[0].churn_rate == Approx(1.0));  // 2 / (0 + 2)
  CHECK(rows[2].lost == 1);                   // c2 joined Mar 1, inactive on Mar 20
  CHECK(*rows[2].churn_rate == Approx(1.0));  // 1 / (0 + 1)
}

TEST_CASE("churn_by_inactivity: bad input", "[churn][errors]") {
  const fixture::orders o;
  crm::customer_summary s(4);
  s.update(o.view());
  crm::churn_options c = churn_at(30);
  c.as_of = d(2024, 3, 20);  // not after the last order
  CHECK_THROWS_AS(crm::churn_by_inactivity(o.view(), s, c), crm::invalid_input);
  c = churn_at(0);
  CHECK_THROWS_AS(crm::churn_by_inactivity(o.view(), s, c), crm::invalid_input);
  CHECK(crm::churn_by_inactivity({}, crm::customer_summary(0), churn_at(30)).empty());
}

// A created Jan 10, churned Feb 15; B created Jan 20, not churned; C created Feb 5, churned
// Feb 20; D created unknown. as_of Mar 1.
TEST_CASE("churn_by_dates: from a customers table", "[churn]") {
  const std::vector<crm::day_t> created{d(2024, 1, 10), d(2024, 1, 20), d(2024, 2, 5), crm::no_day};
  const std::vector<crm::day_t> churned{d(2024, 2, 15), crm::no_day, d(2024, 2, 20), crm::no_day};
  crm::churn_options c;
  c.as_of = d(2024, 3, 1);
  std::vector<crm::churn_row> rows = crm::churn_by_dates(created, churned, c);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].new_customers == 2);
  CHECK(rows[0].at_end == 2);
  CHECK(rows[1].at_start == 2);
  CHECK(rows[1].new_customers == 1);
  CHECK(rows[1].lost == 1);  // A; C joined and left within February
  CHECK(rows[1].at_end == 1);
  CHECK_FALSE(rows[1].partial);
  CHECK(*rows[1].churn_rate == Approx(0.5));
  c.include_new = true;
  rows = crm::churn_by_dates(created, churned, c);
  CHECK(*rows[1].churn_rate == Approx(2.0 / 3.0));  // (A + C) / (2 + 1)
  const std::vector<crm::day_t> before{d(2024, 1, 5), crm::no_day, crm::no_day, crm::no_day};
  CHECK_THROWS_WITH(crm::churn_by_dates(created, before, c), Catch::Contains("row 0"));
}

TEST_CASE("per_period_churn: compounding, never a plain average", "[churn]") {
  CHECK(*crm::per_period_churn(0.5, 12) == Approx(0.05612568731830647));  // 1 - 0.5^(1/12)
  CHECK(*crm::per_period_churn(0.0, 12) == 0.0);
  CHECK_FALSE(crm::per_period_churn(1.5, 12).has_value());
  CHECK_FALSE(crm::per_period_churn(0.5, 0).has_value());
}

TEST_CASE("activity, cohorts and churn: a single order", "[retention][edge]") {
  const std::vector<std::uint32_t> c{0};
  const std::vector<crm::day_t> day{d(2024, 5, 17)};
  const std::vector<std::int64_t> amount{123400};
  const crm::orders_view v{c, day, amount, 1};
  crm::period_activity a(1, crm::period_kind::week, day[0], day[0]);
  a.update(v);
  const auto rows = crm::activity_by_period(a);
  REQUIRE(rows.size() == 1);
  CHECK(crm::period_label(rows[0].period, crm::period_kind::week) == "2024-W20");
  CHECK(rows[0].active == 1);
  CHECK(rows[0].new_customers == 1);
  CHECK_FALSE(rows[0].retention.has_value());
  CHECK(*rows[0].arpu == Approx(12.34));
  const auto cohorts = crm::cohort_matrix(a, v);
  REQUIRE(cohorts.size() == 1);
  CHECK(cohorts[0].active == std::vector<std::uint64_t>{1});
  crm::customer_summary s(1);
  s.update(v);
  crm::churn_options o;
  o.as_of = d(2024, 5, 18);
  const auto churn = crm::churn_by_inactivity(v, s, o);
  REQUIRE(churn.size() == 1);  // May 2024, partial
  CHECK(churn[0].partial);
  CHECK(churn[0].new_customers == 1);
  CHECK_FALSE(churn[0].churn_rate.has_value());  // nobody active at the start
}
