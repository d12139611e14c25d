#include "crm/value.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"
#include "crm/retention.hpp"

#include "order_fixture.hpp"

// Figures of the fixture F6 (order_fixture.hpp), by hand (2024 is a leap year):
//   customers with orders 3 (c3 has none), orders 6, revenue 10 + 20 + 30 + 8 + 25 + 5 = 98.00
//   spend c0 10 + 30 + 5 = 45, c1 20 + 25 = 45, c2 8
//   spans: c0 Jan 5 -> Mar 20 = 26 + 29 + 20 = 75 days, c1 Jan 20 -> Mar 15 = 11 + 29 + 15 = 55
//   days, c2 0 days; whole range Jan 5 .. Mar 20 = 76 days inclusive

namespace {

using fixture::d;

crm::customer_summary summary_of(const crm::orders_view& v) {
  crm::customer_summary s(v.customer_count);
  s.update(v);
  return s;
}

crm::customer_summary f6_summary() { return summary_of(fixture::orders{}.view()); }

Approx exact(double v) { return Approx(v).epsilon(1e-12); }

constexpr std::int64_t missing = std::numeric_limits<std::int64_t>::min();
constexpr std::uint32_t no_category = 0xFFFFFFFFU;

/// One order of 12.34 by customer 0 of 1 on 2024-01-01.
struct one_order {
  std::vector<std::uint32_t> customer{0};
  std::vector<crm::day_t> day{d(2024, 1, 1)};
  std::vector<std::int64_t> amount{123400};
  [[nodiscard]] crm::orders_view view() const { return {customer, day, amount, 1}; }
};

}  // namespace

TEST_CASE("totals, aov, purchase_frequency, arpu: worked example F6", "[value]") {
  const crm::order_totals t = crm::totals(f6_summary());
  CHECK(t.customers == 3);
  CHECK(t.orders == 6);
  CHECK(t.revenue_e4 == 980000);
  CHECK(t.first_day == d(2024, 1, 5));
  CHECK(t.last_day == d(2024, 3, 20));
  CHECK(t.has_amount);
  CHECK(*crm::aov(t) == exact(98.0 / 6.0));                                 // 16.333...
  CHECK(*crm::purchase_frequency(t) == exact(2.0));                         // 6 / 3
  CHECK(*crm::arpu(t) == exact(98.0 / 3.0));                                // 32.666...
  CHECK(*crm::purchase_frequency_per_year(t) == exact(9.611842105263158));  // 2 / (76 / 365.25)
}

TEST_CASE("totals, aov, purchase_frequency, arpu: undefined on empty input", "[value][edge]") {
  const crm::order_totals t = crm::totals(crm::customer_summary(0));
  CHECK(t.first_day == crm::no_day);
  CHECK_FALSE(crm::aov(t).has_value());
  CHECK_FALSE(crm::purchase_frequency(t).has_value());
  CHECK_FALSE(crm::purchase_frequency_per_year(t).has_value());
  CHECK_FALSE(crm::arpu(t).has_value());
  // Customers without any order: the same.
  const crm::order_totals none = crm::totals(crm::customer_summary(5));
  CHECK(none.customers == 0);
  CHECK_FALSE(crm::aov(none).has_value());
  CHECK_FALSE(crm::arpu(none).has_value());
}

TEST_CASE("value kernels: one order", "[value][edge]") {
  const one_order o;
  const crm::customer_summary s = summary_of(o.view());
  const crm::order_totals t = crm::totals(s);
  CHECK(*crm::aov(t) == exact(12.34));
  CHECK(*crm::arpu(t) == exact(12.34));
  CHECK(*crm::purchase_frequency(t) == 1.0);
  CHECK(*crm::purchase_frequency_per_year(t) == exact(365.25));  // 1 / (1 / 365.25)
  CHECK(*crm::repeat_purchase_rate(s) == 0.0);  // a real 0: one customer, no repeat
  CHECK(*crm::repeat_purchase_rate_within(o.view(), s, 30) == 0.0);
  CHECK(*crm::observed_lifespan_years(s) == 0.0);
  CHECK(*crm::clv_simple(s) == 0.0);  // observed span 0: W1's formula gives 0
  CHECK(*crm::top_revenue_share(s) == 1.0);
  CHECK_FALSE(crm::upsell(o.view(), crm::period_kind::month).rate().has_value());
}

