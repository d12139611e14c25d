#include "crm/scorecard.hpp"

#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {

using Catch::Matchers::Contains;
using crm::kpi;
using crm::kpi_direction;
using crm::kpi_status;
using crm::kpi_values;

kpi make(const char* metric, double target, kpi_direction d, std::optional<double> warn,
         std::optional<double> alert) {
  kpi k;
  k.metric = metric;
  k.target = target;
  k.direction = d;
  k.warn = warn;
  k.alert = alert;
  return k;
}

crm::kpi_result judge(const kpi& k, kpi_values v) {
  const std::vector<kpi> ks{k};
  const std::vector<kpi_values> vs{std::move(v)};
  return crm::evaluate_scorecard(ks, vs).kpis.front();
}

}  // namespace

TEST_CASE("evaluate_scorecard: absolute levels, higher is better", "[scorecard]") {
  // NPS target 40, warn below 30, alert below 20.
  const kpi k = make("nps", 40, kpi_direction::higher_is_better, 30, 20);
  CHECK(judge(k, {35.0, {}}).status == kpi_status::ok);
  CHECK(judge(k, {30.0, {}}).status == kpi_status::ok);  // at the level: not below it
  const auto w = judge(k, {25.0, {}});
  CHECK(w.status == kpi_status::warn);
  CHECK_THAT(w.reason, Contains("nps 25 is below the warn level 30"));
  CHECK(judge(k, {10.0, {}}).status == kpi_status::alert);
}

TEST_CASE("evaluate_scorecard: absolute and relative levels, lower is better", "[scorecard]") {
  // Churn target 0.05, warn above 0.06, alert above 0.08.
  const kpi k = make("churn_rate", 0.05, kpi_direction::lower_is_better, 0.06, 0.08);
  CHECK(judge(k, {0.04, {}}).status == kpi_status::ok);
  CHECK(judge(k, {0.07, {}}).status == kpi_status::warn);
  const auto a = judge(k, {0.09, {}});
  CHECK(a.status == kpi_status::alert);
  CHECK_THAT(a.reason, Contains("above the alert level 0.08"));
  // Relative: CAC target 100, warn at 110 % of it, alert at 130 %.
  kpi r = make("cac", 100, kpi_direction::lower_is_better, 1.1, 1.3);
  r.relative = true;
  CHECK(judge(r, {105.0, {}}).status == kpi_status::ok);
  CHECK(judge(r, {115.0, {}}).status == kpi_status::warn);
  CHECK(judge(r, {131.0, {}}).status == kpi_status::alert);
  // Relative, higher is better: CSAT target 0.8, warn under 90 % of it (0.72).
  kpi c = make("csat", 0.8, kpi_direction::higher_is_better, 0.9, std::nullopt);
  c.relative = true;
  CHECK(judge(c, {0.75, {}}).status == kpi_status::ok);
  CHECK(judge(c, {0.70, {}}).status == kpi_status::warn);
}

TEST_CASE("evaluate_scorecard: consecutive periods", "[scorecard]") {
  // Warn only when the last 3 periods are all below 30.
  kpi k = make("nps", 40, kpi_direction::higher_is_better, 30, std::nullopt);
  k.consecutive = 3;
  CHECK(judge(k, {25.0, {{35.0}, {28.0}, {25.0}}}).status == kpi_status::ok);  // 35 breaks it
  CHECK(judge(k, {25.0, {{10.0}, {29.0}, {28.0}, {25.0}}}).status == kpi_status::warn);
  CHECK(judge(k, {25.0, {{28.0}, {25.0}}}).status == kpi_status::ok);  // only 2 periods known
  CHECK(judge(k, {25.0, {std::nullopt, {28.0}, {25.0}}}).status == kpi_status::ok);
}

