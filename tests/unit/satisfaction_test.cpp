#include "crm/satisfaction.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {
constexpr double na = std::numeric_limits<double>::quiet_NaN();
using Catch::Matchers::Contains;
}  // namespace

TEST_CASE("proportion: Wilson interval as R's prop.test without continuity correction",
          "[satisfaction][ci]") {
  // Rscript -e 'prop.test(7, 9, correct = FALSE)$conf.int' → 0.452589 0.9367749
  const auto a = crm::proportion{7, 9}.wilson();
  REQUIRE(a);
  CHECK(a->low == Approx(0.452589).epsilon(1e-5));
  CHECK(a->high == Approx(0.9367749).epsilon(1e-6));
  CHECK(a->level == Approx(0.95));
  // prop.test(81, 263, correct = FALSE)$conf.int → 0.2552885 0.3662096 (Newcombe 1998 uses
  // the same Wilson score form).
  const auto b = crm::proportion{81, 263}.wilson();
  CHECK(b->low == Approx(0.2552885).epsilon(1e-6));
  CHECK(b->high == Approx(0.3662096).epsilon(1e-6));
  // Edges: prop.test(0, 10) → 0 .. 0.2775328; prop.test(10, 10) → 0.7224672 .. 1.
  const auto none = crm::proportion{0, 10}.wilson();
  CHECK(none->low == 0.0);
  CHECK(none->high == Approx(0.2775328).epsilon(1e-6));
  const auto all = crm::proportion{10, 10}.wilson();
  CHECK(all->low == Approx(0.7224672).epsilon(1e-6));
  CHECK(all->high == 1.0);
  // Empty base: no value, no interval (never 0 %).
  CHECK_FALSE(crm::proportion{0, 0}.value());
  CHECK_FALSE(crm::proportion{0, 0}.wilson());
}

TEST_CASE("csat: top-2-box share, mean, blanks excluded", "[satisfaction]") {
  // 5 4 3 4 2 4 5 5 4 and a blank: 7 of 9 answers are 4 or 5; mean 36 / 9 = 4.
  const std::vector<double> scores{5, 4, 3, 4, 2, 4, na, 5, 5, 4};
  const crm::csat_result r = crm::csat(scores);
  CHECK(r.satisfied.n == 9);
  CHECK(r.satisfied.hits == 7);
  CHECK(*r.satisfied.value() == Approx(7.0 / 9.0));
  CHECK(*r.mean == Approx(4.0));
  CHECK(r.no_answer == 1);
}

TEST_CASE("csat: other scales and the binary variant", "[satisfaction]") {
  // 1..10 scale: top-2-box is 9 and 10: answers 10, 9, 8, 1 → 2 of 4.
  crm::csat_options ten;
  ten.scale_min = 1;
  ten.scale_max = 10;
  CHECK(*crm::csat(std::vector<double>{10, 9, 8, 1}, ten).satisfied.value() == Approx(0.5));
  // Binary good/bad (Zendesk): scale 0..1, satisfied from 1 → 1, 1, 0 = 2 of 3.
  crm::csat_options binary;
  binary.scale_min = 0;
  binary.scale_max = 1;
  binary.satisfied_from = 1;
  CHECK(*crm::csat(std::vector<double>{1, 1, 0}, binary).satisfied.value() == Approx(2.0 / 3.0));
}

TEST_CASE("csat: no answer, a single answer", "[satisfaction][edge]") {
  const crm::csat_result empty = crm::csat(std::vector<double>{na, na});
  CHECK(empty.satisfied.n == 0);
  CHECK_FALSE(empty.satisfied.value());
  CHECK_FALSE(empty.mean);
  CHECK(empty.no_answer == 2);
  const crm::csat_result one = crm::csat(std::vector<double>{3});
  CHECK(*one.satisfied.value() == 0.0);
  CHECK(*one.mean == 3.0);
}

TEST_CASE("csat: out-of-scale and fractional answers are errors naming the row",
          "[satisfaction][errors]") {
  CHECK_THROWS_WITH(crm::csat(std::vector<double>{5, 0, 4}), Contains("score 0 is outside 1..5"));
  try {
    (void)crm::csat(std::vector<double>{5, 4, 6});
    FAIL("no error");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().row == 2);
    CHECK(e.where().value == "6");
  }
  CHECK_THROWS_WITH(crm::csat(std::vector<double>{4.5}), Contains("not a whole number"));
  crm::csat_options bad;
  bad.scale_min = 5;
  bad.scale_max = 1;
  CHECK_THROWS_AS(crm::csat(std::vector<double>{3}, bad), crm::invalid_input);
  crm::csat_options odd;
  odd.satisfied_from = 7;
  CHECK_THROWS_AS(crm::csat(std::vector<double>{3}, odd), crm::invalid_input);
}

