// Orders grouped by customer and the per-customer accumulators over them (period_tables,
// churn_counter, upsell_counter). Figures worked out by hand on the fixture of order_fixture.hpp.

#include <algorithm>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"
#include "crm/retention.hpp"
#include "crm/value.hpp"

#include "order_fixture.hpp"

using fixture::churn_at;
using fixture::d;

namespace {

/// The fixture's rows in reverse order: grouping must not depend on the row order.
struct reversed_orders {
  fixture::orders o;
  reversed_orders() {
    std::reverse(o.customer.begin(), o.customer.end());
    std::reverse(o.day.begin(), o.day.end());
    std::reverse(o.amount.begin(), o.amount.end());
  }
};

}  // namespace

TEST_CASE("customer_orders: orders by customer, days ascending, in any row order", "[grouped]") {
  const reversed_orders r;
  const crm::customer_orders g(r.o.view());
  REQUIRE(g.customer_count() == 4);
  CHECK(g.size() == 6);
  // c0: Jan 5 (10), Feb 3 (30), Mar 20 (5); c1: Jan 20 (20), Mar 15 (25); c2: Mar 1 (8); c3: none.
  CHECK(std::vector<std::uint32_t>(g.offsets().begin(), g.offsets().end()) ==
        std::vector<std::uint32_t>{0, 3, 5, 6, 6});
  CHECK(std::vector<crm::day_t>(g.days(0).begin(), g.days(0).end()) ==
        std::vector<crm::day_t>{d(2024, 1, 5), d(2024, 2, 3), d(2024, 3, 20)});
  CHECK(std::vector<std::int64_t>(g.amounts(0).begin(), g.amounts(0).end()) ==
        std::vector<std::int64_t>{100000, 300000, 50000});
  CHECK(std::vector<std::int64_t>(g.amounts(1).begin(), g.amounts(1).end()) ==
        std::vector<std::int64_t>{200000, 250000});
  CHECK(g.days(3).empty());
  CHECK(g.amounts(3).empty());
  CHECK(g.min_day() == d(2024, 1, 5));
  CHECK(g.max_day() == d(2024, 3, 20));
  // 6 orders in 2 parts: c0's 3 orders, then the rest.
  CHECK(g.split(2) == std::vector<std::uint32_t>{0, 1, 4});
  CHECK(g.split(1) == std::vector<std::uint32_t>{0, 4});
}

TEST_CASE("customer_orders: equal days ordered by amount; no amounts; empty", "[grouped][edge]") {
  const std::vector<std::uint32_t> c{1, 0, 1, 1};
  const std::vector<crm::day_t> day{d(2024, 5, 2), d(2024, 5, 9), d(2024, 5, 1), d(2024, 5, 2)};
  const std::vector<std::int64_t> amount{700, 5, 900, 300};
  const crm::customer_orders g({c, day, amount, 2});
  CHECK(std::vector<crm::day_t>(g.days(1).begin(), g.days(1).end()) ==
        std::vector<crm::day_t>{d(2024, 5, 1), d(2024, 5, 2), d(2024, 5, 2)});
  CHECK(std::vector<std::int64_t>(g.amounts(1).begin(), g.amounts(1).end()) ==
        std::vector<std::int64_t>{900, 300, 700});
  const crm::customer_orders no_money({c, day, {}, 2});
  CHECK_FALSE(no_money.has_amount());
  CHECK(no_money.amounts(1).empty());
  CHECK(std::vector<crm::day_t>(no_money.days(1).begin(), no_money.days(1).end()) ==
        std::vector<crm::day_t>{d(2024, 5, 1), d(2024, 5, 2), d(2024, 5, 2)});
  const crm::customer_orders none({{}, {}, {}, 3});
  CHECK(none.size() == 0);
  CHECK(none.min_day() == crm::no_day);
  CHECK(none.split(2) == std::vector<std::uint32_t>{0, 0, 3});
  const std::vector<std::uint32_t> bad{0, 5};
  const std::vector<crm::day_t> two{d(2024, 1, 1), d(2024, 1, 2)};
  CHECK_THROWS_WITH(crm::customer_orders({bad, two, {}, 2}), Catch::Contains("row 1"));
}