TEST_CASE("aov, arpu, clv_simple, top_revenue_share: no amounts give nullopt, not 0",
          "[value][edge]") {
  const fixture::orders o;
  crm::customer_summary s(4);
  s.update({o.customer, o.day, {}, 4});
  const crm::order_totals t = crm::totals(s);
  CHECK_FALSE(t.has_amount);
  CHECK_FALSE(crm::aov(t).has_value());
  CHECK_FALSE(crm::arpu(t).has_value());
  CHECK(*crm::purchase_frequency(t) == exact(2.0));  // counts need no amount
  CHECK_FALSE(crm::clv_simple(s).has_value());
  CHECK_FALSE(crm::top_revenue_share(s).has_value());
  CHECK(crm::upsell({o.customer, o.day, {}, 4}, crm::period_kind::month).base == 0);
}

TEST_CASE("repeat_purchase_rate: whole range and within N days", "[value]") {
  const fixture::orders o;
  const crm::customer_summary s = f6_summary();
  CHECK(*crm::repeat_purchase_rate(s) == exact(2.0 / 3.0));  // c0 (3 orders), c1 (2) of 3
  // Within 30 days of the first order: c0 (Jan 5 -> Feb 3 = 29 days); c1 needs 55.
  CHECK(*crm::repeat_purchase_rate_within(o.view(), s, 30) == exact(1.0 / 3.0));
  CHECK(*crm::repeat_purchase_rate_within(o.view(), s, 29) == exact(1.0 / 3.0));  // inclusive
  CHECK(*crm::repeat_purchase_rate_within(o.view(), s, 28) == 0.0);
  CHECK(*crm::repeat_purchase_rate_within(o.view(), s, 55) == exact(2.0 / 3.0));
  CHECK_FALSE(crm::repeat_purchase_rate(crm::customer_summary(2)).has_value());
  const crm::customer_summary empty(4);
  CHECK_FALSE(crm::repeat_purchase_rate_within({{}, {}, {}, 4}, empty, 30).has_value());
}

TEST_CASE("repeat_purchase_rate_within: two orders on the first day repeat within 0 days",
          "[value][edge]") {
  const std::vector<std::uint32_t> c{1, 0, 0};
  const std::vector<crm::day_t> day{d(2024, 5, 1), d(2024, 5, 2), d(2024, 5, 2)};
  const crm::orders_view v{c, day, {}, 2};
  const crm::customer_summary s = summary_of(v);
  CHECK(*crm::repeat_purchase_rate_within(v, s, 0) == exact(0.5));  // c0 of {c0, c1}
}

TEST_CASE("repeat_purchase_rate_within: bad input", "[value][errors]") {
  fixture::orders o;
  const crm::customer_summary s = f6_summary();
  const crm::customer_summary three(3);
  CHECK_THROWS_WITH(crm::repeat_purchase_rate_within(o.view(), three, 30),
                    Catch::Contains("customer_count"));
  o.day[3] = d(2024, 2, 1);  // c2's only order moved before its first day in the summary
  CHECK_THROWS_WITH(crm::repeat_purchase_rate_within(o.view(), s, 30),
                    Catch::Contains("row 3") && Catch::Contains("2024-02-01"));
  o.day.pop_back();
  CHECK_THROWS_AS(crm::repeat_purchase_rate_within(o.view(), s, 30), crm::invalid_input);
  fixture::orders bad;
  bad.customer[1] = 7;
  CHECK_THROWS_WITH(crm::repeat_purchase_rate_within(bad.view(), s, 30),
                    Catch::Contains("row 1") && Catch::Contains("'7'"));
}

TEST_CASE("observed_lifespan_years: worked example F6", "[value][clv]") {
  // (75 + 55 + 0) / 3 = 43.333 days / 365.25 = 0.118640...
  CHECK(*crm::observed_lifespan_years(f6_summary()) == exact(130.0 / 3.0 / 365.25));
  CHECK_FALSE(crm::observed_lifespan_years(crm::customer_summary(3)).has_value());
}

