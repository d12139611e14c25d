// The reader's fast paths (fast_cells.hpp, chunk_builder::add_plain) against values worked out
// by hand, and on the records where they must hand over to the general path.

#include <numeric>
#include <string>

#include <catch2/catch.hpp>

#include "crm/dates.hpp"
#include "crm/io/reader.hpp"
#include "crm/io/values.hpp"

#include "../../src/io/fast_cells.hpp"
#include "../../src/io/table_builder.hpp"

using namespace crm::io;
using crm::io::detail::fast_plain_money;
using crm::io::detail::is_plain_integer;

namespace {

read_result read_text(std::string_view text, read_options o = {}) {
  return read_table_from_memory("mem.csv", text, o);
}

std::int64_t sum(const std::vector<std::int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::int64_t{0});
}

}  // namespace

TEST_CASE("fast cells: plain forms by hand, everything else left to the general parsers",
          "[reader][fast]") {
  std::int64_t v = 0;
  CHECK((fast_plain_money("18.99", '.', v) && v == 189900));
  CHECK((fast_plain_money("5.2", '.', v) && v == 52000));
  CHECK((fast_plain_money("-0.0001", '.', v) && v == -1));
  CHECK((fast_plain_money("1280", '.', v) && v == 12800000));
  CHECK((fast_plain_money("12,5", ',', v) && v == 125000));
  CHECK((fast_plain_money("99999999999999.9999", '.', v) && v == 999999999999999999));
  // Handed over (each of these is read, or refused, by parse_money):
  for (const char* cell : {"", "-", "NA", "1,280.50", "5.", ".5", "1.23456", "+1", " 1", "1 ", "$5",
                           "1e3", "123456789012345"}) {
    CAPTURE(cell);
    CHECK_FALSE(fast_plain_money(cell, '.', v));
  }
  CHECK((is_plain_integer("0", v) && v == 0));
  CHECK((is_plain_integer("4300000", v) && v == 4300000));
  CHECK((is_plain_integer("999999999999999999", v) && v == 999999999999999999));
  for (const char* cell : {"", "007", "12a", "-1", "1234567890123456789", " 1"}) {
    CAPTURE(cell);
    CHECK_FALSE(is_plain_integer(cell, v));
  }
}

TEST_CASE("read_table: timestamps of 10 and 19 characters, cached or not", "[reader][fast]") {
  // 2024-01-01 is day 19723 (54 years of 365 days + 13 leap days); + 31 + 28 = 2024-02-29.
  const read_result r = read_text(
      "customer_id,order_date\n1,2024-02-29\n2,2024-02-29\n3,2024-02-29T08:03:05\n"
      "4,2016-12-31 23:59:60\n");
  const column* at = r.data.find("order_at");
  REQUIRE(at->ints.size() == 4);
  CHECK(at->ints[0] == 19782LL * 86400);
  CHECK(at->ints[1] == 19782LL * 86400);
  CHECK(at->ints[2] == 19782LL * 86400 + 8 * 3600 + 3 * 60 + 5);
  CHECK(at->ints[3] == (crm::days_from_civil(2016, 12, 31) + 1LL) * 86400 - 1);
  CHECK(at->has_time_of_day);
  // Not dates: each row rejected, none stored.
  read_options skip;
  skip.on_error = error_policy::skip;
  const read_result bad = read_text(
      "customer_id,order_date\n1,2023-02-29\n2,2024-13-01\n3,2024-00-10\n4,2024-04-31\n"
      "5,2024-01-05 24:00:00\n",
      skip);
  CHECK(bad.report.rows_rejected == 5);
  CHECK(bad.data.rows == 0);
  // Other forms of 2024-01-05 (day 19727) go to the general parser and read the same.
  const read_result other =
      read_text("customer_id,order_date\n1,2024-1-05\n2,2024/01/05\n3, 2024-01-05\n4,2024-01-05\n");
  const column* day = other.data.find("order_at");
  REQUIRE(day->ints.size() == 4);
  for (const std::int64_t v : day->ints) CHECK(v == 19727LL * 86400);
  CHECK_FALSE(day->has_time_of_day);
}

TEST_CASE("read_table: a record leaving the fast path half-way is stored once, whole",
          "[reader][fast]") {
  // Row 2 has a quoted amount after plain id and date cells (taken back, read by the scanner);
  // row 3 a grouped amount; row 4 a slashed date; row 5 a blank cell (missing).
  const std::string text =
      "customer_id,order_date,amount\n"
      "1,2024-01-05,10.00\n"
      "2,2024-01-06,\"1,280.50\"\n"
      "3,2024-01-06,\"2,000\"\n"
      "4,2024/1/7,3.5\n"
      "5,2024-01-08,\n";
  const read_result r = read_text(text);
  REQUIRE(r.data.rows == 5);
  const column* amount = r.data.find("amount");
  REQUIRE(amount->ints.size() == 5);
  CHECK(amount->ints[0] == 100000);
  CHECK(amount->ints[1] == 12805000);
  CHECK(amount->ints[2] == 20000000);
  CHECK(amount->ints[3] == 35000);
  CHECK(amount->ints[4] == missing_int64);
  const column* at = r.data.find("order_at");
  REQUIRE(at->ints.size() == 5);
  CHECK(at->ints[3] == std::int64_t{crm::days_from_civil(2024, 1, 7)} * 86400);
  CHECK(r.data.customer_key()->int_keys == std::vector<std::int64_t>{1, 2, 3, 4, 5});
}