TEST_CASE("customer_orders: 32-bit amounts, widened as they are grouped", "[grouped][edge]") {
  const std::vector<std::uint32_t> c{1, 0, 1, 1};
  const std::vector<crm::day_t> day{d(2024, 5, 2), d(2024, 5, 9), d(2024, 5, 1), d(2024, 5, 2)};
  // The widest 32-bit amounts (±214,748.3647) next to small ones; c1's days ascending, the two
  // May 2 orders by amount: -2147483647 before 2147483647.
  const std::vector<std::int32_t> amount{2147483647, 5, 900, -2147483647};
  const crm::customer_orders g({c, day, {}, 2}, amount);
  CHECK(g.has_amount());
  CHECK(std::vector<std::int64_t>(g.amounts(1).begin(), g.amounts(1).end()) ==
        std::vector<std::int64_t>{900, -2147483647, 2147483647});
  CHECK(std::vector<std::int64_t>(g.amounts(0).begin(), g.amounts(0).end()) ==
        std::vector<std::int64_t>{5});
  crm::customer_summary s(2);
  s.update(g);
  CHECK(s.spend()[1] == 900);  // -2147483647 + 2147483647 + 900, exact in int64
  const std::vector<std::int64_t> wide{1, 2, 3, 4};
  CHECK_THROWS_WITH(crm::customer_orders({c, day, wide, 2}, amount),
                    Catch::Contains("amounts given twice"));
  const std::vector<std::int32_t> short_amount{1, 2};
  CHECK_THROWS_WITH(crm::customer_orders({c, day, {}, 2}, short_amount),
                    Catch::Contains("differ in length"));
}

TEST_CASE("customer_summary: from grouped orders, the fixture's figures by hand", "[grouped]") {
  const reversed_orders r;
  crm::customer_summary s(4);
  s.update(crm::customer_orders(r.o.view()));
  // c0: first Jan 5, last Mar 20, 3 orders, 45.00; c1: Jan 20 .. Mar 15, 2, 45.00; c2: 8.00.
  CHECK(s.first_day()[0] == d(2024, 1, 5));
  CHECK(s.last_day()[0] == d(2024, 3, 20));
  CHECK(s.orders()[0] == 3);
  CHECK(s.spend()[0] == 450000);
  CHECK(s.spend()[1] == 450000);
  CHECK(s.orders()[3] == 0);
  CHECK(s.first_day()[3] == crm::no_day);
  CHECK(s.total_orders() == 6);
  CHECK(s.total_spend() == 980000);
  CHECK(s.min_day() == d(2024, 1, 5));
  CHECK(s.max_day() == d(2024, 3, 20));
  CHECK_THROWS_AS(crm::customer_summary(3).update(crm::customer_orders(r.o.view())),
                  crm::invalid_input);
}

