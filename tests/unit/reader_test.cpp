#include "crm/io/reader.hpp"

#include <cmath>
#include <numeric>
#include <string>

#include <catch2/catch.hpp>

#include "crm/dates.hpp"
#include "crm/io/input_error.hpp"

using namespace crm::io;

namespace {

std::string data(const char* name) { return std::string(CRM_TEST_DATA_DIR) + "/" + name; }

read_result read_text(std::string_view text, read_options o = {}) {
  return read_table_from_memory("mem.csv", text, o);
}

std::int64_t sum(const std::vector<std::int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::int64_t{0});
}

constexpr std::int64_t at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return std::int64_t{crm::days_from_civil(y, m, d)} * 86400 + hh * 3600 + mm * 60 + ss;
}

}  // namespace

TEST_CASE("read_table: GBK file with Chinese headers and YYYY/M/D H:MM dates, no options",
          "[reader][encoding]") {
  const read_result r = read_table(data("gbk_orders_zh.csv"));
  CHECK(r.report.detected_encoding == encoding::gb18030);
  CHECK(r.data.kind() == table_kind::orders);
  REQUIRE(r.data.rows == 5);
  const column* amount = r.data.find("amount");
  REQUIRE(amount != nullptr);
  CHECK(amount->header == "实付金额");
  // 1280.50 + 99.00 + 35.20 + 12.30 + 0.99 = 1427.99, in 1/10000 units.
  CHECK(sum(amount->ints) == 14279900);
  const column* when = r.data.find("order_at");
  REQUIRE(when != nullptr);
  CHECK(when->ints[0] == at(2024, 1, 5, 8, 3));      // 2024/1/5 8:03
  CHECK(when->ints[4] == at(2024, 12, 31, 23, 59));  // 2024/12/31 23:59
  const column* customer = r.data.customer_key();
  REQUIRE(customer != nullptr);
  CHECK(customer->distinct() == 3);  // C001, C002, C003
  CHECK(customer->codes == std::vector<std::uint32_t>{0, 1, 0, 2, 1});
  CHECK(r.data.find_header("渠道")->text(1) == "京东");
}

TEST_CASE("read_table: UTF-8 with BOM and UTF-16LE with BOM read the same", "[reader][encoding]") {
  const read_result bom = read_table(data("bom_utf8_orders.csv"));
  CHECK(bom.report.had_bom);
  CHECK(bom.data.columns[0].header == "customer_id");  // the BOM is not part of the header
  const read_result u16 = read_table(data("utf16le_orders.csv"));
  CHECK(u16.report.detected_encoding == encoding::utf16le);
  for (const read_result* r : {&bom, &u16}) {
    REQUIRE(r->data.rows == 3);
    CHECK(r->data.kind() == table_kind::orders);
    CHECK(sum(r->data.find("amount")->ints) == 357500);  // 10.00 + 20.50 + 5.25 = 35.75
    CHECK(r->data.customer_key()->int_keys == std::vector<std::int64_t>{1001, 1002});
    CHECK(r->data.customer_key()->codes == std::vector<std::uint32_t>{0, 1, 0});
  }
}

TEST_CASE("read_table: a bad value stops with file:line:field, column and value",
          "[reader][errors]") {
  const std::string text = "customer_id,order_date,amount\n1,2024-01-05,10.00\n2,2024-13-01,5\n";
  try {
    (void)read_text(text);
    FAIL("no error");
  } catch (const input_error& e) {
    CHECK(std::string(e.what()) ==
          "mem.csv:3:2: not a valid date or time (column 'order_date', value '2024-13-01')");
    CHECK(e.position().line == 3);
    CHECK(e.position().field == 2);
  }
}

TEST_CASE("read_table: line numbers count quoted line breaks and blank lines", "[reader][errors]") {
  const std::string text =
      "customer_id,note,order_date,amount\n1,\"two\nlines\",2024-01-01,1\n\n2,x,2024-01-02,abc\n";
  CHECK_THROWS_WITH(read_text(text),
                    "mem.csv:5:4: not a valid amount of money (column 'amount', value 'abc')");
}

