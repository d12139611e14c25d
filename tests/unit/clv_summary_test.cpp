#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/clv/summary.hpp"
#include "crm/error.hpp"

#include "clv_data.hpp"

namespace {

using crm::clv::customer_summary_table;
using crm::clv::summarize;
using crm::clv::summary_options;
using crm::clv::time_unit;

crm::day_t d(int y, unsigned m, unsigned day) { return crm::days_from_civil(y, m, day); }

// Seven customers (c4 has no order), rows deliberately not in day order; days counted from
// 2024-01-01 = 0 (2024 is a leap year): Jan 10 = 9, Jan 15 = 14, Feb 1 = 31, Feb 20 = 50,
// Mar 1 = 60, Mar 30 = 89, Mar 31 = 90, Apr 1 = 91, Apr 2 = 92, Apr 10 = 100, May 1 = 121,
// May 5 = 125, Jun 30 = 181, Jul 5 = 186, Aug 1 = 213.
//
//   c0 Jan 1: 10 + 5 (same day), Jan 15: 20, Feb 1: 30 + 10 (same day) | Apr 10: 7 + 3, May 1: 20
//      | Jul 5: 99
//   c1 Mar 1: 12.50 (one order)
//   c2 Mar 31: 9 (first order on the calibration end), Apr 2: 1
//   c3 May 5: 40 (first seen in the holdout)
//   c5 Aug 1: 50 (first seen after the holdout)
//   c6 Mar 30: 8, Jan 10: 4, Mar 30: 2, Jan 10: 6, Feb 20: 10 | Jun 30: 5, Apr 1: 5, Jun 30: 5
//      (out of order on purpose)
struct fixture_orders {
  std::vector<std::uint32_t> c{0, 6, 0, 1, 6, 0, 2, 6, 0, 6, 0, 6, 0, 3, 6, 0, 2, 6, 0, 5, 6, 0};
  std::vector<crm::day_t> day{d(2024, 1, 1),  d(2024, 3, 30), d(2024, 1, 1),  d(2024, 3, 1),
                              d(2024, 1, 10), d(2024, 1, 15), d(2024, 3, 31), d(2024, 3, 30),
                              d(2024, 2, 1),  d(2024, 1, 10), d(2024, 2, 1),  d(2024, 2, 20),
                              d(2024, 4, 10), d(2024, 5, 5),  d(2024, 6, 30), d(2024, 4, 10),
                              d(2024, 4, 2),  d(2024, 4, 1),  d(2024, 5, 1),  d(2024, 8, 1),
                              d(2024, 6, 30), d(2024, 7, 5)};
  std::vector<std::int64_t> amount{100000, 80000, 50000,  125000, 40000, 200000, 90000, 20000,
                                   300000, 60000, 100000, 100000, 70000, 400000, 50000, 30000,
                                   10000,  50000, 200000, 500000, 50000, 990000};
  crm::orders_view view() const { return {c, day, amount, 7}; }
  crm::orders_view view_without_amount() const { return {c, day, {}, 7}; }
};

summary_options calibration_to_march(time_unit unit, bool holdout) {
  summary_options o;
  o.unit = unit;
  o.calibration_end = d(2024, 3, 31);
  if (holdout) o.holdout_end = d(2024, 6, 30);
  return o;
}

}  // namespace

TEST_CASE("days_per: day, week, month", "[clv][clv_summary]") {
  CHECK(crm::clv::days_per(time_unit::day) == 1.0);
  CHECK(crm::clv::days_per(time_unit::week) == 7.0);
  CHECK(crm::clv::days_per(time_unit::month) == 30.4375);  // 365.25 / 12
}