// Fixture months: c0 Jan, Feb, Mar; c1 Jan, Mar; c2 Mar (as in retention_test.cpp).
TEST_CASE("period_tables: activity rows and cohorts, two customer ranges merged",
          "[grouped][retention]") {
  const reversed_orders r;
  const crm::customer_orders g(r.o.view());
  crm::period_tables t(crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20), true);
  crm::period_tables rest = t;
  t.add(g, 0, 1);
  rest.add(g, 1, 4);
  t.merge(rest);
  const std::vector<crm::period_row> rows = t.rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].active == 2);
  CHECK(rows[0].new_customers == 2);
  CHECK_FALSE(rows[0].retained.has_value());
  CHECK(rows[1].active == 1);
  CHECK(*rows[1].retained == 1);  // c0
  CHECK(*rows[1].retention == Approx(0.5));
  CHECK(rows[2].active == 3);
  CHECK(rows[2].new_customers == 1);  // c2
  CHECK(*rows[2].retained == 1);      // c0 (c1 skipped February)
  CHECK(rows[2].orders == 3);
  CHECK(rows[2].revenue_e4 == 380000);  // 8 + 25 + 5
  CHECK(*rows[2].arpu == Approx(38.0 / 3.0));
  const std::vector<crm::cohort_row> cohorts = t.cohorts();
  REQUIRE(cohorts.size() == 2);  // Jan {c0, c1}, Mar {c2}
  CHECK(cohorts[0].active == std::vector<std::uint64_t>{2, 1, 2});
  CHECK(cohorts[0].revenue_e4 == std::vector<std::int64_t>{300000, 300000, 300000});
  CHECK(crm::period_label(cohorts[1].cohort, crm::period_kind::month) == "2024-03");
  CHECK(cohorts[1].active == std::vector<std::uint64_t>{1});
  CHECK(cohorts[1].revenue_e4 == std::vector<std::int64_t>{80000});
}

TEST_CASE("period_tables: bad ranges, days and merges", "[grouped][retention][errors]") {
  const fixture::orders o;
  const crm::customer_orders g(o.view());
  crm::period_tables t(crm::period_kind::month, d(2024, 1, 5), d(2024, 2, 20), true);
  CHECK_THROWS_WITH(t.add(g, 0, 1), Catch::Contains("outside") && Catch::Contains("2024-03-20"));
  CHECK_THROWS_AS(t.add(g, 0, 5), crm::invalid_input);
  const crm::period_tables weekly(crm::period_kind::week, d(2024, 1, 5), d(2024, 2, 20), true);
  CHECK_THROWS_AS(t.merge(weekly), crm::invalid_input);
  CHECK_THROWS_AS(crm::period_tables(crm::period_kind::month, d(2024, 2, 1), d(2024, 1, 1), true),
                  crm::invalid_input);
  const crm::customer_orders no_money({o.customer, o.day, {}, 4});
  crm::period_tables money(crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20), true);
  CHECK_THROWS_WITH(money.add(no_money, 0, 4), Catch::Contains("amounts"));
  crm::period_tables counts(crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20), false);
  counts.add(no_money, 0, 4);
  CHECK(counts.rows()[2].active == 3);
  CHECK_FALSE(counts.rows()[2].arpu.has_value());
  CHECK(counts.cohorts()[0].revenue_e4.empty());
}

// Window 30 days, as in retention_test.cpp: c0 spells Jan 5 .. Mar 3 and Mar 20 .. Apr 18,
// c1 Jan 20 .. Feb 18 and Mar 15 .. Apr 13, c2 Mar 1 .. Mar 30; as_of Mar 21.
TEST_CASE("churn_counter: per customer range, merged, equals the hand count", "[grouped][churn]") {
  const reversed_orders r;
  const crm::customer_orders g(r.o.view());
  crm::churn_counter a(d(2024, 1, 5), churn_at(30));
  crm::churn_counter b = a;
  a.add(g, 2, 4);
  b.add(g, 0, 2);
  a.merge(b);
  const std::vector<crm::churn_row> rows = a.rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].new_customers == 2);
  CHECK(rows[1].at_start == 2);  // c0, c1 on Jan 31
  CHECK(rows[1].lost == 1);      // c1's spell ended Feb 18
  CHECK(rows[1].at_end == 1);
  CHECK(*rows[1].churn_rate == Approx(0.5));
  CHECK(rows[2].at_start == 1);
  CHECK(rows[2].lost == 0);
  CHECK(rows[2].at_end == 3);
  CHECK(rows[2].partial);
  crm::churn_options other = churn_at(10);
  CHECK_THROWS_AS(a.merge(crm::churn_counter(d(2024, 1, 5), other)), crm::invalid_input);
  CHECK_THROWS_AS(crm::churn_counter(d(2024, 3, 21), churn_at(30)), crm::invalid_input);
  crm::churn_counter late(d(2024, 2, 1), churn_at(30));
  CHECK_THROWS_WITH(late.add(g, 0, 1), Catch::Contains("2024-01-05"));
  crm::churn_counter zero(d(2024, 1, 5), churn_at(0));
  CHECK_THROWS_AS(zero.add(g, 0, 1), crm::invalid_input);
}

