// The report over the multi-table example company of examples/data/ (the README's quick start).
// Every expected figure is worked out by hand from the CSV files in the comments; none comes from
// running our code.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/io/input_error.hpp"
#include "crm/io/reader.hpp"
#include "crm/io/report.hpp"

namespace {

using crm::metric_result;
using crm::metric_status;
using crm::io::report;

std::string example(const char* name) { return std::string(CRM_EXAMPLES_DIR) + "/" + name; }

report company(crm::io::report_options options = {}) {
  std::vector<crm::io::read_result> in;
  for (const char* f : {"orders.csv", "customers.csv", "surveys.csv", "tickets.csv", "leads.csv",
                        "costs.csv", "retention_actions.csv"}) {
    in.push_back(crm::io::read_table(example(f)));
  }
  return crm::io::build_report(in, options);
}

/// The first whole-range result of `id` (or of a group / period) whose variant starts so.
const metric_result* find(const report& r, const std::string& id,
                          std::optional<std::string> period = std::nullopt,
                          std::vector<std::pair<std::string, std::string>> group = {},
                          const std::string& variant_prefix = "") {
  for (const metric_result& m : r.metrics) {
    if (m.id == id && m.period == period && m.group == group &&
        m.variant.rfind(variant_prefix, 0) == 0) {
      return &m;
    }
  }
  return nullptr;
}

double value(const report& r, const std::string& id, std::optional<std::string> period = {},
             std::vector<std::pair<std::string, std::string>> group = {},
             const std::string& variant_prefix = "") {
  const metric_result* m = find(r, id, std::move(period), std::move(group), variant_prefix);
  REQUIRE(m != nullptr);
  REQUIRE(m->status == metric_status::ok);
  return *m->value;
}

}  // namespace

TEST_CASE("report: the example company's survey figures", "[report][company]") {
  const report r = company();
  // nps answers 10,9,6,9,3,8,10,7,9 (R10 blank): promoters 5 (10,9,9,10,9), passives 2 (8,7),
  // detractors 2 (6,3); NPS = 100 (5 − 2) / 9 = 33.333.
  CHECK(value(r, "nps") == Approx(100.0 / 3.0));
  CHECK(find(r, "nps")->n == 9);
  CHECK(value(r, "promoters_share") == Approx(5.0 / 9.0));
  CHECK(value(r, "detractors_share") == Approx(2.0 / 9.0));
  // csat 5,4,3,4,2,4,5,5,4 (R08 blank): 7 of 9 are 4 or 5; mean 36 / 9 = 4.
  CHECK(value(r, "csat") == Approx(7.0 / 9.0));
  CHECK(value(r, "csat_mean") == Approx(4.0));
  // CSI, items q_quality and q_service on 1..10, equal weights: per respondent the mean of
  // (x − 1) / 9 × 100 over the answered items: (x1 − 1 + x2 − 1) / 18 × 100, R09 (9, blank)
  // 8 / 9 × 100. Numerators over 18: 15, 13, 9, 15, 5, 12, 17, 11, 16 (R09: 8/9 = 16/18), 14
  // → Σ 127; mean = 127 / 18 / 10 × 100 = 70.556.
  CHECK(value(r, "csi") == Approx(127.0 / 180.0 * 100.0));
  CHECK(find(r, "csi")->n == 10);
  // Per month: March 2024 has R01 (10) and R02 (9): NPS 100.
  CHECK(value(r, "nps", "2024-03") == Approx(100.0));
  // nps_change, the last two months with NPS answers: August (R09 9: NPS 100, SE 0) vs July
  // (R07 10, R08 7: NPS 50, SE = 100 sqrt((0.5 + 0 − 0.5²) / 2) = 35.355): +50 points, SE
  // sqrt(35.355² + 0²), 95 % interval 50 ± 1.959964 × 35.355 = [−19.30, 119.30].
  const metric_result* change = find(r, "nps_change");
  REQUIRE(change != nullptr);
  CHECK(*change->value == Approx(50.0));
  REQUIRE(change->ci);
  CHECK(change->ci->low == Approx(50.0 - 1.959964 * 35.35534).epsilon(1e-5));
  CHECK(change->ci->high == Approx(50.0 + 1.959964 * 35.35534).epsilon(1e-5));
}