TEST_CASE("read_table: rejected rows leave nothing behind in any column", "[reader][fast]") {
  read_options o;
  o.on_error = error_policy::skip;
  // Rows 3, 5 and 6 fail at their end, after plain cells went to their columns (an extra cell
  // that is not blank, a missing one).
  const std::string text =
      "customer_id,order_id,order_date,amount\n"
      "7,100,2024-03-01,1.00\n"
      "8,101,2024-03-02,x\n"
      "9,102,2024-03-03,2.00\n"
      "10,103,2024-03-04,4.00,x\n"
      "11,104,2024-03-05\n";
  const read_result r = read_text(text, o);
  CHECK(r.report.rows_ok == 2);
  CHECK(r.report.rows_rejected == 3);
  CHECK(r.data.find("order_id")->ints == std::vector<std::int64_t>{100, 102});
  CHECK(r.data.find("amount")->ints == std::vector<std::int64_t>{10000, 20000});
  CHECK(r.data.customer_key()->int_keys == std::vector<std::int64_t>{7, 9});
  CHECK(r.data.customer_key()->codes == std::vector<std::uint32_t>{0, 1});
}

TEST_CASE("read_table: line ends, trailing blanks and the last record", "[reader][fast]") {
  // CRLF, a lone CR, LF, a trailing empty field kept as missing, a blank line, no final newline.
  const std::string text =
      "customer_id,order_date,amount,note\r\n"
      "1,2024-01-01,1.00,a\r\n"
      "2,2024-01-02,2.00,b\r"
      "3,2024-01-03,3.00,\n"
      "\n"
      ",,,\n"
      "4,2024-01-04,4.00,d";
  const read_result r = read_text(text);
  REQUIRE(r.data.rows == 4);
  CHECK(r.report.blank_lines == 2);
  CHECK(sum(r.data.find("amount")->ints) == 100000);
  const column* note = r.data.find_header("note");
  CHECK(note->text(0) == "a");
  CHECK(note->text(1) == "b");
  CHECK(note->is_missing(2));
  CHECK(note->text(3) == "d");
  CHECK(r.data.line_of(3) == 7);
}

TEST_CASE("read_table: customer ids too wide, too sparse or turning to text", "[reader][fast]") {
  // Above 2^32 - 1 after narrow ones: the column goes back to 64 bits.
  const read_result wide =
      read_text("customer_id,order_date\n5,2024-01-01\n4294967295,2024-01-02\n5,2024-01-03\n");
  CHECK(wide.data.customer_key()->int_keys == std::vector<std::int64_t>{5, 4294967295});
  CHECK(wide.data.customer_key()->codes == std::vector<std::uint32_t>{0, 1, 0});
  // A range far wider than the rows: ranked by sorting.
  const read_result sparse = read_text(
      "customer_id,order_date\n4000000000,2024-01-01\n3,2024-01-02\n4000000000,2024-01-03\n");
  CHECK(sparse.data.customer_key()->int_keys == std::vector<std::int64_t>{3, 4000000000});
  CHECK(sparse.data.customer_key()->codes == std::vector<std::uint32_t>{1, 0, 1});
  // Text ids after integer ones: one dictionary in first-appearance order.
  const read_result text = read_text(
      "customer_id,order_date\n12,2024-01-01\n7,2024-01-02\nC-9,2024-01-03\n12,2024-01-04\n");
  const column* key = text.data.customer_key();
  CHECK(key->storage == column_storage::dictionary);
  CHECK(key->codes == std::vector<std::uint32_t>{0, 1, 2, 0});
  CHECK(key->key_text(1) == "7");
  CHECK(key->key_text(2) == "C-9");
}

