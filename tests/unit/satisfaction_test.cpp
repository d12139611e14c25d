#include "crm/satisfaction.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {

constexpr double na = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
using Catch::Matchers::Contains;

/// The invalid_input `f` throws (fails the test when it throws nothing).
template <typename F>
crm::invalid_input error_of(F&& f) {
  try {
    f();
  } catch (const crm::invalid_input& e) {
    return e;
  }
  FAIL("no invalid_input thrown");
  return crm::invalid_input("", {});
}

}  // namespace

// Reference intervals: R 4.2.2, Wilson score interval without continuity correction:
//   Rscript -e 'prop.test(7, 9, correct = FALSE)$conf.int'        → 0.4525889691 0.9367748929
//   prop.test(81, 263, correct = FALSE)$conf.int                  → 0.2552885199 0.3662095770
//   prop.test(15, 148, correct = FALSE)$conf.int                  → 0.06238639953 0.1604872417
//   prop.test(0, 20, correct = FALSE)$conf.int                    → 0 0.1611251581
//   prop.test(1, 29, correct = FALSE)$conf.int                    → 0.006113214293 0.1717552188
//   prop.test(0, 10) → 0 0.2775327999; prop.test(10, 10) → 0.7224672001 1
//   prop.test(1, 1) → 0.2065493144 1; prop.test(0, 1) → 0 0.7934506856
//   prop.test(3, 1e7) → 1.02027078e-07 8.821184261e-07
//   prop.test(9999999, 1e7) → 0.9999994335 0.9999999823
//   prop.test(7, 9, correct = FALSE, conf.level = 0.99) → 0.3645304122 0.9552670337
// 81/263, 15/148, 0/20 and 1/29 are the worked examples of Newcombe (1998), Statistics in
// Medicine 17:857, whose score method without correction prints 0.2553-0.3662, 0.0624-0.1605,
// 0-0.1611 and 0.0061-0.1718: the same values to four places.

TEST_CASE("proportion::wilson: as R's prop.test and Newcombe's worked examples",
          "[satisfaction][ci]") {
  struct ref {
    std::uint64_t hits, n;
    double low, high;
  };
  const std::vector<ref> refs{{7, 9, 0.4525889691, 0.9367748929},
                              {81, 263, 0.2552885199, 0.3662095770},
                              {15, 148, 0.06238639953, 0.1604872417},
                              {1, 29, 0.006113214293, 0.1717552188},
                              {3, 10000000, 1.02027078e-07, 8.821184261e-07},
                              {9999999, 10000000, 0.9999994335, 0.9999999823}};
  for (const ref& r : refs) {
    const auto ci = crm::proportion{r.hits, r.n}.wilson();
    REQUIRE(ci);
    CHECK(ci->low == Approx(r.low).epsilon(1e-8));
    CHECK(ci->high == Approx(r.high).epsilon(1e-8));
    CHECK(ci->level == Approx(0.95).epsilon(1e-12));
  }
  // 99 %: z = qnorm(0.995) = 2.575829304.
  const auto ci99 = crm::proportion{7, 9}.wilson(2.575829304);
  CHECK(ci99->low == Approx(0.3645304122).epsilon(1e-8));
  CHECK(ci99->high == Approx(0.9552670337).epsilon(1e-8));
  CHECK(ci99->level == Approx(0.99).epsilon(1e-9));
}

TEST_CASE("proportion::wilson: exact 0 and 1 at hits = 0 and hits = n",
          "[satisfaction][ci][edge]") {
  const auto none = crm::proportion{0, 20}.wilson();
  CHECK(none->low == 0.0);
  CHECK(none->high == Approx(0.1611251581).epsilon(1e-8));
  const auto all = crm::proportion{10, 10}.wilson();
  CHECK(all->low == Approx(0.7224672001).epsilon(1e-8));
  CHECK(all->high == 1.0);
  // A single answer still has a wide interval on the other side.
  const auto one_yes = crm::proportion{1, 1}.wilson();
  CHECK(one_yes->low == Approx(0.2065493144).epsilon(1e-8));
  CHECK(one_yes->high == 1.0);
  const auto one_no = crm::proportion{0, 1}.wilson();
  CHECK(one_no->low == 0.0);
  CHECK(one_no->high == Approx(0.7934506856).epsilon(1e-8));
}