TEST_CASE("clv_simple: observed span, churn and discounted variants on F6", "[value][clv]") {
  const crm::customer_summary s = f6_summary();
  // aov 98/6 × per year 2 / (76/365.25) × lifespan (130/3)/365.25
  //   = 98/6 × 2/76 × 130/3 = 25480 / 1368 = 18.625730994152047 (python3: 25480/1368)
  CHECK(*crm::clv_simple(s) == exact(25480.0 / 1368.0));
  crm::clv_options o;
  o.gross_margin = 0.4;  // 18.6257... × 0.4
  CHECK(*crm::clv_simple(s, o) == exact(25480.0 / 1368.0 * 0.4));
  o.gross_margin = 1.0;
  o.lifespan = crm::clv_lifespan::churn;
  CHECK_FALSE(crm::clv_simple(s, o).has_value());  // no churn rate given
  o.annual_churn_rate = 0.0;
  CHECK_FALSE(crm::clv_simple(s, o).has_value());  // infinite lifespan
  o.annual_churn_rate = 0.5;  // lifespan 2 years: 98/6 × 730.5/76 × 2 = 143178 / 456
  CHECK(*crm::clv_simple(s, o) == exact(143178.0 / 456.0));  // 313.98684...
  o.annual_churn_rate = 1.0;  // lifespan 1 year: the annual value 98/6 × 730.5/76 = 156.99...
  CHECK(*crm::clv_simple(s, o) == exact(98.0 / 6.0 * 730.5 / 76.0));
  o.lifespan = crm::clv_lifespan::discounted;
  o.annual_churn_rate = 0.5;  // r = 0.5, d = 0.1: × 0.5 / 0.6 -> 98 × 730.5 × 5 / (6 × 76 × 6)
  CHECK(*crm::clv_simple(s, o) == exact(357945.0 / 2736.0));  // 130.82785...
  o.gross_margin = 0.4;
  CHECK(*crm::clv_simple(s, o) == exact(357945.0 / 2736.0 * 0.4));
  o.annual_churn_rate = 1.0;  // r = 0: nobody stays a year, m·r = 0
  CHECK(*crm::clv_simple(s, o) == 0.0);
  o.annual_churn_rate.reset();
  CHECK_FALSE(crm::clv_simple(s, o).has_value());
  o.annual_churn_rate = 0.0;
  o.discount_rate = 0.0;  // r = 1, d = 0: 1 + d − r = 0, the sum diverges
  CHECK_FALSE(crm::clv_simple(s, o).has_value());
  o.annual_churn_rate = 0.2;
  o.discount_rate = -0.5;  // 1 − 0.5 − 0.8 < 0
  CHECK_FALSE(crm::clv_simple(s, o).has_value());
  CHECK_FALSE(crm::clv_simple(crm::customer_summary(2)).has_value());
}

TEST_CASE("clv_simple: options outside their range throw", "[value][clv][errors]") {
  const crm::customer_summary s = f6_summary();
  const auto with = [](auto set) {
    crm::clv_options o;
    set(o);
    return o;
  };
  CHECK_THROWS_WITH(crm::clv_simple(s, with([](auto& o) { o.gross_margin = 1.5; })),
                    Catch::Contains("gross_margin"));
  CHECK_THROWS_AS(crm::clv_simple(s, with([](auto& o) { o.gross_margin = -0.1; })),
                  crm::invalid_input);
  CHECK_THROWS_AS(crm::clv_simple(s, with([](auto& o) { o.gross_margin = std::nan(""); })),
                  crm::invalid_input);
  CHECK_THROWS_WITH(crm::clv_simple(s, with([](auto& o) { o.annual_churn_rate = 1.2; })),
                    Catch::Contains("annual_churn_rate"));
  CHECK_THROWS_AS(crm::clv_simple(s, with([](auto& o) { o.annual_churn_rate = -0.1; })),
                  crm::invalid_input);
  CHECK_THROWS_WITH(crm::clv_simple(s, with([](auto& o) { o.discount_rate = -1.0; })),
                    Catch::Contains("discount_rate"));
  // Checked even on an empty summary (bad options are a caller error, not missing data).
  CHECK_THROWS_AS(
      crm::clv_simple(crm::customer_summary(0), with([](auto& o) { o.gross_margin = 2.0; })),
      crm::invalid_input);
}

