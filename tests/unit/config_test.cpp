#include "crm/io/config.hpp"

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {
using Catch::Matchers::Contains;
using crm::io::parse_config;
}  // namespace

TEST_CASE("parse_config: every section read", "[config]") {
  const auto c = parse_config(R"({
    "as_of": "2024-12-31", "period": "quarter", "tz": "Asia/Shanghai", "currency": "CNY",
    "map": {"customer_id": "会员编号"},
    "metrics": {
      "churn": {"inactivity_days": 60, "denominator": "average", "include_new": true},
      "repeat_within_days": 30, "margin": 0.4, "csat": {"scale": [1, 10]},
      "csi": {"scale": [0, 100]}, "survey_type": "nps", "rfm": {"monetary": "total", "segments": "rfm"},
      "service": {"business_hours": "08:30-17:30", "work_days": "1-6", "holidays": ["2024-10-01"]},
      "funnel_stages": ["lead", "won"]
    },
    "scorecard": {"achievement_cap": 1.5, "kpis": [
      {"metric": "churn_rate", "weight": 2, "target": 0.05, "direction": "lower", "warn": 1.2,
       "alert": 1.5, "relative": true, "consecutive": 2, "max_change": 0.1, "on": "last_period"}]}
  })",
                              "c.json");
  CHECK(*c.report.as_of == crm::days_from_civil(2024, 12, 31));
  CHECK(c.report.period == crm::period_kind::quarter);
  CHECK(*c.tz == "Asia/Shanghai");
  CHECK(c.map.front() == std::pair<std::string, std::string>{"customer_id", "会员编号"});
  CHECK(c.report.inactivity_days == 60);
  CHECK(c.report.churn_denominator == crm::churn_base::average);
  CHECK(c.report.churn_include_new);
  CHECK(c.report.gross_margin == 0.4);
  CHECK(c.report.csat_scale == std::pair{1.0, 10.0});
  CHECK(c.report.rfm_m == crm::rfm_monetary::total);
  CHECK(c.report.business_hours);
  CHECK(c.report.calendar.open_second == 8 * 3600 + 1800);
  CHECK(c.report.calendar.working_days == 0x3F);
  CHECK(c.report.funnel_stages.size() == 2);
  REQUIRE(c.kpis.size() == 1);
  CHECK(c.kpis[0].direction == crm::kpi_direction::lower_is_better);
  CHECK(c.kpis[0].relative);
  CHECK(c.kpis[0].consecutive == 2);
  CHECK(*c.kpis[0].max_change == 0.1);
  CHECK(c.kpi_on_last_period[0] == 1);
  CHECK(c.scorecard.achievement_cap == 1.5);
}

TEST_CASE("parse_config: unknown keys name their path and the closest key", "[config][errors]") {
  CHECK_THROWS_WITH(parse_config(R"({"perod": "month"})", "c.json"),
                    "c.json: perod: unknown key; did you mean 'period'?");
  CHECK_THROWS_WITH(parse_config(R"({"metrics": {"churn": {"inactivity": 60}}})", "c.json"),
                    Contains("metrics.churn.inactivity: unknown key; did you mean "
                             "'inactivity_days'?"));
  CHECK_THROWS_WITH(
      parse_config(R"({"scorecard": {"kpis": [{"metric": "nps", "target": 1}, {"metric": "nps",
                   "target": 2, "wieght": 3}]}})",
                   "c.json"),
      Contains("scorecard.kpis[1].wieght: unknown key; did you mean 'weight'?"));
  // Nothing close: no suggestion.
  CHECK_THROWS_WITH(parse_config(R"({"zzzzzz": 1})", "c.json"), "c.json: zzzzzz: unknown key");
}