TEST_CASE("summarize: hand-worked fixture with holdout, in days", "[clv][clv_summary]") {
  const fixture_orders f;
  const customer_summary_table t = summarize(f.view(), calibration_to_march(time_unit::day, true));
  // Rows: c0, c1, c6 (first order before Mar 31). Left out: c2 (first order on Mar 31), c3
  // (May 5), c5 (Aug 1): later_customers = 3. c4 has no order.
  CHECK(t.customer == std::vector<std::uint32_t>{0, 1, 6});
  CHECK(t.later_customers == 3);
  CHECK(t.calibration_end == d(2024, 3, 31));
  // c0: days Jan 1, Jan 15, Feb 1 -> x = 2; t_x = 31 - 0; T = 90 - 0; m_x = (20 + 40) / 2 = 30.
  // c1: x = 0, t_x = 0, T = 90 - 60 = 30, m_x = 0.
  // c6: days Jan 10 (4 + 6), Feb 20 (10), Mar 30 (8 + 2) -> x = 2; t_x = 89 - 9 = 80;
  //     T = 90 - 9 = 81; m_x = (10 + 10) / 2 = 10.
  CHECK(t.x == std::vector<double>{2, 0, 2});
  CHECK(t.t_x == std::vector<double>{31, 0, 80});
  CHECK(t.T == std::vector<double>{90, 30, 81});
  CHECK(t.m_x == std::vector<double>{30, 0, 10});
  // Holdout (Mar 31, Jun 30], 181 - 90 = 91 days. c0: Apr 10 (7 + 3), May 1 (20) -> 2 days,
  // mean 15 (Jul 5 is after the end: ignored). c1: none. c6: Apr 1 (5), Jun 30 (5 + 5, the end
  // day is inside) -> 2 days, mean 7.5.
  CHECK(t.holdout_length == 91.0);
  CHECK(t.x_holdout == std::vector<double>{2, 0, 2});
  CHECK(t.m_holdout == std::vector<double>{15, 0, 7.5});
  const crm::clv::rfm_view v = t.view();
  CHECK(v.size() == 3);
  CHECK(v.weight.empty());
  CHECK(v.T[2] == 81.0);
}

TEST_CASE("summarize: weeks and months divide the day counts", "[clv][clv_summary]") {
  const fixture_orders f;
  const customer_summary_table w = summarize(f.view(), calibration_to_march(time_unit::week, true));
  CHECK(w.t_x[0] == Approx(31.0 / 7.0));
  CHECK(w.T[0] == Approx(90.0 / 7.0));
  CHECK(w.t_x[2] == Approx(80.0 / 7.0));
  CHECK(w.T[2] == Approx(81.0 / 7.0));
  CHECK(w.holdout_length == Approx(13.0));  // 91 days
  CHECK(w.x == std::vector<double>{2, 0, 2});
  const customer_summary_table m =
      summarize(f.view(), calibration_to_march(time_unit::month, true));
  CHECK(m.T[1] == Approx(30.0 / 30.4375));
  CHECK(m.t_x[2] == Approx(80.0 / 30.4375));
  CHECK(m.holdout_length == Approx(91.0 / 30.4375));
  CHECK(m.m_x == std::vector<double>{30, 0, 10});  // money does not depend on the unit
}