TEST_CASE("top_revenue_share: the top ceil(share × customers) customers", "[value]") {
  const crm::customer_summary s = f6_summary();
  // Spends 45, 45, 8 of 98. ceil(0.2 × 3) = 1 customer: 45 / 98.
  CHECK(*crm::top_revenue_share(s) == exact(45.0 / 98.0));
  CHECK(*crm::top_revenue_share(s, 0.5) == exact(90.0 / 98.0));  // ceil(1.5) = 2
  CHECK(*crm::top_revenue_share(s, 1.0) == 1.0);
  CHECK(*crm::top_revenue_share(s, 1e-9) == exact(45.0 / 98.0));  // at least one customer
  CHECK_FALSE(crm::top_revenue_share(crm::customer_summary(3)).has_value());
}

TEST_CASE("top_revenue_share: a share × n a hair above an integer is that integer",
          "[value][edge]") {
  // 100 customers spending 1..100 (total 5050). 0.07 × 100 is 7.000000000000001 in doubles
  // (python3: 0.07 * 100); the top 7 are 94..100 = 679, not the top 8 (679 + 93 = 772).
  std::vector<std::uint32_t> c(100);
  std::iota(c.begin(), c.end(), 0U);
  const std::vector<crm::day_t> day(100, d(2024, 1, 1));
  std::vector<std::int64_t> amount(100);
  for (std::size_t i = 0; i < 100; ++i) amount[i] = static_cast<std::int64_t>(i + 1) * 10000;
  std::reverse(amount.begin(), amount.end());  // the largest first: nth_element must still work
  const crm::customer_summary s = summary_of({c, day, amount, 100});
  CHECK(*crm::top_revenue_share(s, 0.07) == exact(679.0 / 5050.0));
  CHECK(*crm::top_revenue_share(s, 0.2) == exact(1810.0 / 5050.0));  // 81..100 = 20 × 90.5
}

TEST_CASE("top_revenue_share: revenue <= 0 and bad shares", "[value][edge][errors]") {
  const std::vector<std::uint32_t> c{0, 1};
  const std::vector<crm::day_t> day{d(2024, 1, 1), d(2024, 1, 2)};
  const std::vector<std::int64_t> refunds{-50000, 20000};  // total -3.00
  CHECK_FALSE(crm::top_revenue_share(summary_of({c, day, refunds, 2})).has_value());
  const std::vector<std::int64_t> zero{0, 0};
  CHECK_FALSE(crm::top_revenue_share(summary_of({c, day, zero, 2})).has_value());
  const crm::customer_summary s = f6_summary();
  for (const double bad : {0.0, -0.2, 1.01, std::nan("")}) {
    CHECK_THROWS_WITH(crm::top_revenue_share(s, bad), Catch::Contains("top_share"));
  }
}

TEST_CASE("cross_sell_counter: worked example F6", "[value][cross_sell]") {
  const fixture::orders o;
  const std::vector<std::uint32_t> category{0, 1, 1, 0, 1, no_category};
  // c0 rows 0, 2, 5: {0, 1, unknown} -> cross-buyer; c1 rows 1, 4: {1}; c2 row 3: {0}.
  crm::cross_sell_counter one(4);
  one.update(o.customer, category);
  CHECK(one.customers() == 3);
  CHECK(one.cross_buyers() == 1);
  CHECK(*one.rate() == exact(1.0 / 3.0));
  CHECK_FALSE(crm::cross_sell_counter(2).rate().has_value());
  // Only unknown categories: no base.
  crm::cross_sell_counter unknown(4);
  unknown.update(o.customer, std::vector<std::uint32_t>(6, no_category));
  CHECK(unknown.customers() == 0);
  CHECK_FALSE(unknown.rate().has_value());
}

