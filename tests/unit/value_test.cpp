#include "crm/value.hpp"

#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

#include "order_fixture.hpp"

// Figures of the fixture (order_fixture.hpp), by hand:
//   customers with orders 3, orders 6, revenue 98.00 (10 + 20 + 30 + 8 + 25 + 5)
//   spans: c0 Jan 5 -> Mar 20 = 75 days, c1 Jan 20 -> Mar 15 = 55 days, c2 0 days
//   whole span Jan 5 .. Mar 20 = 76 days inclusive

namespace {
crm::customer_summary summary_of(const fixture::orders& o) {
  crm::customer_summary s(4);
  s.update(o.view());
  return s;
}
constexpr std::int64_t missing = std::numeric_limits<std::int64_t>::min();
}  // namespace

TEST_CASE("aov, purchase_frequency, arpu: worked example", "[value]") {
  const crm::order_totals t = crm::totals(summary_of(fixture::orders{}));
  CHECK(t.customers == 3);
  CHECK(t.orders == 6);
  CHECK(t.revenue_e4 == 980000);
  CHECK(*crm::aov(t) == Approx(98.0 / 6.0));
  CHECK(*crm::purchase_frequency(t) == Approx(2.0));
  CHECK(*crm::arpu(t) == Approx(98.0 / 3.0));
}

TEST_CASE("aov, purchase_frequency, arpu: undefined on empty input", "[value][edge]") {
  const crm::order_totals t = crm::totals(crm::customer_summary(0));
  CHECK_FALSE(crm::aov(t).has_value());
  CHECK_FALSE(crm::purchase_frequency(t).has_value());
  CHECK_FALSE(crm::arpu(t).has_value());
}

TEST_CASE("repeat_purchase_rate: whole range and within N days", "[value]") {
  const fixture::orders o;
  const crm::customer_summary s = summary_of(o);
  CHECK(*crm::repeat_purchase_rate(s) == Approx(2.0 / 3.0));  // c0 and c1
  // Within 30 days of the first order: c0 (Jan 5, Feb 3 = 29 days) only.
  CHECK(*crm::repeat_purchase_rate_within(o.view(), s, 30) == Approx(1.0 / 3.0));
  // Within 28 days: nobody (c0's second order is on day 29).
  CHECK(*crm::repeat_purchase_rate_within(o.view(), s, 28) == Approx(0.0));
  CHECK_FALSE(crm::repeat_purchase_rate(crm::customer_summary(2)).has_value());
}

TEST_CASE("repeat_purchase_rate: one order is a rate of 0 over one customer", "[value][edge]") {
  const std::vector<std::uint32_t> c{0};
  const std::vector<crm::day_t> d{fixture::d(2024, 1, 1)};
  const std::vector<std::int64_t> a{10000};
  crm::customer_summary s(1);
  s.update({c, d, a, 1});
  CHECK(*crm::repeat_purchase_rate(s) == 0.0);
  CHECK(*crm::observed_lifespan_years(s) == 0.0);
  CHECK(*crm::aov(crm::totals(s)) == Approx(1.0));
}

TEST_CASE("observed_lifespan_years and clv_simple: worked example", "[value][clv]") {
  const crm::customer_summary s = summary_of(fixture::orders{});
  // (75 + 55 + 0) / 3 days / 365.25
  CHECK(*crm::observed_lifespan_years(s) == Approx(130.0 / 3.0 / 365.25));
  // aov 16.3333 × (2 / (76 / 365.25)) × 0.1186402 (python3 fractions: 18.625730994152047)
  CHECK(*crm::clv_simple(s) == Approx(18.625730994152047));
  crm::clv_options o;
  o.gross_margin = 0.4;
  CHECK(*crm::clv_simple(s, o) == Approx(7.450292397660819));
  o.gross_margin = 1.0;
  o.lifespan = crm::clv_lifespan::churn;
  CHECK_FALSE(crm::clv_simple(s, o).has_value());  // no churn rate given
  o.annual_churn_rate = 0.5;                       // lifespan 2 years
  CHECK(*crm::clv_simple(s, o) == Approx(313.9868421052632));
  o.lifespan = crm::clv_lifespan::discounted;  // × r / (1 + d - r) = 0.5 / 0.6
  CHECK(*crm::clv_simple(s, o) == Approx(130.827850877193));
  o.gross_margin = 1.5;
  CHECK_THROWS_AS(crm::clv_simple(s, o), crm::invalid_input);
}