TEST_CASE("summarize: without holdout, without amount, default calibration end",
          "[clv][clv_summary]") {
  const fixture_orders f;
  // No holdout: everything after Mar 31 is ignored; the same calibration rows as above.
  const customer_summary_table a = summarize(f.view(), calibration_to_march(time_unit::day, false));
  CHECK(a.customer == std::vector<std::uint32_t>{0, 1, 6});
  CHECK(a.x == std::vector<double>{2, 0, 2});
  CHECK(a.T == std::vector<double>{90, 30, 81});
  CHECK(a.m_x == std::vector<double>{30, 0, 10});
  CHECK(a.x_holdout.empty());
  CHECK(a.m_holdout.empty());
  CHECK(a.holdout_length == 0.0);
  CHECK(a.later_customers == 3);

  // No amount column: no m_x / m_holdout, the counts are unchanged.
  const customer_summary_table b =
      summarize(f.view_without_amount(), calibration_to_march(time_unit::day, true));
  CHECK(b.x == std::vector<double>{2, 0, 2});
  CHECK(b.x_holdout == std::vector<double>{2, 0, 2});
  CHECK(b.m_x.empty());
  CHECK(b.m_holdout.empty());

  // Default calibration end = the last order day, Aug 1 (213). Rows c0, c1, c2, c3, c6; c5's
  // first order is on that day: later_customers = 1.
  //   c0: Jan 1, Jan 15, Feb 1, Apr 10, May 1, Jul 5 -> x 5, t_x 186, T 213,
  //       m_x (20 + 40 + 10 + 20 + 99) / 5 = 37.8
  //   c1: x 0, T 213 - 60 = 153.  c2: Mar 31, Apr 2 -> x 1, t_x 2, T 123, m_x 1.
  //   c3: x 0, T 213 - 125 = 88.
  //   c6: Jan 10, Feb 20, Mar 30, Apr 1, Jun 30 -> x 4, t_x 181 - 9 = 172, T 204,
  //       m_x (10 + 10 + 5 + 10) / 4 = 8.75
  const customer_summary_table c = summarize(f.view(), {time_unit::day, crm::no_day, crm::no_day});
  CHECK(c.calibration_end == d(2024, 8, 1));
  CHECK(c.customer == std::vector<std::uint32_t>{0, 1, 2, 3, 6});
  CHECK(c.x == std::vector<double>{5, 0, 1, 0, 4});
  CHECK(c.t_x == std::vector<double>{186, 0, 2, 0, 172});
  CHECK(c.T == std::vector<double>{213, 153, 123, 88, 204});
  CHECK(c.m_x[0] == Approx(37.8));
  CHECK(c.m_x[1] == 0.0);
  CHECK(c.m_x[2] == Approx(1.0));
  CHECK(c.m_x[3] == 0.0);
  CHECK(c.m_x[4] == Approx(8.75));
  CHECK(c.later_customers == 1);
}

TEST_CASE("summarize: every order twice = same counts, twice the spend", "[clv][clv_summary]") {
  // Doubled rows fall on the same days: x, t_x, T and the holdout counts are unchanged, the
  // per-day spends (so m_x and m_holdout) double.
  const fixture_orders f;
  fixture_orders twice;
  twice.c.insert(twice.c.end(), f.c.begin(), f.c.end());
  twice.day.insert(twice.day.end(), f.day.begin(), f.day.end());
  twice.amount.insert(twice.amount.end(), f.amount.begin(), f.amount.end());
  const auto o = calibration_to_march(time_unit::week, true);
  const customer_summary_table a = summarize(f.view(), o);
  const customer_summary_table b = summarize(twice.view(), o);
  CHECK(b.customer == a.customer);
  CHECK(b.x == a.x);
  CHECK(b.t_x == a.t_x);
  CHECK(b.T == a.T);
  CHECK(b.x_holdout == a.x_holdout);
  CHECK(b.m_x == std::vector<double>{60, 0, 20});
  CHECK(b.m_holdout == std::vector<double>{30, 0, 15});
  CHECK(b.later_customers == a.later_customers);
}

TEST_CASE("summarize: default calibration end with a holdout after it", "[clv][clv_summary]") {
  // Calibration ends on the last order day (Aug 1 = day 213), holdout to Aug 31 (243): 30 days,
  // nobody buys in it.
  const fixture_orders f;
  const customer_summary_table t =
      summarize(f.view(), {time_unit::day, crm::no_day, d(2024, 8, 31)});
  CHECK(t.calibration_end == d(2024, 8, 1));
  CHECK(t.holdout_length == 30.0);
  CHECK(t.x == std::vector<double>{5, 0, 1, 0, 4});
  CHECK(t.x_holdout == std::vector<double>{0, 0, 0, 0, 0});
  CHECK(t.m_holdout == std::vector<double>{0, 0, 0, 0, 0});
}