TEST_CASE("read_table: compact integers, 4 bytes a row while every value fits",
          "[reader][compact]") {
  // 2023-01-01 is day 19358 (53 years of 365 days + 13 leap days since 1970); 2024-02-29 is
  // 19723 (2024-01-01) + 59. Money in 1/10000 units: 5.22 -> 52200, 2298.07 -> 22980700.
  const std::string text =
      "customer_id,order_id,order_date,amount\n"
      "1,5000002,2023-01-01,5.22\n"
      "2,5000004,2023-01-02,\n"
      "3,,2024-02-29,2298.07\n";
  read_options o;
  o.compact_integers = true;
  const read_result r = read_text(text, o);
  const column& id = *r.data.find("order_id");
  const column& at = *r.data.find("order_at");
  const column& amount = *r.data.find("amount");
  CHECK(id.storage == column_storage::int32);
  CHECK(id.ints32 == std::vector<std::int32_t>{5000002, 5000004, missing_int32});
  CHECK(id.ints.empty());
  CHECK((id.is_missing(2) && id.int_at(2) == missing_int64 && id.text(2).empty()));
  CHECK(at.storage == column_storage::int32);
  CHECK(at.int_scale == 86400);
  CHECK(at.ints32 == std::vector<std::int32_t>{19358, 19359, 19782});
  CHECK(at.int_at(0) == std::int64_t{19358} * 86400);
  CHECK(at.text(2) == "2024-02-29");
  CHECK(amount.ints32 == std::vector<std::int32_t>{52200, missing_int32, 22980700});
  CHECK(amount.text(0) == "5.22");
  std::vector<std::int64_t> scratch;
  const std::span<const std::int64_t> wide = amount.int64_values(scratch);
  CHECK(std::vector<std::int64_t>(wide.begin(), wide.end()) ==
        std::vector<std::int64_t>{52200, missing_int64, 22980700});
  CHECK(r.data.customer_key()->codes == std::vector<std::uint32_t>{0, 1, 2});  // as before
  // JSON Lines go through the same assembler.
  const read_result json = read_table_from_memory(
      "mem.jsonl",
      "{\"customer_id\": 1, \"order_date\": \"2023-01-01\", \"amount\": \"5.22\"}\n"
      "{\"customer_id\": 2, \"order_date\": \"2024-02-29\", \"amount\": \"2298.07\"}\n",
      o);
  CHECK(json.data.find("order_at")->ints32 == std::vector<std::int32_t>{19358, 19782});
  CHECK(json.data.find("amount")->ints32 == std::vector<std::int32_t>{52200, 22980700});
  // Off by default: the same values as int64, timestamps in seconds.
  const read_result plain = read_text(text);
  CHECK(plain.data.find("order_at")->storage == column_storage::int64);
  CHECK(plain.data.find("order_at")->ints[2] == std::int64_t{19782} * 86400);
  CHECK(plain.data.find("amount")->int_at(2) == 22980700);
}

TEST_CASE("read_table: a compact column goes on as int64 from the first value that does not fit",
          "[reader][compact]") {
  read_options o;
  o.compact_integers = true;
  // Blocks of 32 bytes: the header (39 bytes) spans two, and the widening happens between
  // chunks of a record or so.
  o.block_bytes = 32;
  o.threads = GENERATE(1U, 2U);
  // 214748.3647 is the widest amount in 32 bits (2^31 - 1 ten-thousandths); .3648 is not. A time
  // of day (10:00, 36000 s into 2024-01-02 = day 19724) turns the dates into seconds; a midnight
  // time does not. An order id that is not an integer turns the ids into a dictionary.
  const read_result r = read_text(
      "customer_id,order_id,order_date,amount\n"
      "1,7,2024-01-01,214748.3647\n"
      "2,8,2024-01-03 00:00:00,-0.01\n"
      "3,A-9,2024-01-02 10:00:00,214748.3648\n"
      "4,10,2024-01-04,1.00\n",
      o);
  const column& id = *r.data.find("order_id");
  const column& at = *r.data.find("order_at");
  const column& amount = *r.data.find("amount");
  CHECK(amount.storage == column_storage::int64);
  CHECK(amount.ints == std::vector<std::int64_t>{2147483647, -100, 2147483648, 10000});
  CHECK(at.storage == column_storage::int64);
  CHECK(at.ints == std::vector<std::int64_t>{
                       19723 * std::int64_t{86400}, 19725 * std::int64_t{86400},
                       19724 * std::int64_t{86400} + 36000, 19726 * std::int64_t{86400}});
  CHECK(at.has_time_of_day);
  CHECK(id.storage == column_storage::dictionary);
  CHECK(id.text(0) == "7");
  CHECK(id.text(2) == "A-9");
  CHECK(id.text(3) == "10");
  // Midnight times alone stay days; the text keeps the time the file wrote.
  const read_result midnight =
      read_text("customer_id,order_date\n1,2024-01-03 00:00:00\n2,2024-01-01\n", o);
  const column& m = *midnight.data.find("order_at");
  CHECK(m.storage == column_storage::int32);
  CHECK(m.ints32 == std::vector<std::int32_t>{19725, 19723});
  CHECK(m.text(0) == "2024-01-03 00:00:00");
}

TEST_CASE("read_table: a header longer than a read block", "[reader][edge]") {
  read_options o;
  o.block_bytes = 16;
  // 49 bytes of header over 16-byte blocks; before the fix the data pass skipped only the
  // header's first block and read "order_date,amount" as a record of 1 field.
  const read_result r = read_text(
      "customer_id,order_date,amount,unmapped_long_name\n7,2024-01-01,1.50,x\n8,2024-01-02,2,y\n",
      o);
  REQUIRE(r.data.rows == 2);
  CHECK(r.data.find("amount")->ints == std::vector<std::int64_t>{15000, 20000});
  CHECK(r.data.customer_key()->int_keys == std::vector<std::int64_t>{7, 8});
}
