#include "crm/io/report.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"
#include "crm/io/reader.hpp"

namespace {

using Catch::Matchers::Contains;

// Eight order lines by hand. A1 has two lines (15.50 together), A4 is a refund (-5.00), A5 has
// no customer. The orders the report counts:
//   A1 c1 2024-01-05 15.50 | A2 c2 2024-01-20 20.00 | A3 c1 2024-02-03 30.00
//   A7 c3 2024-03-01  8.00 | A6 c2 2024-03-15 12.25
constexpr const char* lines =
    "order_id,customer_id,order_date,amount,category\n"
    "A1,c1,2024-01-05,10.00,books\n"
    "A1,c1,2024-01-05,5.50,music\n"
    "A2,c2,2024-01-20,20.00,books\n"
    "A3,c1,2024-02-03,30.00,books\n"
    "A4,c3,2024-02-10,-5.00,books\n"
    "A5,,2024-02-11,7.00,books\n"
    "A6,c2,2024-03-15,12.25,music\n"
    "A7,c3,2024-03-01,8.00,music\n";

crm::io::report make_report(const std::string& csv, crm::io::report_options options = {}) {
  std::vector<crm::io::read_result> in;
  in.push_back(crm::io::read_table_from_memory("lines.csv", csv));
  return crm::io::build_report(in, options);
}

const crm::metric_result* find(const crm::io::report& r, const std::string& id,
                               std::optional<std::string> period = std::nullopt,
                               const std::string& variant_prefix = "") {
  for (const crm::metric_result& m : r.metrics) {
    if (m.id == id && m.period == period && m.group.empty() &&
        m.variant.rfind(variant_prefix, 0) == 0) {
      return &m;
    }
  }
  return nullptr;
}

double value(const crm::io::report& r, const std::string& id,
             std::optional<std::string> period = std::nullopt, const std::string& variant = "") {
  const crm::metric_result* m = find(r, id, std::move(period), variant);
  REQUIRE(m != nullptr);
  REQUIRE(m->value.has_value());
  return *m->value;
}

}  // namespace

TEST_CASE("build_report: whole-range order metrics of a hand-made file", "[report]") {
  const crm::io::report r = make_report(lines);
  CHECK(crm::format_date(r.as_of) == "2024-03-16");  // the day after the last order
  CHECK(value(r, "customers") == 3);
  CHECK(value(r, "orders") == 5);
  CHECK(value(r, "revenue") == Approx(85.75));  // 15.50 + 20 + 30 + 8 + 12.25
  CHECK(value(r, "aov") == Approx(17.15));      // 85.75 / 5
  CHECK(value(r, "purchase_frequency") == Approx(5.0 / 3.0));
  CHECK(value(r, "repeat_purchase_rate") == Approx(2.0 / 3.0));  // c1, c2 of 3
  // Spans: c1 29 days, c2 55 days (Jan 20 -> Mar 15, leap year), c3 0: 84 / 3 / 365.25.
  CHECK(value(r, "customer_lifespan_years") == Approx(28.0 / 365.25));
  // (5/3) / (71 / 365.25): first order Jan 5, last Mar 15, 71 days inclusive.
  CHECK(value(r, "purchase_frequency_per_year") == Approx(8.57394366197183));
  // 17.15 × 8.57394366197183 × 0.07665982203969883 (python3 fractions).
  CHECK(value(r, "clv_simple", std::nullopt, "observed_span") == Approx(11.272300469483568));
  CHECK(value(r, "top20_revenue_share") == Approx(45.50 / 85.75));  // c1 alone
  CHECK(value(r, "refund_rate") == Approx(5.0 / 85.75));
  CHECK(value(r, "net_revenue") == Approx(80.75));
  // c1 books+music, c2 books+music, c3 music (its books line is the refund): 2 of 3.
  CHECK(value(r, "cross_sell_rate") == Approx(2.0 / 3.0));
  // c1 Jan 15.50 -> Feb 30.00 grew; c2 Jan 20.00 -> Mar 12.25 did not: 1 of 2.
  CHECK(value(r, "upsell_rate") == Approx(0.5));
}