TEST_CASE("summarize: empty orders and the row order of the input", "[clv][clv_summary]") {
  const crm::orders_view empty{{}, {}, {}, 5};
  const customer_summary_table e = summarize(empty);
  CHECK(e.customer.empty());
  CHECK(e.later_customers == 0);
  CHECK(e.calibration_end == crm::no_day);

  // The fixture sorted by (day, row) must give the same table as the scrambled one.
  fixture_orders f;
  std::vector<std::size_t> order(f.c.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return f.day[a] < f.day[b]; });
  fixture_orders s;
  for (std::size_t i = 0; i < order.size(); ++i) {
    s.c[i] = f.c[order[i]];
    s.day[i] = f.day[order[i]];
    s.amount[i] = f.amount[order[i]];
  }
  const auto o = calibration_to_march(time_unit::day, true);
  const customer_summary_table a = summarize(f.view(), o);
  const customer_summary_table b = summarize(s.view(), o);
  CHECK(a.customer == b.customer);
  CHECK(a.x == b.x);
  CHECK(a.t_x == b.t_x);
  CHECK(a.T == b.T);
  CHECK(a.m_x == b.m_x);
  CHECK(a.x_holdout == b.x_holdout);
  CHECK(a.m_holdout == b.m_holdout);
}

TEST_CASE("summarize: random orders against a per-customer map of days", "[clv][clv_summary]") {
  // Reference: every (customer, day) merged in a std::map, then the definitions applied
  // directly. Run on the rows shuffled and on the rows sorted by customer then day.
  std::mt19937 rng(20240601);
  const std::uint32_t customers = 500;
  const crm::day_t base = d(2020, 1, 1);
  std::uniform_int_distribution<std::uint32_t> pick(0, customers - 1);
  std::uniform_int_distribution<int> offset(0, 120);
  std::uniform_int_distribution<std::int64_t> money(-20000, 2000000);
  std::vector<std::uint32_t> c;
  std::vector<crm::day_t> day;
  std::vector<std::int64_t> amount;
  for (int i = 0; i < 8000; ++i) {
    c.push_back(pick(rng));
    day.push_back(base + offset(rng));
    amount.push_back(money(rng));
  }
  const crm::day_t cal_end = base + 60;
  const crm::day_t hold_end = base + 100;
  std::map<std::uint32_t, std::map<crm::day_t, std::int64_t>> by_customer;
  for (std::size_t i = 0; i < c.size(); ++i) by_customer[c[i]][day[i]] += amount[i];

  summary_options o;
  o.unit = time_unit::week;
  o.calibration_end = cal_end;
  o.holdout_end = hold_end;
  std::vector<std::size_t> order(c.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return c[a] != c[b] ? c[a] < c[b] : day[a] < day[b];
  });
  std::vector<std::uint32_t> c2;
  std::vector<crm::day_t> day2;
  std::vector<std::int64_t> amount2;
  for (std::size_t i : order) {
    c2.push_back(c[i]);
    day2.push_back(day[i]);
    amount2.push_back(amount[i]);
  }
  for (const crm::orders_view& v : {crm::orders_view{c, day, amount, customers},
                                    crm::orders_view{c2, day2, amount2, customers}}) {
    const customer_summary_table t = summarize(v, o);
    std::size_t row = 0;
    std::uint32_t later = 0;
    for (const auto& [cust, days] : by_customer) {
      const crm::day_t first = days.begin()->first;
      if (first >= cal_end) {
        ++later;
        continue;
      }
      REQUIRE(row < t.customer.size());
      CHECK(t.customer[row] == cust);
      double x = -1;
      double repeat_spend = 0;
      double x_hold = 0;
      double hold_spend = 0;
      crm::day_t last = first;
      for (const auto& [dd, spend] : days) {
        if (dd <= cal_end) {
          x += 1;
          if (dd != first) repeat_spend += static_cast<double>(spend) / 1e4;
          last = dd;
        } else if (dd <= hold_end) {
          x_hold += 1;
          hold_spend += static_cast<double>(spend) / 1e4;
        }
      }
      CHECK(t.x[row] == x);
      CHECK(t.t_x[row] == Approx((last - first) / 7.0));
      CHECK(t.T[row] == Approx((cal_end - first) / 7.0));
      CHECK(t.m_x[row] == Approx(x > 0 ? repeat_spend / x : 0.0));
      CHECK(t.x_holdout[row] == x_hold);
      CHECK(t.m_holdout[row] == Approx(x_hold > 0 ? hold_spend / x_hold : 0.0));
      ++row;
    }
    CHECK(row == t.customer.size());
    CHECK(t.later_customers == later);
  }
}