TEST_CASE("cross_sell_counter: 3 shards merged equal one pass, in any row order",
          "[value][cross_sell][accumulator]") {
  // 8 rows; by hand: c0 {2} (twice), c1 {0, 3}, c2 {1, 1}, c3 {4} then unknown, c4 none.
  const std::vector<std::uint32_t> customer{0, 1, 2, 3, 1, 0, 2, 3};
  const std::vector<std::uint32_t> category{2, 0, 1, 4, 3, 2, 1, no_category};
  crm::cross_sell_counter one(5);
  one.update(customer, category);
  CHECK(one.customers() == 4);
  CHECK(one.cross_buyers() == 1);  // c1 only
  const std::span<const std::uint32_t> cu(customer);
  const std::span<const std::uint32_t> ca(category);
  // Shards [0, 3), [3, 5), [5, 8), merged in two different orders.
  crm::cross_sell_counter a(5), b(5), c(5);
  a.update(cu.subspan(0, 3), ca.subspan(0, 3));
  b.update(cu.subspan(3, 2), ca.subspan(3, 2));
  c.update(cu.subspan(5), ca.subspan(5));
  crm::cross_sell_counter abc = a;
  abc.merge(b);
  abc.merge(c);
  c.merge(a);
  c.merge(b);
  for (const crm::cross_sell_counter* m : {&abc, &c}) {
    CHECK(m->customers() == 4);
    CHECK(m->cross_buyers() == 1);
  }
  // c1's two categories split across shards: {0} and {3} merge into a cross-buyer.
  crm::cross_sell_counter x(5), y(5);
  x.update(cu.subspan(0, 2), ca.subspan(0, 2));
  y.update(cu.subspan(4, 1), ca.subspan(4, 1));
  x.merge(y);
  CHECK(x.cross_buyers() == 1);
  std::vector<std::size_t> order(customer.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::reverse(order.begin(), order.end());
  std::rotate(order.begin(), order.begin() + 3, order.end());
  std::vector<std::uint32_t> cu2, ca2;
  for (const std::size_t i : order) {
    cu2.push_back(customer[i]);
    ca2.push_back(category[i]);
  }
  crm::cross_sell_counter shuffled(5);
  shuffled.update(cu2, ca2);
  CHECK(shuffled.customers() == 4);
  CHECK(shuffled.cross_buyers() == 1);
}

TEST_CASE("cross_sell_counter: bad input throws and leaves the counter unchanged",
          "[value][cross_sell][errors]") {
  const std::vector<std::uint32_t> customer{0, 1, 3};
  const std::vector<std::uint32_t> category{0, 1, 1};
  crm::cross_sell_counter k(3);
  CHECK_THROWS_WITH(k.update(customer, category),
                    Catch::Contains("row 2") && Catch::Contains("'3'"));
  CHECK(k.customers() == 0);  // rows 0 and 1 were not applied
  CHECK_THROWS_WITH(k.update(std::span(customer).subspan(0, 2), category),
                    Catch::Contains("category"));
  CHECK_THROWS_AS(k.merge(crm::cross_sell_counter(4)), crm::invalid_input);
}

TEST_CASE("upsell: mean order value of the last active period vs the one before", "[value]") {
  const fixture::orders o;
  // Months: c0 Jan 10, Feb 30, Mar 5 -> Mar 5 < Feb 30: no. c1 Jan 20, Mar 25: 25 > 20: yes.
  // c2 one month: not in the base.
  const crm::upsell_result r = crm::upsell(o.view(), crm::period_kind::month);
  CHECK(r.base == 2);
  CHECK(r.upsold == 1);
  CHECK(*r.rate() == exact(0.5));
  // Days and ISO weeks give the same pairs (every order is in its own week).
  CHECK(crm::upsell(o.view(), crm::period_kind::day).upsold == 1);
  CHECK(crm::upsell(o.view(), crm::period_kind::week).base == 2);
  // Quarters: everybody is in 2024-Q1 only: no base.
  const crm::upsell_result q = crm::upsell(o.view(), crm::period_kind::quarter);
  CHECK(q.base == 0);
  CHECK_FALSE(q.rate().has_value());
  CHECK_FALSE(crm::upsell({{}, {}, {}, 0}, crm::period_kind::month).rate().has_value());
}

TEST_CASE("upsell: means over several orders, in every row order", "[value][edge]") {
  // c0: Jan 10 + 30 (mean 20), Feb 15 + 27 (mean 21) -> up.
  // c1: Jan 100, Feb 5, Mar 10: last two Feb 5 -> Mar 10 -> up (Jan ignored).
  // c2: Jan 10, Feb 10: equal means -> not up.
  const std::vector<std::uint32_t> customer{0, 0, 0, 0, 1, 1, 1, 2, 2};
  const std::vector<crm::day_t> day{d(2024, 1, 2),  d(2024, 1, 30), d(2024, 2, 1),
                                    d(2024, 2, 29), d(2024, 1, 1),  d(2024, 2, 1),
                                    d(2024, 3, 31), d(2024, 1, 9),  d(2024, 2, 9)};
  const std::vector<std::int64_t> amount{100000, 300000, 150000, 270000, 1000000,
                                         50000,  100000, 100000, 100000};
  std::vector<std::size_t> p(customer.size());
  std::iota(p.begin(), p.end(), std::size_t{0});
  int permutations = 0;
  bool all_equal = true;
  do {  // 9! = 362880 orders would be slow under ASan: every 97th permutation
    if (++permutations % 97 != 1) continue;
    std::vector<std::uint32_t> c;
    std::vector<crm::day_t> dd;
    std::vector<std::int64_t> a;
    for (const std::size_t i : p) {
      c.push_back(customer[i]);
      dd.push_back(day[i]);
      a.push_back(amount[i]);
    }
    const crm::upsell_result r = crm::upsell({c, dd, a, 3}, crm::period_kind::month);
    all_equal = all_equal && r.base == 3 && r.upsold == 2;
  } while (std::next_permutation(p.begin(), p.end()));
  CHECK(all_equal);
}

TEST_CASE("upsell: a day range too long for the period table", "[value][edge]") {
  // 1970-01-01 and day 2,000,000 (year 7445, python3: date(1970,1,1) + timedelta(2000000)):
  // more than the 2^20-day table, so periods are computed per row. Customer 0: 10.00 -> 20.00
  // (up); customer 1: 30.00 -> 5.00 on the same two days (down).
  const std::vector<std::uint32_t> c{0, 1, 0, 1};
  const std::vector<crm::day_t> day{0, 0, 2000000, 2000000};
  const std::vector<std::int64_t> a{100000, 300000, 200000, 50000};
  for (const crm::period_kind k : {crm::period_kind::year, crm::period_kind::month,
                                   crm::period_kind::week, crm::period_kind::day}) {
    const crm::upsell_result r = crm::upsell({c, day, a, 2}, k);
    CHECK(r.base == 2);
    CHECK(r.upsold == 1);
  }
}

TEST_CASE("upsell: from a period activity equals the direct form", "[value]") {
  const fixture::orders o;
  crm::period_activity activity(4, crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20));
  activity.update(o.view());
  const crm::upsell_result r = crm::upsell(o.view(), activity);
  CHECK(r.base == 2);
  CHECK(r.upsold == 1);
  crm::period_activity other(3, crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 20));
  CHECK_THROWS_WITH(crm::upsell(o.view(), other), Catch::Contains("customer_count"));
  crm::period_activity short_range(4, crm::period_kind::month, d(2024, 1, 5), d(2024, 3, 1));
  CHECK_THROWS_WITH(crm::upsell(o.view(), short_range),
                    Catch::Contains("row 4") && Catch::Contains("2024-03-15"));
}