// By month: c0 Feb 30.00 then Mar 5.00 (fell); c1 Jan 20.00 then Mar 25.00 (grew); c2 one month.
TEST_CASE("upsell_counter: last active period vs the one before, ranges merged",
          "[grouped][value]") {
  const reversed_orders r;
  const crm::customer_orders g(r.o.view());
  crm::upsell_counter a(crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20));
  crm::upsell_counter b = a;
  a.add(g, 0, 1);
  b.add(g, 1, 4);
  a.merge(b);
  CHECK(a.result().base == 2);
  CHECK(a.result().upsold == 1);
  CHECK(*a.result().rate() == Approx(0.5));
  const crm::upsell_counter weekly(crm::period_kind::week, d(2024, 1, 5), d(2024, 3, 20));
  CHECK_THROWS_AS(a.merge(weekly), crm::invalid_input);
  crm::upsell_counter short_range(crm::period_kind::month, d(2024, 1, 5), d(2024, 2, 20));
  CHECK_THROWS_WITH(short_range.add(g, 0, 1), Catch::Contains("2024-03-20"));
  const crm::customer_orders no_money({r.o.customer, r.o.day, {}, 4});
  CHECK_THROWS_WITH(a.add(no_money, 0, 4), Catch::Contains("amounts"));
}

// 200,000 orders: row i is customer i % 1000 on day 2024-01-01 + i / 1000 for i (1/10000 units).
// Customer c: 200 orders on days 0..199, amounts c + 1000 j (j = 0..199), so its spend is
// 200 c + 1000 × (0 + 1 + ... + 199) = 200 c + 19,900,000.
TEST_CASE("customer_orders and customer_summary on two threads: the closed forms",
          "[grouped][accumulator]") {
  constexpr std::uint32_t rows = 200'000;
  constexpr std::uint32_t customers = 1000;
  std::vector<std::uint32_t> c(rows);
  std::vector<crm::day_t> day(rows);
  std::vector<std::int64_t> amount(rows);
  for (std::uint32_t i = 0; i < rows; ++i) {
    c[i] = i % customers;
    day[i] = d(2024, 1, 1) + static_cast<crm::day_t>(i / customers);
    amount[i] = i;
  }
  const crm::customer_orders g({c, day, amount, customers}, 2);
  REQUIRE(g.size() == rows);
  CHECK(g.min_day() == d(2024, 1, 1));
  CHECK(g.max_day() == d(2024, 1, 1) + 199);
  const auto days = g.days(7);
  const auto amounts = g.amounts(7);
  REQUIRE(days.size() == 200);
  CHECK(days.front() == d(2024, 1, 1));
  CHECK(days[100] == d(2024, 1, 1) + 100);
  CHECK(amounts[100] == 100'007);
  CHECK(std::is_sorted(days.begin(), days.end()));
  crm::customer_summary s(customers);
  s.update(g, 2);
  CHECK(s.total_orders() == rows);
  CHECK(s.total_spend() == std::int64_t{rows} * (rows - 1) / 2);
  for (const std::uint32_t k : {0U, 499U, 500U, 999U}) {
    CHECK(s.orders()[k] == 200);
    CHECK(s.first_day()[k] == d(2024, 1, 1));
    CHECK(s.last_day()[k] == d(2024, 1, 1) + 199);
    CHECK(s.spend()[k] == 200 * std::int64_t{k} + 19'900'000);
  }
}