TEST_CASE("read_table: --on-error skip counts, keeps and drops bad rows", "[reader][errors]") {
  read_options o;
  o.on_error = error_policy::skip;
  const std::string text =
      "customer_id,order_date,amount\n"
      "1,2024-01-05,10.00\n"
      "2,2024-01-06,ten\n"
      "3,2024-01-07\n"
      "4,2024-02-30,1\n"
      "5,2024-01-08,2.50\n";
  const read_result r = read_text(text, o);
  CHECK(r.report.rows_read == 5);
  CHECK(r.report.rows_ok == 2);
  CHECK(r.report.rows_rejected == 3);
  CHECK(r.report.rejected_by_reason.at("not a valid amount of money in 'amount'") == 1);
  CHECK(r.report.rejected_by_reason.at("not a valid date or time in 'order_date'") == 1);
  CHECK(r.report.rejected_by_reason.at("row has 2 fields but the header has 3") == 1);
  REQUIRE(r.report.rejects.size() == 3);
  CHECK(r.report.rejects[0].line == 3);
  CHECK(r.report.rejects[0].text == "2,2024-01-06,ten");
  CHECK(r.report.rejects[1].text == "3,2024-01-07");
  CHECK(r.report.rejects[2].line == 5);
  // Customers that appear only in rejected rows do not exist.
  CHECK(r.data.customer_key()->int_keys == std::vector<std::int64_t>{1, 5});
  CHECK(sum(r.data.find("amount")->ints) == 125000);
}

TEST_CASE("table::line_of: the input line of every kept row", "[reader][errors]") {
  read_options o;
  o.on_error = error_policy::skip;
  // Line 1 header; row 0 on line 2 spans lines 2-3 (quoted break); line 4 blank; row 1 on line
  // 5; line 6 rejected (bad amount); row 2 on line 7; row 3 on line 8.
  const std::string text =
      "customer_id,note,order_date,amount\n"
      "1,\"two\nlines\",2024-01-01,1\n"
      "\n"
      "2,x,2024-01-02,2\n"
      "3,x,2024-01-03,bad\n"
      "4,x,2024-01-04,4\n"
      "5,x,2024-01-05,5\n";
  const read_result r = read_text(text, o);
  REQUIRE(r.data.rows == 4);
  CHECK(r.data.line_of(0) == 2);
  CHECK(r.data.line_of(1) == 5);
  CHECK(r.data.line_of(2) == 7);
  CHECK(r.data.line_of(3) == 8);
  CHECK(r.data.line_of(4) == -1);  // no such row
  // Many blocks and threads: row k of a plain file is on line k + 2.
  std::string big = "customer_id,amount,order_date\n";
  for (int i = 0; i < 3000; ++i) big += std::to_string(i) + ",1.00,2024-01-01\n";
  read_options many;
  many.block_bytes = 1024;
  many.threads = 3;
  const read_result b = read_text(big, many);
  REQUIRE(b.data.rows == 3000);
  for (const std::size_t row :
       {std::size_t{0}, std::size_t{41}, std::size_t{1500}, std::size_t{2999}}) {
    CHECK(b.data.line_of(row) == static_cast<std::int64_t>(row) + 2);
  }
}

TEST_CASE("read_table: blocks and threads do not change the result", "[reader]") {
  std::string text = "customer_id,order_id,order_date,amount,channel\n";
  std::int64_t expected = 0;
  for (int i = 0; i < 5000; ++i) {
    const int cents = (i * 37) % 10000;
    expected += cents * 100;
    text += std::to_string(1000 + (i * 7) % 613) + "," + std::to_string(i) + ",2024-0" +
            std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10) + "," +
            std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
            std::to_string(cents % 100) +
            (i % 3 == 0 ? ",\"web, \"\"mobile\"\"\"\n" : ",store\r\n");
  }
  read_options one;
  one.threads = 1;
  const read_result a = read_text(text, one);
  read_options many;
  many.threads = 4;
  many.block_bytes = 4096;  // many blocks, records cut at every block end
  const read_result b = read_text(text, many);
  REQUIRE(a.data.rows == 5000);
  CHECK(sum(a.data.find("amount")->ints) == expected);
  CHECK(b.data.rows == a.data.rows);
  CHECK(b.data.find("amount")->ints == a.data.find("amount")->ints);
  CHECK(b.data.find("order_at")->ints == a.data.find("order_at")->ints);
  CHECK(b.data.customer_key()->codes == a.data.customer_key()->codes);
  CHECK(a.data.customer_key()->distinct() == 613);
  const column* channel = b.data.find_header("channel");
  CHECK(channel->text(0) == "web, \"mobile\"");
  CHECK(channel->text(1) == "store");
  CHECK(channel->distinct() == 2);
}