TEST_CASE("upsell: bad views throw", "[value][errors]") {
  fixture::orders o;
  o.amount.pop_back();
  CHECK_THROWS_WITH(crm::upsell(o.view(), crm::period_kind::month), Catch::Contains("amount"));
  fixture::orders bad;
  bad.customer[0] = 4;
  CHECK_THROWS_WITH(crm::upsell(bad.view(), crm::period_kind::month), Catch::Contains("row 0"));
}

TEST_CASE("refunds_from_negative_amounts: worked example", "[value][refund]") {
  // 100.00 sale, 20.00 refund, 50.00 sale, a missing amount, a 0.00 order (neither).
  const std::vector<std::int64_t> amount{1000000, -200000, 500000, missing, 0};
  const crm::refund_result n = crm::refunds_from_negative_amounts(amount);
  CHECK(n.gross_sales_e4 == 1500000);
  CHECK(n.refunded_e4 == 200000);
  CHECK(n.orders == 2);
  CHECK(n.refunded_orders == 1);
  CHECK(*n.rate() == exact(20.0 / 150.0));
  CHECK(*n.order_rate() == exact(0.5));  // 1 refund row over 2 sales
  const crm::refund_result empty = crm::refunds_from_negative_amounts({});
  CHECK_FALSE(empty.rate().has_value());
  CHECK_FALSE(empty.order_rate().has_value());
  const std::vector<std::int64_t> only_refunds{-10000, missing};
  CHECK_FALSE(crm::refunds_from_negative_amounts(only_refunds).rate().has_value());
}

