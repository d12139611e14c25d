// The reader on public data sets copied into tests/data (see its README for sources and licences).
// Every expected figure was computed independently with Python's csv module and exact decimals:
//   python3 -c "import csv; from decimal import Decimal as D, ROUND_HALF_EVEN as H; ..."
// (each value rounded half-even to 4 decimals, as crm-metrics stores money, then summed).

#include <numeric>
#include <string>

#include <catch2/catch.hpp>

#include "crm/dates.hpp"
#include "crm/io/reader.hpp"

using namespace crm::io;

namespace {

std::string data(const char* name) { return std::string(CRM_TEST_DATA_DIR) + "/" + name; }

std::int64_t total(const column& c) {
  std::int64_t s = 0;
  for (const std::int64_t v : c.ints) s += v == missing_int64 ? 0 : v;
  return s;
}

std::int64_t day_of(const column& c, bool max) {
  std::int64_t best = max ? INT64_MIN : INT64_MAX;
  for (const std::int64_t v : c.ints) best = max ? std::max(best, v) : std::min(best, v);
  return crm::day_of_seconds(best);
}

}  // namespace

TEST_CASE("read_table: CDNOW_master.txt, whitespace-aligned with CRLF", "[reader][data]") {
  const read_result r = read_table(data("CDNOW_master.txt"));
  CHECK(r.report.dialect.whitespace_aligned);
  CHECK(r.data.kind() == table_kind::orders);
  CHECK(r.data.rows == 69659);                        // lines minus the header
  CHECK(r.data.customer_key()->distinct() == 23570);  // zero-padded ids 00001..23570
  CHECK(r.data.customer_key()->text(0) == "00001");
  CHECK(total(*r.data.find("amount")) == 25003156300);  // sum(dollar_value) = 2,500,315.63
  const column& when = *r.data.find("order_at");        // YYYYMMDD
  CHECK(day_of(when, false) == crm::days_from_civil(1997, 1, 1));
  CHECK(day_of(when, true) == crm::days_from_civil(1998, 6, 30));
}

TEST_CASE("read_table: Online Retail invoices 2011 (ISO dates, float artefacts)",
          "[reader][data]") {
  const read_result r = read_table(data("online_retail_invoices_2011.csv"));
  CHECK(r.data.kind() == table_kind::orders);
  CHECK(r.data.rows == 18532);
  CHECK(r.data.customer_key()->distinct() == 4338);
  // sum of TotalPrice, each rounded half-even to 4 decimals (22.200000000000003 -> 22.2000):
  // 8,911,407.9040 exactly.
  CHECK(total(*r.data.find("amount")) == 89114079040);
  const column& when = *r.data.find("order_at");
  CHECK(day_of(when, false) == crm::days_from_civil(2010, 12, 1));
  CHECK(day_of(when, true) == crm::days_from_civil(2011, 12, 9));
}

TEST_CASE("read_table: Online Retail prefix (M/D/YY H:MM dates, blank customers)",
          "[reader][data]") {
  const read_result r = read_table(data("online_retail_dec2010_prefix.csv"));
  CHECK(r.data.kind() == table_kind::orders);
  CHECK(r.data.rows == 28492);
  CHECK(r.report.date_orders.at(0).second == "mdy");  // 12/13/10 proves month/day/year
  CHECK(r.data.customer_key()->distinct() == 713);
  CHECK(r.data.customer_key()->missing == 10003);
  CHECK(total(*r.data.find("amount")) == 4769845700);  // sum(TotalPrice) = 476,984.57
  const column& when = *r.data.find("order_at");
  // first line 536365 @ 12/1/10 8:26, last 538638 @ 12/13/10 14:16
  CHECK(when.ints.front() ==
        std::int64_t{crm::days_from_civil(2010, 12, 1)} * 86400 + 8 * 3600 + 26 * 60);
  CHECK(when.ints.back() ==
        std::int64_t{crm::days_from_civil(2010, 12, 13)} * 86400 + 14 * 3600 + 16 * 60);
}

TEST_CASE("read_table: Online Retail sample with semicolons, NA and mixed date forms",
          "[reader][data]") {
  const read_result r = read_table(data("online_retail_random5000_semicolon.csv"));
  CHECK(r.report.dialect.delimiter == ';');
  CHECK(r.data.kind() == table_kind::orders);
  CHECK(r.data.rows == 5000);
  CHECK(r.data.customer_key()->distinct() == 1039);
  CHECK(r.data.customer_key()->missing == 1792);          // CustomerID "NA"
  CHECK(total(*r.data.find("unit_price")) == 199004400);  // sum(UnitPrice) = 19,900.44
  // Row 1 `12/06/2010 10:08` and row 2 `2/20/11 11:39`, both month/day/year.
  const column& when = *r.data.find("order_at");
  CHECK(crm::day_of_seconds(when.ints[0]) == crm::days_from_civil(2010, 12, 6));
  CHECK(crm::day_of_seconds(when.ints[1]) == crm::days_from_civil(2011, 2, 20));
}