TEST_CASE("proportion: an empty base has no value and no interval", "[satisfaction][edge]") {
  CHECK_FALSE(crm::proportion{0, 0}.value());
  CHECK_FALSE(crm::proportion{0, 0}.wilson());
  CHECK(*crm::proportion{0, 5}.value() == 0.0);  // a real 0 over a non-empty base
  // A non-finite z has no interval; a negative z is its absolute value.
  CHECK_FALSE(crm::proportion{3, 5}.wilson(na));
  CHECK_FALSE(crm::proportion{3, 5}.wilson(inf));
  CHECK(crm::proportion{7, 9}.wilson(-crm::z_95)->low == Approx(0.4525889691).epsilon(1e-8));
}

TEST_CASE("csat: top-2-box share, mean and Wilson interval, blanks excluded", "[satisfaction]") {
  // 5 4 3 4 2 4 (blank) 5 5 4: 7 of the 9 answers are 4 or 5; mean 36 / 9 = 4.
  const std::vector<double> scores{5, 4, 3, 4, 2, 4, na, 5, 5, 4};
  const crm::csat_result r = crm::csat(scores);
  CHECK(r.satisfied.n == 9);
  CHECK(r.satisfied.hits == 7);
  CHECK(*r.satisfied.value() == Approx(7.0 / 9.0));
  CHECK(*r.mean == Approx(4.0));
  CHECK(r.no_answer == 1);
  // Wilson of 7/9 as prop.test above.
  CHECK(r.satisfied.wilson()->low == Approx(0.4525889691).epsilon(1e-8));
}

TEST_CASE("csat: other scales, satisfied_from and the binary variant", "[satisfaction]") {
  // 1..10: top-2-box is 9 and 10: 10, 9, 8, 1 → 2 of 4; mean 28 / 4 = 7.
  crm::csat_options ten;
  ten.scale_min = 1;
  ten.scale_max = 10;
  const crm::csat_result t = crm::csat(std::vector<double>{10, 9, 8, 1}, ten);
  CHECK(t.satisfied.hits == 2);
  CHECK(*t.mean == 7.0);
  // Top-3-box on 1..5 (satisfied from 3): 5, 3, 2, 1 → 2 of 4.
  crm::csat_options top3;
  top3.satisfied_from = 3;
  CHECK(crm::csat(std::vector<double>{5, 3, 2, 1}, top3).satisfied.hits == 2);
  // Binary good/bad (Zendesk): scale 0..1, satisfied from 1 → 1, 1, 0 = 2 of 3, mean 2/3.
  crm::csat_options binary;
  binary.scale_min = 0;
  binary.scale_max = 1;
  binary.satisfied_from = 1;
  const crm::csat_result b = crm::csat(std::vector<double>{1, na, 1, 0}, binary);
  CHECK(b.satisfied.hits == 2);
  CHECK(b.satisfied.n == 3);
  CHECK(*b.mean == Approx(2.0 / 3.0));
}

TEST_CASE("csat: no answer, all blank, a single answer", "[satisfaction][edge]") {
  const crm::csat_result none = crm::csat(std::vector<double>{});
  CHECK(none.satisfied.n == 0);
  CHECK_FALSE(none.satisfied.value());
  CHECK_FALSE(none.mean);
  const crm::csat_result blank = crm::csat(std::vector<double>{na, na});
  CHECK(blank.satisfied.n == 0);
  CHECK_FALSE(blank.satisfied.value());
  CHECK_FALSE(blank.satisfied.wilson());
  CHECK_FALSE(blank.mean);
  CHECK(blank.no_answer == 2);
  const crm::csat_result one = crm::csat(std::vector<double>{3});
  CHECK(one.satisfied.n == 1);
  CHECK(*one.satisfied.value() == 0.0);
  CHECK(*one.mean == 3.0);
}