TEST_CASE("report: the example company's service figures", "[report][company]") {
  const report r = company();
  // First responses in minutes: 30, 60, 20, 120, 15, 45, 120 (T08 none yet): sorted 15 20 30 45
  // 60 120 120; median 45, mean 410 / 7, p90 (type 7: h = 6 × 0.9 = 5.4) 120 + 0.4 × 0 = 120.
  CHECK(value(r, "first_response_time_median") == Approx(45.0));
  CHECK(value(r, "first_response_time_mean") == Approx(410.0 / 7.0));
  CHECK(value(r, "first_response_time_p90") == Approx(120.0));
  // Resolutions in hours: 3, 24, 24, 4, 18, 48: sorted 3 4 18 24 24 48; median (18 + 24) / 2 =
  // 21, mean 121 / 6, p90 h = 5 × 0.9 = 4.5 → 24 + 0.5 × (48 − 24) = 36.
  CHECK(value(r, "resolution_time_median") == Approx(21.0));
  CHECK(value(r, "resolution_time_mean") == Approx(121.0 / 6.0));
  CHECK(value(r, "resolution_time_p90") == Approx(36.0));
  CHECK(value(r, "resolution_rate") == Approx(6.0 / 8.0));
  CHECK(value(r, "open_tickets") == 2.0);
  // Resolved 6, of which T02 was reopened: 5 / 6.
  CHECK(value(r, "first_contact_resolution_rate") == Approx(5.0 / 6.0));
  // Complaints T02, T03, T06 = 3 over the 29 orders.
  CHECK(value(r, "complaint_rate") == Approx(3.0 / 29.0));
  // Ticket ratings 5, 2, 3, 4, 5, 4: four are 4 or 5.
  CHECK(value(r, "service_satisfaction") == Approx(4.0 / 6.0));
}

TEST_CASE("report: the example company's acquisition and cost figures", "[report][company]") {
  const report r = company();
  // 20 leads, 12 won.
  CHECK(value(r, "leads") == 20.0);
  CHECK(value(r, "conversion_rate") == Approx(12.0 / 20.0));
  // Days to convert: 12 13 17 13 18 8 13 13 17 16 13 12 → sorted, 6th and 7th are 13 and 13.
  CHECK(value(r, "time_to_convert_median") == Approx(13.0));
  // By source: search 5 of 9, social 4 of 7, referral 3 of 4.
  CHECK(value(r, "conversion_rate", std::nullopt, {{"source", "search"}}) == Approx(5.0 / 9.0));
  CHECK(value(r, "conversion_rate", std::nullopt, {{"source", "referral"}}) == Approx(0.75));
  // Acquisition spend: search 500, social 360, referral 150 = 1010 over 12 customers.
  CHECK(value(r, "cac") == Approx(1010.0 / 12.0));
  CHECK(value(r, "cac", std::nullopt, {{"channel", "search"}}) == Approx(500.0 / 5.0));
  CHECK(value(r, "cac", std::nullopt, {{"channel", "social"}}) == Approx(360.0 / 4.0));
  CHECK(value(r, "cac", std::nullopt, {{"channel", "referral"}}) == Approx(150.0 / 3.0));
  // Revenue 2440.40 (Σ of the 29 orders, python3 sum of the amount column):
  // ROI (2440.40 − 1010) / 1010, ROAS 2440.40 / 1010.
  CHECK(value(r, "marketing_roi") == Approx((2440.40 - 1010.0) / 1010.0));
  CHECK(value(r, "roas") == Approx(2440.40 / 1010.0));
  // Retention actions: 5 entered, 2 retained (C008, C011), 1 pending: 2 / 5; cost 100 / 2.
  CHECK(value(r, "retention_success_rate") == Approx(0.4));
  CHECK(value(r, "retention_cost") == Approx(50.0));
  // Retention spend 40 + 60 + 50 = 150 over the 2 customers the actions retained.
  CHECK(value(r, "crc") == Approx(75.0));
}