TEST_CASE("refunds_from_columns: refunded amounts and flags", "[value][refund]") {
  // Rows 0-2 are sales of 100, 50, 80: 0 refunded, 50 refunded, flagged (no amount) -> 80.
  // Rows 3-5 are not sales (0, negative, missing): their refund columns are not used.
  const std::vector<std::int64_t> sales{1000000, 500000, 800000, 0, -100000, missing};
  const std::vector<std::int64_t> back{0, 500000, missing, 50000, missing, 30000};
  const std::vector<std::uint8_t> flag{0, 0, 1, 1, 1, 1};
  const crm::refund_result c = crm::refunds_from_columns(sales, back, flag);
  CHECK(c.gross_sales_e4 == 2300000);
  CHECK(c.orders == 3);
  CHECK(c.refunded_e4 == 1300000);  // 50 + 80
  CHECK(c.refunded_orders == 2);
  CHECK(*c.rate() == exact(130.0 / 230.0));
  CHECK(*c.order_rate() == exact(2.0 / 3.0));
  // Flags alone: 1 refunds in full, 0 and the reader's missing boolean 2 do not.
  const std::vector<std::int64_t> two{1000000, 500000, 200000};
  const std::vector<std::uint8_t> flags{1, 2, 0};
  CHECK(crm::refunds_from_columns(two, {}, flags).refunded_e4 == 1000000);
  // Amounts alone; a flag with a refunded amount uses the amount (a partial refund).
  const std::vector<std::int64_t> part{missing, 300000, 50000};
  CHECK(crm::refunds_from_columns(two, part, {}).refunded_e4 == 350000);
  CHECK(crm::refunds_from_columns(two, part, flags).refunded_e4 == 1350000);  // 100 + 30 + 5
  const crm::refund_result none = crm::refunds_from_columns(two, {}, {});
  CHECK(*none.rate() == 0.0);  // a real 0: sales and no refund
  CHECK_FALSE(crm::refunds_from_columns({}, {}, {}).rate().has_value());
}

TEST_CASE("refunds_from_columns: bad input", "[value][refund][errors]") {
  const std::vector<std::int64_t> sales{1000000, 500000, 800000};
  const std::vector<std::int64_t> negative{0, -1, 0};
  CHECK_THROWS_WITH(crm::refunds_from_columns(sales, negative, {}),
                    Catch::Contains("refunded_amount") && Catch::Contains("row 1"));
  const std::vector<std::int64_t> short_back{0, 0};
  CHECK_THROWS_WITH(crm::refunds_from_columns(sales, short_back, {}),
                    Catch::Contains("refunded_amount") && Catch::Contains("differ"));
  const std::vector<std::uint8_t> long_flag{0, 0, 0, 0};
  CHECK_THROWS_WITH(crm::refunds_from_columns(sales, {}, long_flag),
                    Catch::Contains("refunded_flag"));
}