TEST_CASE("build_report: notes say what was left out", "[report]") {
  const crm::io::report r = make_report(lines);
  std::string all;
  for (const std::string& n : r.notes) all += n + "\n";
  CHECK_THAT(all, Contains("1 rows without a customer id"));
  CHECK_THAT(all, Contains("1 lines were combined into orders"));
  CHECK_THAT(all, Contains("1 orders with a negative total are counted as refunds"));
}

TEST_CASE("build_report: per-month activity, retention and cohorts", "[report]") {
  const crm::io::report r = make_report(lines);
  // Jan {c1, c2}; Feb {c1}; Mar {c2, c3}.
  CHECK(value(r, "active_customers", "2024-01") == 2);
  CHECK(value(r, "active_customers", "2024-02") == 1);
  CHECK(value(r, "active_customers", "2024-03") == 2);
  CHECK(value(r, "new_customers", "2024-03") == 1);                    // c3
  CHECK(find(r, "retained_customers", "2024-01") == nullptr);          // no previous month
  CHECK(value(r, "active_retention_rate", "2024-02") == Approx(0.5));  // c1 of {c1, c2}
  CHECK(value(r, "active_retention_rate", "2024-03") == Approx(0.0));  // c1 gone
  CHECK(value(r, "revenue", "2024-02") == Approx(30.0));
  REQUIRE(r.cohorts.has_value());
  REQUIRE(r.cohorts->rows.size() == 2);  // Jan and Mar; Feb has no new customer
  const crm::cohort_row& jan = r.cohorts->rows[0];
  CHECK(jan.size == 2);
  CHECK(jan.active == std::vector<std::uint64_t>{2, 1, 1});  // c1 in Feb, c2 in Mar
  CHECK(jan.revenue_e4 == std::vector<std::int64_t>{355000, 300000, 122500});
  CHECK(r.cohorts->rows[1].active == std::vector<std::uint64_t>{1});
}

TEST_CASE("build_report: RFM cells as W1 scores them", "[report][rfm]") {
  const crm::io::report r = make_report(lines);
  REQUIRE(r.rfm.has_value());
  // N = 3, score(i) = 1 + floor(5 (i - 1) / 3) = 1, 2, 4.
  // R by recency desc: c1 42 d, c3 15 d, c2 1 d -> c1 1, c3 2, c2 4.
  // F asc, ties by id: c3 1, c1 2, c2 2 -> c3 1, c1 2, c2 4.
  // M (mean) asc: c3 8.00, c2 16.125, c1 22.75 -> c3 1, c2 2, c1 4.
  std::vector<std::array<unsigned, 4>> cells;
  for (const crm::rfm_cell& c : r.rfm->cells)
    cells.push_back({c.r, c.f, c.m, unsigned(c.customers)});
  CHECK(cells == std::vector<std::array<unsigned, 4>>{{1, 2, 4, 1}, {2, 1, 1, 1}, {4, 4, 2, 1}});
  CHECK(r.rfm->mean_recency_days == Approx((42.0 + 1.0 + 15.0) / 3.0));
  CHECK(r.rfm->mean_monetary == Approx((22.75 + 16.125 + 8.0) / 3.0));
}

TEST_CASE("build_report: as-of leaves later orders out and says so", "[report]") {
  crm::io::report_options o;
  o.as_of = *crm::parse_iso_date("2024-03-01");
  const crm::io::report r = make_report(lines, o);
  CHECK(value(r, "orders") == 3);  // A1, A2, A3
  CHECK(value(r, "customers") == 2);
  std::string all;
  for (const std::string& n : r.notes) all += n;
  CHECK_THAT(all, Contains("2 orders on or after the as-of date 2024-03-01"));
}