TEST_CASE("report: --by joins a customers-table dimension onto orders and surveys",
          "[report][company]") {
  crm::io::report_options o;
  o.by = {"region"};
  const report r = company(o);
  // North: C001 C003 C005 C006 C008 C010 C012 (7), South: C002 C004 C007 C009 C011 (5).
  CHECK(value(r, "customers", std::nullopt, {{"region", "North"}}) == 7.0);
  CHECK(value(r, "customers", std::nullopt, {{"region", "South"}}) == 5.0);
  // South's NPS answers: C011 6, C004 8, C009 9 → 1 promoter, 1 detractor: 0.
  CHECK(value(r, "nps", std::nullopt, {{"region", "South"}}) == Approx(0.0).margin(1e-12));
}

TEST_CASE("report: an out-of-scale survey answer names file, line and column", "[report][errors]") {
  std::vector<crm::io::read_result> in;
  in.push_back(crm::io::read_table_from_memory(
      "s.csv", "response_id,responded_at,nps\nr1,2024-01-02,9\nr2,2024-01-03,11\n"));
  CHECK_THROWS_WITH(crm::io::build_report(in, {}), Catch::Matchers::StartsWith("s.csv:3:3: ") &&
                                                       Catch::Matchers::Contains("11") &&
                                                       Catch::Matchers::Contains("nps"));
}

TEST_CASE("report: a ticket resolved before it was created is rejected with the reason",
          "[report][errors]") {
  std::vector<crm::io::read_result> in;
  in.push_back(crm::io::read_table_from_memory(
      "t.csv",
      "ticket_id,created_at,resolved_at\nt1,2024-01-02 10:00,2024-01-02 12:00\n"
      "t2,2024-01-05 10:00,2024-01-04 09:00\n"));
  CHECK_THROWS_WITH(crm::io::build_report(in, {}),
                    Catch::Matchers::StartsWith("t.csv:3:3: ") &&
                        Catch::Matchers::Contains("before it was created"));
}

TEST_CASE("report: long-form surveys (score + survey_type + question_id)", "[report][surveys]") {
  // Respondent A answers NPS 10, CSAT 4 and two CSI items 10 and 1 (on 1..10); B answers NPS 3
  // and one CSI item 7; C answers CSAT 2.
  // NPS: 1 promoter, 1 detractor of 2 → 0. CSAT: 4 and 2 → 1 of 2 satisfied.
  // CSI per respondent: A (100 + 0) / 2 = 50, B (7 − 1)/9 × 100 = 66.667 → mean 58.333.
  const char* text =
      "response_id,responded_at,survey_type,question_id,score\n"
      "A,2024-05-01,NPS,q1,10\n"
      "A,2024-05-01,CSAT,q2,4\n"
      "A,2024-05-01,csi,quality,10\n"
      "A,2024-05-01,csi,service,1\n"
      "B,2024-05-02,nps,q1,3\n"
      "B,2024-05-02,csi,quality,7\n"
      "C,2024-05-03,csat,q2,2\n";
  std::vector<crm::io::read_result> in;
  in.push_back(crm::io::read_table_from_memory("long.csv", text));
  REQUIRE(in.back().data.kind() == crm::io::table_kind::surveys);
  const report r = crm::io::build_report(in, {});
  CHECK(value(r, "nps") == Approx(0.0).margin(1e-12));
  CHECK(find(r, "nps")->n == 2);
  CHECK(value(r, "csat") == Approx(0.5));
  CHECK(value(r, "csi") == Approx((50.0 + 600.0 / 9.0) / 2.0));
  CHECK(find(r, "csi")->n == 2);
}

TEST_CASE("report: a bare score column is read by its scale, or as --survey-type says",
          "[report][surveys]") {
  // Answers 1..5 only: CSAT (4 and 5 of 1, 4, 5, 2 → 2 of 4).
  std::vector<crm::io::read_result> in;
  in.push_back(crm::io::read_table_from_memory(
      "s.csv", "responded_at,score\n2024-01-01,1\n2024-01-02,4\n2024-01-03,5\n2024-01-04,2\n"));
  const report csat = crm::io::build_report(in, {});
  CHECK(value(csat, "csat") == Approx(0.5));
  CHECK(find(csat, "nps")->status == metric_status::not_computable);
  // The same answers as NPS on request: 4 detractors → −100.
  crm::io::report_options o;
  o.survey_type = "nps";
  CHECK(value(crm::io::build_report(in, o), "nps") == Approx(-100.0));
}

