#include "crm/rfm.hpp"

#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {

crm::day_t d(int y, unsigned m, unsigned day) { return crm::days_from_civil(y, m, day); }

// Seven customers, as_of 2024-04-01 (recency = days from the last order to as_of):
//   c0 Mar 31: 10                -> R 1 day,  F 1, M 10
//   c1 Mar 1: 20, Mar 30: 40     -> R 2,      F 2, M 30
//   c2 Mar 22: 30                -> R 10,     F 1, M 30
//   c3 Jan 1, Feb 1, Mar 22: 5 each -> R 10,  F 3, M 5
//   c4 Feb 1: 100                -> R 60,     F 1, M 100
//   c5 Mar 30: 30                -> R 2,      F 1, M 30
//   c6 Jan 15: 60, Jan 16: 0     -> R 76,     F 2, M 30
struct seven {
  std::vector<std::uint32_t> c{0, 1, 1, 2, 3, 3, 3, 4, 5, 6, 6};
  std::vector<crm::day_t> day{d(2024, 3, 31), d(2024, 3, 1),  d(2024, 3, 30), d(2024, 3, 22),
                              d(2024, 1, 1),  d(2024, 2, 1),  d(2024, 3, 22), d(2024, 2, 1),
                              d(2024, 3, 30), d(2024, 1, 15), d(2024, 1, 16)};
  std::vector<std::int64_t> amount{100000, 200000,  400000, 300000, 50000, 50000,
                                   50000,  1000000, 300000, 600000, 0};
  crm::customer_summary summary() const {
    crm::customer_summary s(7);
    s.update({c, day, amount, 7});
    return s;
  }
};

crm::rfm_options at_april() {
  crm::rfm_options o;
  o.as_of = d(2024, 4, 1);
  return o;
}

}  // namespace

TEST_CASE("rfm_scores: quantile scores as W1, ties by customer id", "[rfm]") {
  const crm::rfm_table t = crm::rfm_scores(seven{}.summary(), at_april());
  // N = 7: position i scores 1 + floor(5 (i - 1) / 7) = 1, 1, 2, 3, 3, 4, 5.
  // R (recency desc): c6 76, c4 60, c2 10, c3 10, c1 2, c5 2, c0 1.
  CHECK(t.r == std::vector<std::uint8_t>{5, 3, 2, 3, 1, 4, 1});
  // F asc: c0 1, c2 1, c4 1, c5 1, c1 2, c6 2, c3 3.
  CHECK(t.f == std::vector<std::uint8_t>{1, 3, 1, 5, 2, 3, 4});
  // M asc: c3 5, c0 10, c1 30, c2 30, c5 30, c6 30 (60 / 2), c4 100.
  CHECK(t.m == std::vector<std::uint8_t>{1, 2, 3, 1, 5, 3, 4});
  CHECK(t.recency_days == std::vector<std::int32_t>{1, 2, 10, 10, 60, 2, 76});
  CHECK(t.monetary[6] == Approx(30.0));
}

TEST_CASE("rfm_scores: recency keys too spread for counting are compared instead", "[rfm]") {
  // c6's two orders moved 224 years back (Jan 15 and 16, 1800): recency keys now span more than
  // max(N, 65536) days, so R is scored by comparison rather than by counting. The order of the
  // customers is unchanged (c6 is still the least recent), so the scores of the first case hold.
  seven s;
  s.day[9] = d(1800, 1, 15);
  s.day[10] = d(1800, 1, 16);
  const crm::rfm_table t = crm::rfm_scores(s.summary(), at_april());
  CHECK(t.recency_days[6] == d(2024, 4, 1) - d(1800, 1, 16));
  CHECK(t.r == std::vector<std::uint8_t>{5, 3, 2, 3, 1, 4, 1});
  CHECK(t.f == std::vector<std::uint8_t>{1, 3, 1, 5, 2, 3, 4});
  CHECK(t.m == std::vector<std::uint8_t>{1, 2, 3, 1, 5, 3, 4});
}

TEST_CASE("rfm_scores: M compares spends exactly where their doubles are equal", "[rfm]") {
  // c0 spends 2^53 + 1 and c1 2^53 (1/10000 units, one order each): both divide to the double
  // 2^53, and a tie by customer index would rank c0 first. Exactly, c1 < c0: c1 takes rank 0
  // (score 1 + floor(5·0/2) = 1) and c0 rank 1 (1 + floor(5·1/2) = 3).
  const std::vector<std::uint32_t> c{0, 1};
  const std::vector<crm::day_t> day{d(2024, 3, 1), d(2024, 3, 1)};
  const std::vector<std::int64_t> amount{(std::int64_t{1} << 53) + 1, std::int64_t{1} << 53};
  crm::customer_summary s(2);
  s.update({c, day, amount, 2});
  for (const crm::rfm_monetary mode : {crm::rfm_monetary::mean, crm::rfm_monetary::total}) {
    crm::rfm_options o = at_april();
    o.monetary = mode;
    CHECK(crm::rfm_scores(s, o).m == std::vector<std::uint8_t>{3, 1});
  }
}

