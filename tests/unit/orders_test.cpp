#include "crm/orders.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

#include "order_fixture.hpp"

using fixture::d;

namespace {

/// Every per-customer column and every total of two summaries are equal.
bool same(const crm::customer_summary& a, const crm::customer_summary& b) {
  const auto eq = [](auto x, auto y) { return std::equal(x.begin(), x.end(), y.begin(), y.end()); };
  return eq(a.first_day(), b.first_day()) && eq(a.last_day(), b.last_day()) &&
         eq(a.orders(), b.orders()) && eq(a.spend(), b.spend()) &&
         a.total_orders() == b.total_orders() && a.total_spend() == b.total_spend() &&
         a.min_day() == b.min_day() && a.max_day() == b.max_day() &&
         a.customers_with_orders() == b.customers_with_orders() && a.has_amount() == b.has_amount();
}

/// F6 with its rows in the order `p`.
fixture::orders permuted(const std::vector<std::size_t>& p) {
  const fixture::orders o;
  fixture::orders out;
  for (std::size_t k = 0; k < p.size(); ++k) {
    out.customer[k] = o.customer[p[k]];
    out.day[k] = o.day[p[k]];
    out.amount[k] = o.amount[p[k]];
  }
  return out;
}

}  // namespace

TEST_CASE("customer_summary: first, last, orders and spend per customer", "[orders]") {
  const fixture::orders o;
  crm::customer_summary s(4);
  s.update(o.view());
  CHECK(s.customer_count() == 4);
  CHECK(s.first_day()[0] == d(2024, 1, 5));
  CHECK(s.last_day()[0] == d(2024, 3, 20));
  CHECK(s.orders()[0] == 3);
  CHECK(s.spend()[0] == 450000);  // 10 + 30 + 5
  CHECK(s.first_day()[1] == d(2024, 1, 20));
  CHECK(s.last_day()[1] == d(2024, 3, 15));
  CHECK(s.orders()[1] == 2);
  CHECK(s.spend()[1] == 450000);  // 20 + 25
  CHECK(s.first_day()[2] == d(2024, 3, 1));
  CHECK(s.last_day()[2] == d(2024, 3, 1));
  CHECK(s.spend()[2] == 80000);
  CHECK(s.first_day()[3] == crm::no_day);
  CHECK(s.last_day()[3] == crm::no_day);
  CHECK(s.orders()[3] == 0);
  CHECK(s.spend()[3] == 0);
  CHECK(s.customers_with_orders() == 3);
  CHECK(s.total_orders() == 6);
  CHECK(s.total_spend() == 980000);  // 45 + 45 + 8 = 98.00
  CHECK(s.min_day() == d(2024, 1, 5));
  CHECK(s.max_day() == d(2024, 3, 20));
  CHECK(s.has_amount());
}

TEST_CASE("customer_summary: 3 shards merged equal one pass, in any merge order",
          "[orders][accumulator]") {
  const fixture::orders o;
  crm::customer_summary one(4);
  one.update(o.view());
  crm::customer_summary a(4), b(4), c(4);
  a.update(o.rows(4, 6));
  b.update(o.rows(0, 2));
  c.update(o.rows(2, 4));
  crm::customer_summary abc = a;
  abc.merge(b);
  abc.merge(c);
  c.merge(a);
  c.merge(b);
  CHECK(same(one, abc));
  CHECK(same(one, c));
  // Several updates of one summary are the same as merges.
  crm::customer_summary seq(4);
  seq.update(o.rows(0, 3));
  seq.update(o.rows(3, 3));  // an empty chunk
  seq.update(o.rows(3, 6));
  CHECK(same(one, seq));
}

TEST_CASE("customer_summary: row order does not matter", "[orders][accumulator]") {
  crm::customer_summary one(4);
  one.update(fixture::orders{}.view());
  std::vector<std::size_t> p(6);
  std::iota(p.begin(), p.end(), std::size_t{0});
  bool all_same = true;
  do {  // all 720 orders of the 6 rows
    const fixture::orders o = permuted(p);
    crm::customer_summary s(4);
    s.update(o.view());
    all_same = all_same && same(one, s);
  } while (std::next_permutation(p.begin(), p.end()));
  CHECK(all_same);
}