TEST_CASE("summarize: extreme customers stay finite", "[clv][clv_summary]") {
  // c0: 5,000 orders every other day from 1990-01-01 (x = 4,999 over 9,998 days, 27 years),
  //     the last one on the calibration end (t_x = T).
  // c1: one order on 1900-01-01 (t_x = 0, T of 127 years).
  // c2: two orders on the same day (x = 0), a huge amount each (10^9 currency units).
  const crm::day_t start = d(1990, 1, 1);
  std::vector<std::uint32_t> c;
  std::vector<crm::day_t> day;
  std::vector<std::int64_t> amount;
  for (int i = 0; i < 5000; ++i) {
    c.push_back(0);
    day.push_back(start + 2 * i);
    amount.push_back(10000);
  }
  const crm::day_t end = start + 2 * 4999;
  c.insert(c.end(), {1, 2, 2});
  day.insert(day.end(), {d(1900, 1, 1), start, start});
  amount.insert(amount.end(), {10000, 10000000000000, 10000000000000});
  summary_options o;
  o.unit = time_unit::month;
  o.calibration_end = end;
  const customer_summary_table t = summarize({c, day, amount, 3}, o);
  REQUIRE(t.customer.size() == 3);
  CHECK(t.x == std::vector<double>{4999, 0, 0});
  CHECK(t.t_x[0] == t.T[0]);
  CHECK(t.T[0] == Approx(9998.0 / 30.4375));
  CHECK(t.t_x[1] == 0.0);
  CHECK(t.T[1] == Approx((end - d(1900, 1, 1)) / 30.4375));
  CHECK(t.m_x[0] == Approx(1.0));
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(std::isfinite(t.t_x[i]));
    CHECK(std::isfinite(t.T[i]));
    CHECK(std::isfinite(t.m_x[i]));
  }
  // Day numbers far apart do not overflow the day difference.
  const std::vector<std::uint32_t> c3{0, 0};
  const std::vector<crm::day_t> day3{-2000000000, 2000000000};
  const customer_summary_table far =
      summarize({c3, day3, {}, 1}, {time_unit::day, 2000000000, crm::no_day});
  REQUIRE(far.x.size() == 1);
  CHECK(far.t_x[0] == 4e9);
  CHECK(far.T[0] == 4e9);
}

TEST_CASE("summarize: invalid input throws naming the problem", "[clv][clv_summary]") {
  const fixture_orders f;
  summary_options o = calibration_to_march(time_unit::week, true);
  o.holdout_end = o.calibration_end;
  CHECK_THROWS_AS(summarize(f.view(), o), crm::invalid_input);
  o.holdout_end = o.calibration_end - 1;
  CHECK_THROWS_WITH(summarize(f.view(), o),
                    Catch::Contains("holdout_end") && Catch::Contains("2024-03-30"));
  // Default calibration end (Aug 1, the last order) and a holdout end before it.
  o.calibration_end = crm::no_day;
  o.holdout_end = d(2024, 7, 1);
  CHECK_THROWS_AS(summarize(f.view(), o), crm::invalid_input);

  const auto ok = calibration_to_march(time_unit::week, false);
  const std::vector<std::uint32_t> c{0, 1, 5};
  const std::vector<crm::day_t> day3{d(2024, 1, 1), d(2024, 1, 2), d(2024, 1, 3)};
  const std::vector<crm::day_t> day2{d(2024, 1, 1), d(2024, 1, 2)};
  const std::vector<std::int64_t> amount2{1, 2};
  // Customer index 5 >= customer_count 3: the row (2) and value are named.
  CHECK_THROWS_WITH(summarize({c, day3, {}, 3}, ok), Catch::Contains("summarize") &&
                                                         Catch::Contains("customer") &&
                                                         Catch::Contains("5"));
  try {
    (void)summarize({c, day3, {}, 3}, ok);
    FAIL("no throw");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().row == 2);
    CHECK(e.where().column == "customer");
  }
  CHECK_THROWS_AS(summarize({c, day2, {}, 6}, ok), crm::invalid_input);       // day too short
  CHECK_THROWS_AS(summarize({c, day3, amount2, 6}, ok), crm::invalid_input);  // amount too short
  // The no_day sentinel is not an order day.
  const std::vector<crm::day_t> sentinel{d(2024, 1, 1), crm::no_day, d(2024, 1, 3)};
  try {
    (void)summarize({c, sentinel, {}, 6}, ok);
    FAIL("no throw");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().row == 1);
    CHECK(e.where().column == "day");
  }
}