TEST_CASE("build_report: --by gives whole-range metrics per value", "[report]") {
  crm::io::report_options o;
  o.by = {"category"};
  const crm::io::report r = make_report(lines, o);
  // Orders by the category of their first line: books A1 A2 A3; music A6 A7.
  int seen = 0;
  for (const crm::metric_result& m : r.metrics) {
    if (m.id != "orders" || m.group.empty()) continue;
    ++seen;
    if (m.group[0].second == "books") CHECK(*m.value == 3);
    if (m.group[0].second == "music") CHECK(*m.value == 2);
  }
  CHECK(seen == 2);
  // Up-sell per group, from the group's own grouping: books has c1 (Jan 15.50 -> Feb 30.00, grew)
  // and c2 (one month only): 1 of 1. Music has nobody in two months: no value.
  for (const crm::metric_result& m : r.metrics) {
    if (m.id != "upsell_rate" || m.group.empty()) continue;
    if (m.group[0].second == "books") CHECK(*m.value == Approx(1.0));
    if (m.group[0].second == "music") CHECK_FALSE(m.value.has_value());
  }
  o.by = {"no_such_column"};
  CHECK_THROWS_WITH(make_report(lines, o), Contains("--by names no column"));
}

TEST_CASE("build_report: inputs handed over (their consumed columns freed) give the same figures",
          "[report]") {
  // Read as the CLI reads (compact 32-bit columns) and as the library reads by default.
  crm::io::read_options read;
  read.compact_integers = GENERATE(false, true);
  const auto owned = [&read](const std::string& csv, const crm::io::report_options& o) {
    std::vector<crm::io::read_result> in;
    in.push_back(crm::io::read_table_from_memory("lines.csv", csv, read));
    return crm::io::build_report(std::move(in), o);
  };
  // With a category the order dates stay (cross-sell reads them); the order ids go.
  const crm::io::report r = owned(lines, {});
  CHECK(value(r, "orders") == 5);  // A1's two lines combined by order id before the ids go
  CHECK(value(r, "revenue") == Approx(85.75));
  CHECK(value(r, "cross_sell_rate") == Approx(2.0 / 3.0));
  CHECK(value(r, "upsell_rate") == Approx(0.5));
  // W1-shaped orders: c1 Jan 10.00 and Feb 30.00, c2 Jan 20.00; both order columns go, unless
  // --by names one (then it is read per order after the others were extracted).
  const std::string w1 =
      "customer_id,order_id,order_date,amount\n1,1,2024-01-05,10.00\n2,2,2024-01-20,20.00\n"
      "1,3,2024-02-03,30.00\n";
  crm::io::report_options o;
  // Nothing reads these orders in row order after the grouping: their rows are freed then.
  const crm::io::report plain = owned(w1, o);
  CHECK(value(plain, "customers") == 2);
  CHECK(value(plain, "revenue") == Approx(60.0));
  CHECK(value(plain, "aov") == Approx(20.0));
  CHECK(value(plain, "repeat_purchase_rate") == Approx(0.5));
  CHECK(value(plain, "upsell_rate") == Approx(1.0));  // c1: Jan 10.00 -> Feb 30.00
  CHECK(value(plain, "active_customers", "2024-02") == 1);
  CHECK(value(plain, "revenue", "2024-01") == Approx(30.0));
  // A negative amount: the orders are combined (refunds kept out), amounts read per row.
  const crm::io::report refunded = owned(w1 + "2,4,2024-02-04,-5.00\n", o);
  CHECK(value(refunded, "orders") == 3);
  CHECK(value(refunded, "revenue") == Approx(60.0));
  CHECK(value(refunded, "refund_rate") == Approx(5.0 / 60.0));
  // --repeat-within reads the rows after the grouping: they stay. c1's second order is 29 days
  // after the first: repeat within 30 days 1 of 2, within 28 days 0 of 2.
  o.repeat_within_days = 30;
  CHECK(value(owned(w1, o), "repeat_purchase_rate", std::nullopt, "within 30") == Approx(0.5));
  o.repeat_within_days = 28;
  CHECK(value(owned(w1, o), "repeat_purchase_rate", std::nullopt, "within 28") == Approx(0.0));
  o.repeat_within_days = 0;
  o.by = {"order_id"};
  const crm::io::report by_id = owned(w1, o);
  int groups = 0;
  for (const crm::metric_result& m : by_id.metrics) {
    if (m.id != "revenue" || m.group.empty()) continue;
    ++groups;
    if (m.group[0].second == "3") CHECK(*m.value == Approx(30.0));
  }
  CHECK(groups == 3);
}