TEST_CASE("rfm_scores: tie_rank decides ties", "[rfm]") {
  const std::vector<std::uint32_t> reversed{6, 5, 4, 3, 2, 1, 0};
  const crm::rfm_table t = crm::rfm_scores(seven{}.summary(), at_april(), reversed);
  // Rows come in tie order: c6, c5, ..., c0.
  CHECK(t.customer == std::vector<std::uint32_t>{6, 5, 4, 3, 2, 1, 0});
  // R: c6 76 (1), c4 60 (1), c3 10 (2), c2 10 (3), c5 2 (3), c1 2 (4), c0 1 (5).
  CHECK(t.r == std::vector<std::uint8_t>{1, 3, 1, 2, 3, 4, 5});
}

TEST_CASE("rfm_scores: other bin counts and cut points", "[rfm]") {
  crm::rfm_options o = at_april();
  o.bins = 3;  // 1 + floor(3 (i - 1) / 7) = 1, 1, 1, 2, 2, 3, 3
  const crm::rfm_table t3 = crm::rfm_scores(seven{}.summary(), o);
  CHECK(t3.f == std::vector<std::uint8_t>{1, 2, 1, 3, 1, 2, 3});
  o.bins = 5;
  o.recency_cuts = crm::rfm_cuts{{7, 30, 60, 90}};  // R = 5 - #(t <= v)
  o.frequency_cuts = crm::rfm_cuts{{2, 3, 4, 5}};   // F = 1 + #(t <= v)
  const crm::rfm_table c = crm::rfm_scores(seven{}.summary(), o);
  CHECK(c.r == std::vector<std::uint8_t>{5, 5, 4, 4, 2, 5, 2});
  CHECK(c.f == std::vector<std::uint8_t>{1, 2, 1, 3, 1, 1, 2});
}

TEST_CASE("rfm segments: default grid and the R rfm preset", "[rfm]") {
  const crm::rfm_table t = crm::rfm_scores(seven{}.summary(), at_april());
  const std::vector<crm::rfm_rule> grid = crm::default_segments();
  const auto name = [&](const std::vector<crm::rfm_rule>& rules, std::int32_t k) {
    return k < 0 ? std::string("-") : rules[static_cast<std::size_t>(k)].name;
  };
  const std::vector<std::int32_t> g = crm::assign_segments(t, grid);
  // (R, F): c0 (5,1) new, c1 (3,3) need attention, c2 (2,1) hibernating, c3 (3,5) loyal,
  // c4 (1,2) hibernating, c5 (4,3) potential loyalist, c6 (1,4) at risk.
  CHECK(name(grid, g[0]) == "new");
  CHECK(name(grid, g[1]) == "need attention");
  CHECK(name(grid, g[2]) == "hibernating");
  CHECK(name(grid, g[3]) == "loyal");
  CHECK(name(grid, g[5]) == "potential loyalist");
  CHECK(name(grid, g[6]) == "at risk");
  const std::vector<crm::rfm_rule> r = crm::r_rfm_segments();
  const std::vector<std::int32_t> s = crm::assign_segments(t, r);
  CHECK(name(r, s[0]) == "Potential Loyalist");  // (5,1,1)
  CHECK(name(r, s[4]) == "At Risk");             // (1,2,5)
  CHECK(s[3] == -1);                             // (3,5,1) matches no rule of the preset
}

TEST_CASE("default_segments: every (R, F) cell exactly once", "[rfm]") {
  const std::vector<crm::rfm_rule> grid = crm::default_segments();
  for (std::uint8_t r = 1; r <= 5; ++r) {
    for (std::uint8_t f = 1; f <= 5; ++f) {
      int matches = 0;
      for (const crm::rfm_rule& rule : grid) {
        matches += (r >= rule.r[0] && r <= rule.r[1] && f >= rule.f[0] && f <= rule.f[1]) ? 1 : 0;
      }
      CHECK(matches == 1);
    }
  }
}

TEST_CASE("rfm_cells: customers per cell, sorted", "[rfm]") {
  const crm::rfm_table t = crm::rfm_scores(seven{}.summary(), at_april());
  const std::vector<crm::rfm_cell> cells = crm::rfm_cells(t);
  REQUIRE(cells.size() == 7);
  CHECK(cells.front().r == 1);
  CHECK(cells.front().f == 2);
  CHECK(cells.front().m == 5);  // c4
  CHECK(cells.back().r == 5);   // c0 (5, 1, 1)
  CHECK(cells.back().customers == 1);
}

TEST_CASE("rfm_scores: empty input and bad options", "[rfm][edge][errors]") {
  CHECK(crm::rfm_scores(crm::customer_summary(3), at_april()).customer.empty());
  crm::rfm_options o = at_april();
  o.as_of = d(2024, 3, 31);  // not after the last order
  CHECK_THROWS_AS(crm::rfm_scores(seven{}.summary(), o), crm::invalid_input);
  o = at_april();
  o.bins = 1;
  CHECK_THROWS_AS(crm::rfm_scores(seven{}.summary(), o), crm::invalid_input);
  o = at_april();
  o.monetary_cuts = crm::rfm_cuts{{10, 5, 20, 30}};  // not ascending
  CHECK_THROWS_AS(crm::rfm_scores(seven{}.summary(), o), crm::invalid_input);
  const std::vector<std::uint32_t> short_rank{0, 1};
  CHECK_THROWS_AS(crm::rfm_scores(seven{}.summary(), at_april(), short_rank), crm::invalid_input);
}