namespace {

/// tests/data/clv/CDNOW_sample.txt (master_id sample_id YYYYMMDD cds dollars, whitespace
/// separated, CRLF) as an orders table: customer = sample_id - 1, amount in 1/10000 dollars.
struct cdnow_orders {
  std::vector<std::uint32_t> customer;
  std::vector<crm::day_t> day;
  std::vector<std::int64_t> amount;
  std::uint32_t customer_count = 0;

  cdnow_orders() {
    std::ifstream in(std::string(CRM_TEST_DATA_DIR) + "/clv/CDNOW_sample.txt");
    if (!in) throw std::runtime_error("cannot open tests/data/clv/CDNOW_sample.txt");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);  // whitespace (the CR included) separates the fields
      long master = 0;
      long id = 0;
      long ymd = 0;
      int cds = 0;
      std::string dollars;
      if (!(fields >> master >> id >> ymd >> cds >> dollars)) continue;
      customer.push_back(static_cast<std::uint32_t>(id - 1));
      day.push_back(d(static_cast<int>(ymd / 10000), static_cast<unsigned>(ymd / 100 % 100),
                      static_cast<unsigned>(ymd % 100)));
      amount.push_back(std::llround(std::stod(dollars) * 10000.0));
      customer_count = std::max(customer_count, static_cast<std::uint32_t>(id));
    }
  }
  crm::orders_view view() const { return {customer, day, amount, customer_count}; }
};

}  // namespace

TEST_CASE("summarize: CDNOW sample reproduces Hardie's calibration summary", "[clv][clv_summary]") {
  const cdnow_orders orders;
  REQUIRE(orders.customer.size() == 6919);
  REQUIRE(orders.customer_count == 2357);
  const clv_data::cdnow hardie = clv_data::load_cdnow();
  REQUIRE(hardie.x.size() == 2357);
  summary_options o;
  o.unit = time_unit::week;
  // Hardie's calibration ends with 1997-09-30 (39 weeks from 1997-01-01). T counts whole days
  // from the first purchase to 1997-09-30 itself: a 1997-01-01 customer has T = 272 / 7 =
  // 38.857 -> 38.86 in his file (an exclusive end 1997-10-01 would give 39.00).
  o.calibration_end = d(1997, 9, 30);
  const customer_summary_table t = summarize(orders.view(), o);
  REQUIRE(t.customer.size() == 2357);
  CHECK(t.later_customers == 0);
  // Hardie's file has 2 decimals, rounded half up: 62 customers have a mean repeat spend ending
  // in exactly half a cent (customer 1: (29.73 + 14.96) / 2 = 22.345 -> 22.35), so the tolerance
  // is half a cent plus rounding noise.
  const double tol = 0.005 + 1e-9;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < 2357; ++i) {
    CHECK(t.customer[i] == i);
    const bool same = t.x[i] == hardie.x[i] && std::abs(t.t_x[i] - hardie.t_x[i]) <= tol &&
                      std::abs(t.T[i] - hardie.T[i]) <= tol &&
                      std::abs(t.m_x[i] - hardie.zbar[i]) <= tol;
    if (!same) {
      ++bad;
      INFO("customer " << i + 1 << ": x " << t.x[i] << " vs " << hardie.x[i] << ", t_x " << t.t_x[i]
                       << " vs " << hardie.t_x[i] << ", T " << t.T[i] << " vs " << hardie.T[i]
                       << ", zbar " << t.m_x[i] << " vs " << hardie.zbar[i]);
      CHECK(same);
    }
  }
  CHECK(bad == 0);
}