TEST_CASE("build_report: output does not depend on the row order", "[report]") {
  std::string shuffled = "order_id,customer_id,order_date,amount,category\n";
  std::string body(lines);
  body = body.substr(body.find('\n') + 1);
  std::vector<std::string> rows;
  for (std::size_t at = 0; at < body.size();) {
    const std::size_t end = body.find('\n', at);
    rows.push_back(body.substr(at, end - at + 1));
    at = end + 1;
  }
  std::reverse(rows.begin(), rows.end());
  for (const std::string& row : rows) shuffled += row;
  const auto json = [](const crm::io::report& r) {
    return crm::io::render_report(r, crm::io::report_format::json, "en");
  };
  CHECK(json(make_report(lines)) == json(make_report(shuffled)));
}

TEST_CASE("build_report: without orders every order metric is not computable", "[report][edge]") {
  const crm::io::report r = make_report(
      "response_id,customer_id,responded_at,nps\n1,c1,2024-01-01,9\n2,c2,2024-01-02,3\n");
  const crm::metric_result* m = find(r, "aov");
  REQUIRE(m != nullptr);
  CHECK(m->status == crm::metric_status::not_computable);
  CHECK_THAT(m->reason, Contains("needs an orders table"));
}

TEST_CASE("build_report: two currencies are an error naming both", "[report][errors]") {
  CHECK_THROWS_WITH(make_report("customer_id,order_date,amount,currency\n"
                                "c1,2024-01-01,1.00,EUR\nc2,2024-01-02,2.00,USD\n"),
                    Contains("EUR, USD"));
}

TEST_CASE("render_report: text shows rates as percent and money with decimals", "[report]") {
  const std::string text =
      crm::io::render_report(make_report(lines), crm::io::report_format::text, "en");
  CHECK_THAT(text, Contains("Repeat purchase rate"));
  CHECK_THAT(text, Contains("66.7 %"));
  CHECK_THAT(text, Contains("85.75"));
  const std::string zh =
      crm::io::render_report(make_report(lines), crm::io::report_format::text, "zh");
  CHECK_THAT(zh, Contains("复购率"));
}

TEST_CASE("render_report: CSV cells cannot start a spreadsheet formula", "[report]") {
  crm::io::report_options o;
  o.by = {"=src"};
  const std::string csv = crm::io::render_report(
      make_report("customer_id,order_date,amount,=src\nc1,2024-01-01,1.00,web\n", o),
      crm::io::report_format::csv, "en");
  CHECK_THAT(csv, Contains(",'=src=web,"));
}

TEST_CASE("build_report: refunds from a status column", "[report][refund]") {
  // Three orders 10.00, 20.00 (status refunded), 30.00: 20 / 60 of gross sales refunded.
  const crm::io::report r = make_report(
      "order_id,customer_id,order_date,amount,status\n"
      "1,a,2024-01-01,10.00,paid\n2,b,2024-01-02,20.00,Refunded\n3,a,2024-01-03,30.00,paid\n");
  const crm::metric_result* m = find(r, "refund_rate");
  REQUIRE(m != nullptr);
  CHECK(*m->value == Approx(20.0 / 60.0));
  CHECK(m->variant == "status column (refunded in full)");
  CHECK(value(r, "net_revenue") == Approx(40.0));
}