TEST_CASE("csat: out-of-scale and fractional answers name function, column, row and value",
          "[satisfaction][errors]") {
  const crm::invalid_input zero = error_of([] { (void)crm::csat(std::vector<double>{5, 0, 4}); });
  CHECK(zero.reason() == "score 0 is outside 1..5");
  CHECK(zero.where().source == "csat");
  CHECK(zero.where().column == "score");
  CHECK(zero.where().row == 1);
  CHECK(zero.where().value == "0");
  const crm::invalid_input six = error_of([] {
    (void)crm::csat(std::vector<double>{5, na, 4, 6, 7});
  });
  CHECK(six.where().row == 3);  // the first bad one; the blank counts as a row
  CHECK(six.where().value == "6");
  const crm::invalid_input half = error_of([] { (void)crm::csat(std::vector<double>{4.5}); });
  CHECK_THAT(half.reason(), Contains("score 4.5 is not a whole number"));
  CHECK(half.where().row == 0);
  CHECK_THROWS_WITH(crm::csat(std::vector<double>{-inf}), Contains("score -inf is outside 1..5"));
}

TEST_CASE("csat: bad options", "[satisfaction][errors]") {
  crm::csat_options reversed;
  reversed.scale_min = 5;
  reversed.scale_max = 1;
  CHECK_THROWS_WITH(crm::csat(std::vector<double>{3}, reversed), Contains("scale 5..1 is empty"));
  crm::csat_options fractional;
  fractional.scale_max = 4.5;
  CHECK_THROWS_WITH(crm::csat(std::vector<double>{3}, fractional), Contains("whole-number ends"));
  crm::csat_options nan_end;
  nan_end.scale_min = na;
  CHECK_THROWS_AS(crm::csat(std::vector<double>{3}, nan_end), crm::invalid_input);
  crm::csat_options high;
  high.satisfied_from = 7;
  const crm::invalid_input e = error_of([&] { (void)crm::csat(std::vector<double>{3}, high); });
  CHECK(e.where().column == "satisfied_from");
  CHECK_THAT(e.reason(), Contains("satisfied_from 7 is outside the scale 1..5"));
  high.satisfied_from = na;
  CHECK_THROWS_AS(crm::csat(std::vector<double>{3}, high), crm::invalid_input);
}

TEST_CASE("ces: mean and low-effort share, higher = easier (1..7)", "[satisfaction]") {
  // 7 6 5 4 1 (blank): mean 23 / 5 = 4.6; 5..7 are low effort: 3 of 5.
  const crm::ces_result r = crm::ces(std::vector<double>{7, 6, 5, 4, 1, na});
  CHECK(*r.mean == Approx(4.6));
  CHECK(r.low_effort.hits == 3);
  CHECK(r.low_effort.n == 5);
  CHECK(r.no_answer == 1);
  // A custom bound: only 7 is low effort → 1 of 5.
  crm::ces_options strict;
  strict.low_effort_bound = 7;
  CHECK(crm::ces(std::vector<double>{7, 6, 5, 4, 1}, strict).low_effort.hits == 1);
}

TEST_CASE("ces: lower = less effort (older 1..5 scale)", "[satisfaction]") {
  // 1..2 are low effort: 1 2 5 3 → 2 of 4; mean 11 / 4 = 2.75.
  crm::ces_options old;
  old.scale_max = 5;
  old.higher_is_easier = false;
  const crm::ces_result o = crm::ces(std::vector<double>{1, 2, 5, 3}, old);
  CHECK(o.low_effort.hits == 2);
  CHECK(o.low_effort.n == 4);
  CHECK(*o.mean == Approx(2.75));
  // The same answers read the other way (5..7 on a 1..7 scale would be 5 only: 1 of 4).
  CHECK(crm::ces(std::vector<double>{1, 2, 5, 3}).low_effort.hits == 1);
}