TEST_CASE("evaluate_scorecard: period-over-period change rule in both directions", "[scorecard]") {
  // Revenue may not drop more than 10 %: 1000 → 880 is −12 %.
  kpi up = make("revenue", 900, kpi_direction::higher_is_better, std::nullopt, std::nullopt);
  up.max_change = 0.10;
  const auto drop = judge(up, {880.0, {{1000.0}, {880.0}}});
  CHECK(drop.status == kpi_status::warn);
  CHECK_THAT(drop.reason, Contains("-12 %"));
  CHECK(judge(up, {950.0, {{1000.0}, {950.0}}}).status == kpi_status::ok);    // −5 %
  CHECK(judge(up, {1500.0, {{1000.0}, {1500.0}}}).status == kpi_status::ok);  // a rise
  // Response time may not rise more than 20 %: 50 → 65 min is +30 %.
  kpi down = make("first_response_time_median", 60, kpi_direction::lower_is_better, std::nullopt,
                  std::nullopt);
  down.max_change = 0.20;
  CHECK(judge(down, {65.0, {{50.0}, {65.0}}}).status == kpi_status::warn);
  CHECK(judge(down, {40.0, {{50.0}, {40.0}}}).status == kpi_status::ok);
}

TEST_CASE("evaluate_scorecard: achievement capped, weighted score", "[scorecard]") {
  // NPS 50 vs target 40: 1.25 → capped at 1.2. Churn 0.10 vs target 0.05 (lower is better):
  // 0.05 / 0.10 = 0.5. Weights 3 and 1: score = 100 × (3 × 1.2 + 1 × 0.5) / 4 = 102.5.
  const std::vector<kpi> ks{
      [] {
        kpi k = make("nps", 40, kpi_direction::higher_is_better, std::nullopt, std::nullopt);
        k.weight = 3;
        return k;
      }(),
      make("churn_rate", 0.05, kpi_direction::lower_is_better, std::nullopt, std::nullopt)};
  const std::vector<kpi_values> vs{{50.0, {}}, {0.10, {}}};
  const crm::scorecard_result s = crm::evaluate_scorecard(ks, vs);
  CHECK(*s.kpis[0].achievement == Approx(1.2));
  CHECK(*s.kpis[1].achievement == Approx(0.5));
  CHECK(*s.score == Approx(102.5));
  // Another cap: 1.0 → 100 × (3 × 1.0 + 0.5) / 4 = 87.5.
  crm::scorecard_options one;
  one.achievement_cap = 1.0;
  CHECK(*crm::evaluate_scorecard(ks, vs, one).score == Approx(87.5));
}

TEST_CASE("evaluate_scorecard: a missing metric is a status, not a crash", "[scorecard][edge]") {
  const std::vector<kpi> ks{
      make("nps", 40, kpi_direction::higher_is_better, 30, 20),
      make("cac", 100, kpi_direction::lower_is_better, std::nullopt, std::nullopt)};
  const std::vector<kpi_values> vs{{std::nullopt, {}}, {80.0, {}}};
  const crm::scorecard_result s = crm::evaluate_scorecard(ks, vs);
  CHECK(s.kpis[0].status == kpi_status::missing);
  CHECK_THAT(s.kpis[0].reason, Contains("nps has no value"));
  CHECK(s.worst == kpi_status::missing);
  // The score covers the KPIs with values: CAC 100 / 80 = 1.25 → cap 1.2 → 120.
  CHECK(*s.score == Approx(120.0));
  // Nothing has a value: no score.
  const std::vector<kpi_values> none{{std::nullopt, {}}, {std::nullopt, {}}};
  CHECK_FALSE(crm::evaluate_scorecard(ks, none).score);
}

TEST_CASE("evaluate_scorecard: bad KPIs are errors naming them", "[scorecard][errors]") {
  kpi k = make("nps", 40, kpi_direction::higher_is_better, 30, 20);
  k.weight = 0;
  const std::vector<kpi_values> v{{1.0, {}}};
  CHECK_THROWS_WITH(crm::evaluate_scorecard(std::vector<kpi>{k}, v), Contains("KPI nps"));
  k.weight = 1;
  k.consecutive = 0;
  CHECK_THROWS_AS(crm::evaluate_scorecard(std::vector<kpi>{k}, v), crm::invalid_input);
  CHECK_THROWS_AS(crm::evaluate_scorecard(std::vector<kpi>{}, v), crm::invalid_input);
}