TEST_CASE("customer_summary: empty input has no day range", "[orders][edge]") {
  crm::customer_summary s(2);
  s.update({{}, {}, {}, 2});
  CHECK(s.total_orders() == 0);
  CHECK(s.customers_with_orders() == 0);
  CHECK(s.min_day() == crm::no_day);
  CHECK(s.max_day() == crm::no_day);
  CHECK(s.has_amount());  // an empty chunk without amounts does not count as missing amounts
  crm::customer_summary t(2);
  t.merge(s);
  CHECK(t.min_day() == crm::no_day);
  crm::customer_summary none(0);
  none.update({{}, {}, {}, 0});
  CHECK(none.customer_count() == 0);
  CHECK(none.customers_with_orders() == 0);
}

TEST_CASE("customer_summary: one order, and merging into or from an empty summary",
          "[orders][edge]") {
  const std::vector<std::uint32_t> c{1};
  const std::vector<crm::day_t> day{d(1969, 12, 31)};  // day -1: negative days are ordinary
  const std::vector<std::int64_t> amount{-25000};      // a refund of 2.50
  crm::customer_summary s(3);
  s.update({c, day, amount, 3});
  CHECK(s.first_day()[1] == -1);
  CHECK(s.last_day()[1] == -1);
  CHECK(s.orders()[1] == 1);
  CHECK(s.spend()[1] == -25000);
  CHECK(s.total_spend() == -25000);
  CHECK(s.min_day() == -1);
  CHECK(s.max_day() == -1);
  crm::customer_summary empty(3);
  crm::customer_summary into = empty;
  into.merge(s);
  CHECK(same(into, s));
  s.merge(empty);
  CHECK(same(into, s));
}

TEST_CASE("customer_summary: orders without amounts", "[orders][edge]") {
  const fixture::orders o;
  crm::customer_summary s(4);
  s.update({o.customer, o.day, {}, 4});
  CHECK_FALSE(s.has_amount());
  CHECK(s.total_orders() == 6);
  CHECK(s.total_spend() == 0);
  CHECK(s.orders()[0] == 3);
  // A merge with a summary lacking amounts lacks them too.
  crm::customer_summary with(4);
  with.update(o.view());
  with.merge(s);
  CHECK_FALSE(with.has_amount());
  CHECK(with.total_orders() == 12);
}

TEST_CASE("customer_summary: bad views are rejected and leave the summary unchanged",
          "[orders][errors]") {
  const fixture::orders good;
  crm::customer_summary s(4);
  s.update(good.rows(0, 2));
  const crm::customer_summary before = s;
  fixture::orders o;
  o.day.pop_back();
  CHECK_THROWS_WITH(s.update(o.view()), Catch::Contains("day") && Catch::Contains("differ"));
  fixture::orders a;
  a.amount.push_back(1);
  CHECK_THROWS_WITH(s.update(a.view()), Catch::Contains("amount"));
  fixture::orders bad;
  bad.customer[2] = 4;  // not below customer_count
  CHECK_THROWS_WITH(s.update(bad.view()), Catch::Contains("row 2") && Catch::Contains("'4'"));
  crm::orders_view v = good.view();
  v.customer_count = 5;
  CHECK_THROWS_WITH(s.update(v), Catch::Contains("customer_count"));
  CHECK_THROWS_AS(s.merge(crm::customer_summary(3)), crm::invalid_input);
  CHECK(same(s, before));
}

TEST_CASE("validate: lengths and customer indices", "[orders][errors]") {
  const fixture::orders o;
  CHECK_NOTHROW(crm::validate(o.view(), "f"));
  CHECK_NOTHROW(crm::validate({o.customer, o.day, {}, 4}, "f"));  // no amount column
  CHECK_NOTHROW(crm::validate({}, "f"));
  crm::orders_view v = o.view();
  v.customer_count = 3;  // customer 3 is absent; the largest index is 2
  CHECK_NOTHROW(crm::validate(v, "f"));
  v.customer_count = 2;
  CHECK_THROWS_WITH(crm::validate(v, "my_function"),
                    Catch::Contains("my_function") && Catch::Contains("row 3"));
  v = o.view();
  v.day = v.day.subspan(1);
  CHECK_THROWS_WITH(crm::validate(v, "f"), Catch::Contains("'day'"));
  CHECK(o.view().has_amount());
  CHECK_FALSE(crm::orders_view{o.customer, o.day, {}, 4}.has_amount());
  CHECK(crm::orders_view{}.has_amount());  // no order: nothing is missing
  CHECK(crm::money_from_e4(123456) == 12.3456);
}