// Peer figures for examples/data/orders.csv (29 orders of 12 customers), W1 definitions.
// Computed with python3 (stdlib csv + decimal), script:
//   import csv, datetime; from decimal import Decimal
//   rows = list(csv.DictReader(open('examples/data/orders.csv', newline='')))
//   cents, days, n = {}, {}, {}
//   for r in rows:
//       c = r['customer_id']; d = datetime.date.fromisoformat(r['order_date'])
//       cents[c] = cents.get(c, 0) + int(Decimal(r['amount']) * 100)
//       days.setdefault(c, []).append(d); n[c] = n.get(c, 0) + 1
//   customers, orders, revenue = len(n), len(rows), sum(cents.values())
//   aov = revenue / 100 / orders; pf = orders / customers
//   repeat = sum(1 for k in n.values() if k >= 2) / customers
//   life = sum((max(v) - min(v)).days for v in days.values()) / customers / 365.25
//   alld = [d for v in days.values() for d in v]
//   pfy = pf / (((max(alld) - min(alld)).days + 1) / 365.25); clv = aov * pfy * life
//   print(customers, orders, revenue, repr(aov), repr(pf), repr(repeat), repr(life),
//         repr(pfy), repr(clv))
// -> 12 29 244040 84.15172413793104 2.4166666666666665 0.5 0.1806981519507187
//    2.856593851132686 43.43754045307443
// The W1 peers bench/peer_sqlite.sh and peer_datatable.R (shared bench) print the same 15
// digits. Top 20 %: ceil(2.4) = 3 customers, 524.68 + 446.39 + 303.61 = 1274.68 of 2440.40.
TEST_CASE("value kernels: W1 figures of examples/data/orders.csv equal python3's",
          "[value][peer]") {
  // customer_id C001..C012 -> 0..11, rows in file order.
  const std::vector<std::uint32_t> customer{7, 4, 10, 9,  10, 2, 7,  3, 7, 9,  0, 11, 10, 9, 7,
                                            8, 9, 9,  11, 1,  6, 11, 8, 5, 11, 9, 5,  11, 5};
  const std::vector<std::string> dates{
      "2024-02-22", "2024-03-04", "2024-03-18", "2024-04-02", "2024-04-06", "2024-04-19",
      "2024-04-19", "2024-05-03", "2024-05-07", "2024-05-20", "2024-06-14", "2024-06-23",
      "2024-06-28", "2024-07-12", "2024-08-04", "2024-08-06", "2024-08-27", "2024-09-15",
      "2024-09-15", "2024-10-01", "2024-10-03", "2024-10-03", "2024-10-13", "2024-10-22",
      "2024-11-16", "2024-11-17", "2024-11-29", "2024-12-04", "2024-12-26"};
  const std::vector<std::int64_t> amount{
      1193400, 1174100, 185900,  257500,  1404500, 848500,  283700,  833200, 1068100, 1002300,
      1213600, 1118500, 1445700, 1345500, 466000,  1103700, 1143100, 318400, 1458800, 1099100,
      638200,  1531100, 727500,  203300,  916500,  397100,  198300,  221900, 606500};
  std::vector<crm::day_t> day;
  for (const std::string& s : dates) day.push_back(*crm::parse_iso_date(s));
  const crm::customer_summary s = summary_of({customer, day, amount, 12});
  const crm::order_totals t = crm::totals(s);
  CHECK(t.customers == 12);
  CHECK(t.orders == 29);
  CHECK(t.revenue_e4 == 24404000);
  CHECK(*crm::aov(t) == exact(84.15172413793104));
  CHECK(*crm::purchase_frequency(t) == exact(2.4166666666666665));
  CHECK(*crm::repeat_purchase_rate(s) == exact(0.5));
  CHECK(*crm::observed_lifespan_years(s) == exact(0.1806981519507187));
  CHECK(*crm::purchase_frequency_per_year(t) == exact(2.856593851132686));
  CHECK(*crm::clv_simple(s) == exact(43.43754045307443));
  CHECK(*crm::top_revenue_share(s) == exact(127468.0 / 244040.0));
}