TEST_CASE("ces: empty input and errors", "[satisfaction][edge][errors]") {
  const crm::ces_result none = crm::ces(std::vector<double>{na});
  CHECK_FALSE(none.mean);
  CHECK_FALSE(none.low_effort.value());
  CHECK(none.no_answer == 1);
  const crm::invalid_input e = error_of([] { (void)crm::ces(std::vector<double>{7, 8}); });
  CHECK(e.reason() == "score 8 is outside 1..7");
  CHECK(e.where().source == "ces");
  CHECK(e.where().row == 1);
  // On a 0..1 scale the default bound (max − 2 = −1) is off the scale: the message says so.
  crm::ces_options tiny;
  tiny.scale_min = 0;
  tiny.scale_max = 1;
  CHECK_THROWS_WITH(crm::ces(std::vector<double>{1}, tiny), Contains("the default"));
  crm::ces_options off;
  off.low_effort_bound = 9;
  CHECK_THROWS_WITH(crm::ces(std::vector<double>{1}, off),
                    Contains("low_effort_bound 9 is outside the scale 1..7"));
}

TEST_CASE("csi: unequal weights, partial respondents, interval as R", "[satisfaction][csi]") {
  // Items on 1..10, weights 2 and 1 (each answer (x − 1)/9 × 100):
  //   R0: 10, 1     → (2 × 100 + 1 × 0) / 3 = 66.667
  //   R1: 5.5, blank → (5.5 − 1)/9 × 100 = 50 (weights renormalised over the answered item;
  //                   CSI items may be fractional, e.g. an averaged sub-scale)
  //   R2: blank, blank → not a respondent
  //   R3: 1, 10     → (2 × 0 + 1 × 100) / 3 = 33.333
  // mean = (66.667 + 50 + 33.333) / 3 = 50; n = 3, partial = 1.
  // Rscript -e 'x <- c(200/3, 50, 100/3); mean(x) + c(-1, 1) * qnorm(0.975) * sd(x) /
  //   sqrt(3)' → 31.14023777 68.85976223
  const std::vector<double> a{10, 5.5, na, 1};
  const std::vector<double> b{1, na, na, 10};
  const std::vector<crm::csi_item> items{{a, 1, 10, 2.0}, {b, 1, 10, 1.0}};
  const crm::csi_result r = crm::csi(items);
  CHECK(r.n == 3);
  CHECK(r.partial == 1);
  CHECK(*r.mean == Approx(50.0));
  REQUIRE(r.ci);
  CHECK(r.ci->low == Approx(31.14023777).epsilon(1e-8));
  CHECK(r.ci->high == Approx(68.85976223).epsilon(1e-8));
}

TEST_CASE("csi: items on different scales; the interval is clamped to 0..100",
          "[satisfaction][csi]") {
  // q1 on 1..5 weight 0.5, q2 on 0..10 weight 1.5:
  //   R0: 4, 7      → (0.5 × 75 + 1.5 × 70) / 2 = (37.5 + 105) / 2 = 71.25
  //   R1: blank, 10 → 100 (partial)
  //   R2: 1, blank  → 0 (partial)
  // mean = 171.25 / 3 = 57.083333.
  // Rscript -e 'x <- c(71.25, 100, 0); mean(x) + c(-1, 1) * qnorm(0.975) * sd(x) / sqrt(3)'
  //   → -1.174331784 115.3409985, clamped to the index's range [0, 100].
  const std::vector<double> q1{4, na, 1};
  const std::vector<double> q2{7, 10, na};
  const std::vector<crm::csi_item> items{{q1, 1, 5, 0.5}, {q2, 0, 10, 1.5}};
  const crm::csi_result r = crm::csi(items);
  CHECK(r.n == 3);
  CHECK(r.partial == 2);
  CHECK(*r.mean == Approx(171.25 / 3.0));
  CHECK(r.ci->low == 0.0);
  CHECK(r.ci->high == 100.0);
}