TEST_CASE("top_revenue_share: the top ceil(20 %) of customers", "[value]") {
  const crm::customer_summary s = summary_of(fixture::orders{});
  // 3 customers -> ceil(0.6) = 1 customer; spends 45, 45, 8: 45 / 98.
  CHECK(*crm::top_revenue_share(s) == Approx(45.0 / 98.0));
  CHECK(*crm::top_revenue_share(s, 1.0) == Approx(1.0));
  CHECK(*crm::top_revenue_share(s, 0.5) == Approx(90.0 / 98.0));  // ceil(1.5) = 2
  CHECK_FALSE(crm::top_revenue_share(crm::customer_summary(3)).has_value());
  CHECK_THROWS_AS(crm::top_revenue_share(s, 0.0), crm::invalid_input);
}

TEST_CASE("cross_sell_counter: customers in two categories, shards merged",
          "[value][accumulator]") {
  const fixture::orders o;
  const std::vector<std::uint32_t> category{0, 1, 1, 0, 1, 0xFFFFFFFFU};
  // c0 {0, 1} cross-buyer; c1 {1}; c2 {0}; c0's last row has no category.
  crm::cross_sell_counter one(4);
  one.update(o.customer, category);
  CHECK(one.customers() == 3);
  CHECK(one.cross_buyers() == 1);
  CHECK(*one.rate() == Approx(1.0 / 3.0));
  crm::cross_sell_counter a(4), b(4);
  a.update(std::span(o.customer).subspan(0, 1), std::span(category).subspan(0, 1));
  b.update(std::span(o.customer).subspan(1), std::span(category).subspan(1));
  b.merge(a);
  CHECK(b.cross_buyers() == 1);
  CHECK(b.customers() == 3);
  CHECK_FALSE(crm::cross_sell_counter(2).rate().has_value());
  CHECK_THROWS_AS(one.update(o.customer, std::span(category).subspan(1)), crm::invalid_input);
}

TEST_CASE("upsell: mean order value of the last active period vs the one before", "[value]") {
  const fixture::orders o;
  // Months: c0 Jan 10, Feb 30, Mar 5 -> Mar 5 < Feb 30: no. c1 Jan 20, Mar 25: yes. c2 one month.
  const crm::upsell_result r = crm::upsell(o.view(), crm::period_kind::month);
  CHECK(r.base == 2);
  CHECK(r.upsold == 1);
  CHECK(*r.rate() == Approx(0.5));
  // Quarters: everybody is in 2024-Q1 only: no base.
  CHECK_FALSE(crm::upsell(o.view(), crm::period_kind::quarter).rate().has_value());
  // Row order does not matter.
  fixture::orders rev;
  std::reverse(rev.customer.begin(), rev.customer.end());
  std::reverse(rev.day.begin(), rev.day.end());
  std::reverse(rev.amount.begin(), rev.amount.end());
  CHECK(crm::upsell(rev.view(), crm::period_kind::month).upsold == 1);
}

TEST_CASE("refunds: negative amounts and refund columns", "[value][refund]") {
  const std::vector<std::int64_t> amount{1000000, -200000, 500000, missing};
  const crm::refund_result n = crm::refunds_from_negative_amounts(amount);
  CHECK(n.gross_sales_e4 == 1500000);
  CHECK(n.refunded_e4 == 200000);
  CHECK(*n.rate() == Approx(20.0 / 150.0));
  CHECK(*n.order_rate() == Approx(0.5));  // 1 refund row over 2 sales
  const std::vector<std::int64_t> sales{1000000, 500000, 800000};
  const std::vector<std::int64_t> back{0, 500000, missing};
  const std::vector<std::uint8_t> flag{0, 0, 1};  // row 2 refunded in full (80.00)
  const crm::refund_result c = crm::refunds_from_columns(sales, back, flag);
  CHECK(c.refunded_e4 == 1300000);  // 50 + 80
  CHECK(*c.rate() == Approx(130.0 / 230.0));
  CHECK(c.refunded_orders == 2);
  CHECK_FALSE(crm::refunds_from_negative_amounts({}).rate().has_value());
  const std::vector<std::int64_t> negative{0, -1, 0};
  CHECK_THROWS_WITH(crm::refunds_from_columns(sales, negative, {}),
                    Catch::Contains("refunded_amount") && Catch::Contains("row 1"));
}