TEST_CASE("ces: mean and low-effort share in both directions", "[satisfaction]") {
  // 1..7, higher = easier: 7 6 5 4 1 → mean 23 / 5 = 4.6; 5..7 are low effort: 3 of 5.
  const crm::ces_result r = crm::ces(std::vector<double>{7, 6, 5, 4, 1, na});
  CHECK(*r.mean == Approx(4.6));
  CHECK(r.low_effort.hits == 3);
  CHECK(r.low_effort.n == 5);
  CHECK(r.no_answer == 1);
  // Older 1..5 "how much effort" scale: lower = less effort, 1..2 are low effort: 1 2 5 → 2/3.
  crm::ces_options old;
  old.scale_max = 5;
  old.higher_is_easier = false;
  const crm::ces_result o = crm::ces(std::vector<double>{1, 2, 5}, old);
  CHECK(*o.low_effort.value() == Approx(2.0 / 3.0));
  CHECK(*o.mean == Approx(8.0 / 3.0));
  CHECK_THROWS_AS(crm::ces(std::vector<double>{8}), crm::invalid_input);
  CHECK_FALSE(crm::ces(std::vector<double>{}).mean);
}

TEST_CASE("csi: weighted per-respondent index, partial respondents, errors", "[satisfaction]") {
  // Items on 1..10 with weights 2 and 1.
  // R1: 10, 1 → (2 × 100 + 1 × 0) / 3 = 66.667
  // R2: 5.5 is not a whole-number requirement for CSI items: (5.5 − 1)/9 × 100 = 50, and item 2
  //     blank → 50 (weights renormalised over the answered item)
  // R3: both blank → not a respondent
  // R4: 1, 10 → (0 + 100) / 3 = 33.333
  // mean = (66.667 + 50 + 33.333) / 3 = 50.
  const std::vector<double> a{10, 5.5, na, 1};
  const std::vector<double> b{1, na, na, 10};
  const std::vector<crm::csi_item> items{{a, 1, 10, 2.0}, {b, 1, 10, 1.0}};
  const crm::csi_result r = crm::csi(items);
  CHECK(r.n == 3);
  CHECK(r.partial == 1);
  CHECK(*r.mean == Approx(50.0));
  // Sample SD of 66.667, 50, 33.333 = 16.667; CI = 50 ± 1.959964 × 16.667 / √3.
  REQUIRE(r.ci);
  CHECK(r.ci->low == Approx(50.0 - 1.959964 * (50.0 / 3.0) / std::sqrt(3.0)));
  // Errors: an answer outside its item's scale (item and row named), unequal lengths, weight 0.
  const std::vector<double> high{11};
  const std::vector<crm::csi_item> bad{{high, 1, 10, 1.0}};
  try {
    (void)crm::csi(bad);
    FAIL("no error");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().row == 0);
    CHECK_THAT(e.reason(), Contains("outside 1..10"));
  }
  const std::vector<double> two{1, 2};
  CHECK_THROWS_AS(crm::csi(std::vector<crm::csi_item>{{a, 1, 10, 1}, {two, 1, 10, 1}}),
                  crm::invalid_input);
  CHECK_THROWS_AS(crm::csi(std::vector<crm::csi_item>{{a, 1, 10, 0.0}}), crm::invalid_input);
  CHECK_THROWS_AS(crm::csi(std::vector<crm::csi_item>{}), crm::invalid_input);
  // Nobody answered: no value.
  const std::vector<double> blank{na, na};
  CHECK_FALSE(crm::csi(std::vector<crm::csi_item>{{blank, 1, 10, 1}}).mean);
}

TEST_CASE("complaint_rate: complaints over the base", "[satisfaction]") {
  CHECK(*crm::complaint_rate(3, 29).value() == Approx(3.0 / 29.0));
  CHECK_FALSE(crm::complaint_rate(0, 0).value());
  CHECK_THROWS_AS(crm::complaint_rate(5, 4), crm::invalid_input);
}