TEST_CASE("csi: many respondents across blocks, one respondent, none",
          "[satisfaction][csi][edge]") {
  // 1,000 respondents alternating (1, 1) and (10, 10) on 1..10: indexes 0 and 100, mean 50.
  // Rscript -e 'x <- rep(c(0, 100), 500); mean(x) + c(-1, 1) * qnorm(0.975) * sd(x) /
  //   sqrt(1000)' → 46.89947419 53.10052581
  std::vector<double> q(1000);
  for (std::size_t i = 0; i < q.size(); ++i) {
    q[i] = i % 2 == 0 ? 1.0 : 10.0;
  }
  const std::vector<crm::csi_item> two{{q, 1, 10, 1}, {q, 1, 10, 3}};
  const crm::csi_result r = crm::csi(two);
  CHECK(r.n == 1000);
  CHECK(r.partial == 0);
  CHECK(*r.mean == Approx(50.0));
  CHECK(r.ci->low == Approx(46.89947419).epsilon(1e-8));
  CHECK(r.ci->high == Approx(53.10052581).epsilon(1e-8));
  // One respondent: a mean, no interval. 7 on 1..10 → 6/9 × 100 = 66.667.
  const std::vector<double> seven{7};
  const crm::csi_result one = crm::csi(std::vector<crm::csi_item>{{seven, 1, 10, 1}});
  CHECK(*one.mean == Approx(200.0 / 3.0));
  CHECK_FALSE(one.ci);
  // Nobody answered; no rows at all.
  const std::vector<double> blank{na, na};
  const crm::csi_result none = crm::csi(std::vector<crm::csi_item>{{blank, 1, 10, 1}});
  CHECK(none.n == 0);
  CHECK_FALSE(none.mean);
  CHECK_FALSE(none.ci);
  const std::vector<double> empty;
  CHECK_FALSE(crm::csi(std::vector<crm::csi_item>{{empty, 1, 10, 1}}).mean);
}

TEST_CASE("csi: identical respondents give a zero-width interval", "[satisfaction][csi][edge]") {
  // 1,000,000 respondents with 7 on 1..10 and 3 on 1..10, weights 1 and 2: each index is
  // (66.667 + 2 × 22.222) / 3 = 37.037; the sample variance is exactly 0, so low = high.
  const std::vector<double> a(1000000, 7.0);
  const std::vector<double> b(1000000, 3.0);
  const crm::csi_result r = crm::csi(std::vector<crm::csi_item>{{a, 1, 10, 1}, {b, 1, 10, 2}});
  CHECK(*r.mean == Approx((600.0 / 9.0 + 2.0 * 200.0 / 9.0) / 3.0));
  CHECK(r.ci->low == *r.mean);
  CHECK(r.ci->high == *r.mean);
}

TEST_CASE("csi: a tiny spread around a high index is not lost to cancellation",
          "[satisfaction][csi][edge]") {
  // 1,000,000 respondents alternating 999999 and 1000000 on 0..1e6: indexes 99.9999 and 100.
  // Rscript -e 'x <- rep(c(999999, 1000000) / 1e6 * 100, 5e5); mean(x);
  //   qnorm(0.975) * sd(x) / sqrt(length(x))' → 99.99995 9.799824823e-08
  // (Σx² − (Σx)²/n over the raw indexes gives a variance 3.7 times too large here.)
  std::vector<double> q(1000000);
  for (std::size_t i = 0; i < q.size(); ++i) {
    q[i] = i % 2 == 0 ? 999999.0 : 1000000.0;
  }
  const crm::csi_result r = crm::csi(std::vector<crm::csi_item>{{q, 0, 1e6, 1}});
  CHECK(*r.mean == Approx(99.99995).epsilon(1e-12));
  CHECK((r.ci->high - r.ci->low) / 2.0 == Approx(9.799824823e-08).epsilon(1e-6));
}