TEST_CASE("report: the lead funnel over --funnel-stages", "[report][company]") {
  crm::io::report_options o;
  o.funnel_stages = {"open", "won"};
  const report r = company(o);
  // leads.csv status: 3 open, 12 won, 5 lost (lost is not a stage: left out). Reached "open" =
  // 3 + 12 = 15, "won" = 12; step conversion 12 / 15.
  CHECK(value(r, "funnel_reached", std::nullopt, {{"stage", "1 open"}}) == 15.0);
  CHECK(value(r, "funnel_reached", std::nullopt, {{"stage", "2 won"}}) == 12.0);
  CHECK(value(r, "funnel_step_conversion", std::nullopt, {{"stage", "2 won"}}) ==
        Approx(12.0 / 15.0));
  CHECK(value(r, "funnel_conversion", std::nullopt, {{"stage", "2 won"}}) == Approx(0.8));
}

TEST_CASE("report: per-period values carry their change from the period before",
          "[report][company]") {
  const report r = company();
  // Revenue: November 91.65 + 39.71 + 19.83 = 151.19, December 22.19 + 60.65 = 82.84:
  // change −68.35, relative −68.35 / 151.19 = −0.45208.
  const metric_result* dec = find(r, "revenue", "2024-12");
  REQUIRE(dec != nullptr);
  REQUIRE(dec->change);
  CHECK(*dec->change == Approx(-68.35));
  CHECK(*dec->change_ratio == Approx(-68.35 / 151.19));
  CHECK(*dec->previous_period == "2024-11");
  // The first period has no change; the whole range has none either.
  CHECK_FALSE(find(r, "revenue", "2024-02")->change);
  CHECK_FALSE(find(r, "revenue")->change);
  // NPS per month: July 50 (10, 7), August 100 (9): +50 from 2024-07.
  const metric_result* aug = find(r, "nps", "2024-08");
  CHECK(*aug->change == Approx(50.0));
  CHECK(*aug->previous_period == "2024-07");
}

TEST_CASE("report: CSI weights from the options", "[report][company]") {
  // Weights quality 2, service 1: per respondent (2 (x1 − 1) + (x2 − 1)) / 27 × 100 over the
  // answered items. Numerators over 27 (x1, x2): R01 (9,8) 16+7=23, R02 (8,7) 14+6=20, R03 (6,5)
  // 10+4=14, R04 (8,9) 14+8=22, R05 (4,3) 6+2=8, R06 (7,7) 12+6=18, R07 (10,9) 18+8=26, R08 (7,6)
  // 12+5=17, R10 (8,8) 14+7=21; R09 answered quality 9 only: 8/9 = 24/27. Σ = 193 → mean
  // 193 / 27 / 10 × 100 = 71.481.
  crm::io::report_options o;
  o.csi_weights = {{"quality", 2.0}, {"q_service", 1.0}};
  CHECK(value(company(o), "csi") == Approx(193.0 / 270.0 * 100.0));
}

TEST_CASE("report: CES scale and direction from the options", "[report][surveys]") {
  // Answers 5 and 2 on the older 1..5 "how much effort" scale: mean 3.5, 1 = least effort; a 6
  // would be out of that scale.
  std::vector<crm::io::read_result> in;
  in.push_back(
      crm::io::read_table_from_memory("ces.csv", "responded_at,ces\n2024-01-01,5\n2024-01-02,2\n"));
  crm::io::report_options o;
  o.ces_scale = {1.0, 5.0};
  o.ces_higher_is_easier = false;
  const report r = crm::io::build_report(in, o);
  CHECK(value(r, "ces") == Approx(3.5));
  CHECK(find(r, "ces")->variant == "mean on 1..5 (1 = least effort)");
  std::vector<crm::io::read_result> six;
  six.push_back(crm::io::read_table_from_memory("ces.csv", "responded_at,ces\n2024-01-01,6\n"));
  CHECK_THROWS_WITH(crm::io::build_report(six, o), Catch::Matchers::Contains("ces.csv:2:2: "));
}
