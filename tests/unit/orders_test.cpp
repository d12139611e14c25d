#include "crm/orders.hpp"

#include <catch2/catch.hpp>

#include "crm/error.hpp"

#include "order_fixture.hpp"

using fixture::d;

TEST_CASE("customer_summary: first, last, orders and spend per customer", "[orders]") {
  const fixture::orders o;
  crm::customer_summary s(4);
  s.update(o.view());
  CHECK(s.first_day()[0] == d(2024, 1, 5));
  CHECK(s.last_day()[0] == d(2024, 3, 20));
  CHECK(s.orders()[0] == 3);
  CHECK(s.spend()[0] == 450000);  // 10 + 30 + 5
  CHECK(s.orders()[1] == 2);
  CHECK(s.spend()[1] == 450000);  // 20 + 25
  CHECK(s.first_day()[3] == crm::no_day);
  CHECK(s.orders()[3] == 0);
  CHECK(s.customers_with_orders() == 3);
  CHECK(s.total_orders() == 6);
  CHECK(s.total_spend() == 980000);
  CHECK(s.min_day() == d(2024, 1, 5));
  CHECK(s.max_day() == d(2024, 3, 20));
}

TEST_CASE("customer_summary: shards merged equal one pass, in any order", "[orders][accumulator]") {
  const fixture::orders o;
  crm::customer_summary one(4);
  one.update(o.view());
  crm::customer_summary a(4), b(4), c(4);
  a.update(o.rows(4, 6));
  b.update(o.rows(0, 2));
  c.update(o.rows(2, 4));
  c.merge(a);
  c.merge(b);
  CHECK(std::equal(one.first_day().begin(), one.first_day().end(), c.first_day().begin()));
  CHECK(std::equal(one.last_day().begin(), one.last_day().end(), c.last_day().begin()));
  CHECK(std::equal(one.orders().begin(), one.orders().end(), c.orders().begin()));
  CHECK(std::equal(one.spend().begin(), one.spend().end(), c.spend().begin()));
  CHECK(c.total_spend() == one.total_spend());
  CHECK(c.min_day() == one.min_day());
  CHECK(c.max_day() == one.max_day());
}

TEST_CASE("customer_summary: empty input has no day range", "[orders][edge]") {
  crm::customer_summary s(2);
  s.update({{}, {}, {}, 2});
  CHECK(s.total_orders() == 0);
  CHECK(s.customers_with_orders() == 0);
  CHECK(s.min_day() == crm::no_day);
  crm::customer_summary t(2);
  t.merge(s);
  CHECK(t.min_day() == crm::no_day);
}

TEST_CASE("customer_summary: bad views are rejected with the row", "[orders][errors]") {
  fixture::orders o;
  crm::customer_summary s(4);
  o.day.pop_back();
  CHECK_THROWS_AS(s.update(o.view()), crm::invalid_input);
  fixture::orders bad;
  bad.customer[2] = 4;  // not below customer_count
  CHECK_THROWS_WITH(s.update(bad.view()), Catch::Contains("customer") && Catch::Contains("4"));
  CHECK_THROWS_AS(s.merge(crm::customer_summary(3)), crm::invalid_input);
  const fixture::orders good;
  crm::orders_view v = good.view();
  v.customer_count = 5;
  CHECK_THROWS_AS(s.update(v), crm::invalid_input);
}