TEST_CASE("csi: errors name the item and the first bad row", "[satisfaction][csi][errors]") {
  const std::vector<double> high{11};
  const crm::invalid_input e = error_of([&] {
    (void)crm::csi(std::vector<crm::csi_item>{{high, 1, 10, 1.0}});
  });
  CHECK(e.where().source == "csi");
  CHECK(e.where().column == "item 0");
  CHECK(e.where().row == 0);
  CHECK(e.where().value == "11");
  CHECK(e.reason() == "score 11 is outside 1..10 (item 0)");
  // Bad answers at item 0 row 900, item 1 row 600 and item 1 row 520 (across blocks of 512):
  // the one reported is the first in row order.
  std::vector<double> x(1000, 5.0);
  std::vector<double> y(1000, 5.0);
  x[900] = 0;
  y[600] = 12;
  y[520] = -3;
  const crm::invalid_input first = error_of([&] {
    (void)crm::csi(std::vector<crm::csi_item>{{x, 1, 10, 1}, {y, 1, 10, 1}});
  });
  CHECK(first.where().row == 520);
  CHECK(first.where().column == "item 1");
  CHECK(first.where().value == "-3");
}

TEST_CASE("csi: bad items", "[satisfaction][csi][errors]") {
  const std::vector<double> a{1, 2, 3};
  const std::vector<double> two{1, 2};
  CHECK_THROWS_WITH(crm::csi(std::vector<crm::csi_item>{{a, 1, 10, 1}, {two, 1, 10, 1}}),
                    Contains("item 1 has 2 answers, item 0 has 3"));
  CHECK_THROWS_WITH(crm::csi(std::vector<crm::csi_item>{{a, 1, 10, 0.0}}),
                    Contains("weight of item 0 must be a positive number"));
  CHECK_THROWS_AS(crm::csi(std::vector<crm::csi_item>{{a, 1, 10, -1.0}}), crm::invalid_input);
  CHECK_THROWS_AS(crm::csi(std::vector<crm::csi_item>{{a, 1, 10, na}}), crm::invalid_input);
  CHECK_THROWS_AS(crm::csi(std::vector<crm::csi_item>{{a, 10, 10, 1}}), crm::invalid_input);
  CHECK_THROWS_WITH(crm::csi(std::vector<crm::csi_item>{}), Contains("at least one item"));
}

TEST_CASE("complaint_rate: complaints over the base", "[satisfaction]") {
  // 3 complaints over 29 orders = 10.3 %; Wilson as
  // Rscript -e 'prop.test(3, 29, correct = FALSE)$conf.int' → 0.03581489135 0.2638508109
  const crm::proportion p = crm::complaint_rate(3, 29);
  CHECK(*p.value() == Approx(3.0 / 29.0));
  CHECK(p.wilson()->low == Approx(0.03581489135).epsilon(1e-8));
  CHECK(p.wilson()->high == Approx(0.2638508109).epsilon(1e-8));
  CHECK(*crm::complaint_rate(4, 4).value() == 1.0);
  CHECK(*crm::complaint_rate(0, 4).value() == 0.0);
}

TEST_CASE("complaint_rate: empty base, complaints above the base", "[satisfaction][edge][errors]") {
  CHECK_FALSE(crm::complaint_rate(0, 0).value());
  const crm::invalid_input e = error_of([] { (void)crm::complaint_rate(5, 4); });
  CHECK(e.reason() == "5 complaints exceed their base of 4");
  CHECK(e.where().source == "complaint_rate");
  CHECK(e.where().value == "5");
  CHECK_THROWS_AS(crm::complaint_rate(1, 0), crm::invalid_input);
}