TEST_CASE("read_table: errors in a later block report the right line", "[reader][errors]") {
  std::string text = "customer_id,amount,order_date\n";
  for (int i = 0; i < 3000; ++i) text += std::to_string(i) + ",1.00,2024-01-01\n";
  text += "x,oops,2024-01-01\n";  // line 3002
  read_options o;
  o.block_bytes = 1024;
  o.threads = 3;
  CHECK_THROWS_WITH(read_text(text, o),
                    "mem.csv:3002:2: not a valid amount of money (column 'amount', value 'oops')");
}

TEST_CASE("read_table: day/month order is decided from the whole column", "[reader][dates]") {
  // Online Retail style: 12/1/10 alone is ambiguous; 12/13/10 proves month/day/year.
  const std::string mdy =
      "CustomerID,InvoiceDate,TotalPrice\n1,12/1/10 8:26,1\n2,12/13/10 14:16,2\n";
  const read_result r = read_text(mdy);
  CHECK(r.report.date_orders.at(0).second == "mdy");
  CHECK(r.data.find("order_at")->ints[0] == at(2010, 12, 1, 8, 26));
  const std::string dmy = "CustomerID,InvoiceDate,TotalPrice\n1,1/12/10,1\n2,13/12/10,2\n";
  CHECK(read_text(dmy).data.find("order_at")->ints[0] == at(2010, 12, 1));
  const std::string open = "CustomerID,InvoiceDate,TotalPrice\n1,1/2/10,1\n2,3/4/10,2\n";
  CHECK_THROWS_WITH(read_text(open), Catch::Contains("--date-order"));
  read_options forced;
  forced.values.dates = date_order::dmy;
  CHECK(read_text(open, forced).data.find("order_at")->ints[0] == at(2010, 2, 1));
}

TEST_CASE("read_table: empty, blank, header-only and missing files", "[reader][errors]") {
  CHECK_THROWS_WITH(read_text(""), "mem.csv: the file is empty");
  CHECK_THROWS_WITH(read_text(" \r\n\n"), "mem.csv: the file is empty");
  CHECK_THROWS_WITH(read_text("customer_id,order_date,amount\n"), Catch::Contains("no data rows"));
  try {
    (void)read_table(data("does_not_exist.csv"));
    FAIL("no error");
  } catch (const file_error& e) {
    CHECK(e.code() == exit_code::no_input);
    CHECK_THAT(e.what(), Catch::Contains("does_not_exist.csv") && Catch::Contains("No such file"));
  }
}

TEST_CASE("read_table: missing values and NA are not errors", "[reader]") {
  const read_result r = read_text("customer_id;order_date;amount\nNA;2024-01-01;1,5\n7;;NA\n", [] {
    read_options o;
    o.values.decimal_point = ',';
    o.values.thousands_sep = '.';
    return o;
  }());
  CHECK(r.report.dialect.delimiter == ';');
  CHECK(r.data.find("amount")->ints[0] == 15000);  // 1,5 with a decimal comma = 1.5
  CHECK(r.data.find("amount")->missing == 1);
  CHECK(r.data.find("order_at")->missing == 1);
  CHECK(r.data.customer_key()->missing == 1);
  CHECK(r.data.customer_key()->codes[0] == missing_code);
}

TEST_CASE("read_table: offsets convert to the report zone", "[reader][dates]") {
  read_options o;
  o.zone = time_zone::parse("+08:00");
  const read_result r = read_text(
      "customer_id,order_date,amount\n1,2024-01-05T20:30:00Z,1\n2,2024-01-05 20:30,1\n", o);
  // 20:30Z is 04:30 the next day at +08:00; the naive time stays as written.
  CHECK(r.data.find("order_at")->ints[0] == at(2024, 1, 6, 4, 30));
  CHECK(r.data.find("order_at")->ints[1] == at(2024, 1, 5, 20, 30));
}

TEST_CASE("read_table: not UTF-8 nor GB18030 is a clear error", "[reader][encoding]") {
  // 0xFF is not a lead byte in either encoding.
  CHECK_THROWS_WITH(read_text("customer_id,amount\n\xFF\xFF,1\n"),
                    Catch::Contains("neither UTF-8") && Catch::Contains("--encoding"));
}