TEST_CASE("summarize: CDNOW holdout counts match lifetimes", "[clv][clv_summary]") {
  // Reference: lifetimes 0.11.3 on the same file,
  //   export PYTHONPATH=/work/scratch/peers/lifetimes:/work/scratch/peers/autograd
  //   /usr/bin/python3 -c "
  //   import pandas as pd; from lifetimes.utils import calibration_and_holdout_data
  //   d = pd.read_csv('tests/data/clv/CDNOW_sample.txt', sep=r'\s+', header=None,
  //       names=['master_id','sample_id','date','cds','dollars'], dtype={'date': str})
  //   d['date'] = pd.to_datetime(d['date'], format='%Y%m%d')
  //   s = calibration_and_holdout_data(d, 'sample_id', 'date', calibration_period_end='1997-09-30',
  //       observation_period_end='1998-06-30', freq='D', monetary_value_col='dollars')
  //   print(len(s), s['frequency_holdout'].sum(), (s['frequency_holdout'] > 0).sum(),
  //         s['duration_holdout'].iloc[0], s['frequency_cal'].sum())
  //   print(s['frequency_holdout'].value_counts().sort_index().to_dict())
  //   print([(i, int(v)) for i, v in s['frequency_holdout'].items() if v >= 10])"
  // printed: 2357 1882.0 684 273.0 2457.0, the histogram and the customers below.
  // (lifetimes' monetary_value_holdout is a mean per transaction, ours per purchase day, so
  // only the counts are compared.)
  const cdnow_orders orders;
  summary_options o;
  o.unit = time_unit::day;
  o.calibration_end = d(1997, 9, 30);
  o.holdout_end = d(1998, 6, 30);
  const customer_summary_table t = summarize(orders.view(), o);
  REQUIRE(t.customer.size() == 2357);
  CHECK(t.holdout_length == 273.0);
  CHECK(std::accumulate(t.x.begin(), t.x.end(), 0.0) == 2457.0);
  CHECK(std::accumulate(t.x_holdout.begin(), t.x_holdout.end(), 0.0) == 1882.0);
  std::map<int, int> histogram;
  for (double v : t.x_holdout) ++histogram[static_cast<int>(v)];
  const std::map<int, int> lifetimes_histogram{
      {0, 1673}, {1, 302}, {2, 153}, {3, 77}, {4, 54}, {5, 23}, {6, 21},
      {7, 15},   {8, 5},   {9, 8},   {10, 8}, {11, 1}, {12, 2}, {13, 4},
      {14, 3},   {15, 2},  {16, 2},  {19, 1}, {21, 1}, {24, 1}, {34, 1}};
  CHECK(histogram == lifetimes_histogram);
  const std::vector<std::pair<int, int>> heavy{
      {46, 10},   {157, 14},  {167, 16},  {382, 10},  {529, 10},  {813, 19},  {841, 13},
      {867, 13},  {1017, 13}, {1134, 13}, {1166, 11}, {1181, 10}, {1201, 10}, {1203, 34},
      {1242, 10}, {1290, 12}, {1292, 15}, {1516, 15}, {1628, 10}, {1712, 14}, {1772, 14},
      {1887, 16}, {1981, 24}, {2044, 10}, {2149, 21}, {2220, 12}};
  for (const auto& [id, count] : heavy) {
    INFO("sample_id " << id);
    CHECK(t.x_holdout[static_cast<std::size_t>(id - 1)] == count);
  }
  // In weeks the holdout is 273 / 7 = 39 weeks.
  o.unit = time_unit::week;
  CHECK(summarize(orders.view(), o).holdout_length == 39.0);
}