TEST_CASE("parse_config: wrong types and values", "[config][errors]") {
  CHECK_THROWS_WITH(parse_config(R"({"period": 3})", "c.json"),
                    Contains("period: expected a string"));
  CHECK_THROWS_WITH(parse_config(R"({"period": "monthly"})", "c.json"),
                    Contains("'monthly' is not one of day, week, month, quarter, year; did you "
                             "mean 'month'?"));
  CHECK_THROWS_WITH(parse_config(R"({"as_of": "2024-02-30"})", "c.json"),
                    Contains("as_of: expected YYYY-MM-DD"));
  CHECK_THROWS_WITH(parse_config(R"({"metrics": {"margin": 1.5}})", "c.json"),
                    Contains("metrics.margin: expected a fraction 0..1"));
  CHECK_THROWS_WITH(parse_config(R"({"metrics": {"csat": {"scale": [5, 1]}}})", "c.json"),
                    Contains("metrics.csat.scale: expected [min, max]"));
  CHECK_THROWS_WITH(
      parse_config(R"({"scorecard": {"kpis": [{"metric": "npss", "target": 1}]}})", "c.json"),
      Contains("did you mean 'nps'?"));
  CHECK_THROWS_WITH(parse_config(R"({"scorecard": {"kpis": [{"metric": "nps"}]}})", "c.json"),
                    Contains("a KPI needs \"target\""));
  CHECK_THROWS_WITH(
      parse_config(R"({"metrics": {"service": {"business_hours": "18:00-09:00"}}})", "c.json"),
      Contains("overnight"));
  CHECK_THROWS_WITH(parse_config("{not json", "c.json"), Contains("c.json: not valid JSON"));
  CHECK_THROWS_WITH(parse_config("[]", "c.json"), Contains("expected an object"));
}

TEST_CASE("closest, parse_scale, parse_hours, parse_work_days", "[config]") {
  CHECK(crm::io::closest("wieght", {"weight", "target"}) == "weight");
  CHECK(crm::io::closest("xyz", {"weight", "target"}).empty());
  CHECK(*crm::io::parse_scale("0-10") == std::pair{0.0, 10.0});
  CHECK_FALSE(crm::io::parse_scale("5-1"));
  CHECK(*crm::io::parse_hours("09:00-24:00") == std::pair{9 * 3600, 86400});
  CHECK_FALSE(crm::io::parse_hours("9:00-18:00"));
  CHECK(*crm::io::parse_work_days("1,3,5-7") == 0x75);
  CHECK_FALSE(crm::io::parse_work_days("0-5"));
}

TEST_CASE("parse_config: CSAT method, CSI weights, RFM cut points", "[config]") {
  const auto c = parse_config(R"({"metrics": {
      "csat": {"method": "binary"}, "ces": {"scale": [1, 5], "easy_end": "low"},
      "csi": {"weights": {"quality": 2, "q_service": 1}},
      "rfm": {"cuts": {"recency": [30, 90, 180, 365], "frequency": [1, 2, 4, 8]}}}})",
                              "c.json");
  CHECK(c.report.csat_scale == std::pair{0.0, 1.0});
  CHECK(*c.report.csat_satisfied_from == 1.0);
  CHECK(c.report.ces_scale == std::pair{1.0, 5.0});
  CHECK_FALSE(c.report.ces_higher_is_easier);
  REQUIRE(c.report.csi_weights.size() == 2);
  CHECK(c.report.csi_weights[0] == std::pair<std::string, double>{"q_service", 1.0});
  CHECK(c.report.rfm_recency_cuts->thresholds == std::vector<double>{30, 90, 180, 365});
  CHECK_FALSE(c.report.rfm_monetary_cuts);
  CHECK_THROWS_WITH(parse_config(R"({"metrics": {"rfm": {"cuts": {"frequency": [2, 1]}}}})", "c"),
                    Contains("metrics.rfm.cuts.frequency[1]: thresholds must ascend"));
  CHECK_THROWS_WITH(parse_config(R"({"metrics": {"csi": {"weights": {"quality": 0}}}})", "c"),
                    Contains("metrics.csi.weights.quality: expected a weight > 0"));
}
