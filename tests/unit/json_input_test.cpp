#include <catch2/catch.hpp>

#include "crm/io/input_error.hpp"
#include "crm/io/reader.hpp"

using namespace crm::io;

TEST_CASE("read_table: JSON array, JSON Lines and column objects give the same table", "[json]") {
  const std::string array =
      R"([{"customer_id": "A", "order_date": "2024-01-05", "amount": 10.5},
          {"customer_id": "B", "order_date": "2024-01-06", "amount": "20.25"},
          {"customer_id": "A", "order_date": "2024-02-01", "amount": null}])";
  const std::string lines =
      "{\"customer_id\": \"A\", \"order_date\": \"2024-01-05\", \"amount\": 10.5}\n"
      "{\"customer_id\": \"B\", \"order_date\": \"2024-01-06\", \"amount\": \"20.25\"}\n"
      "{\"customer_id\": \"A\", \"order_date\": \"2024-02-01\"}\n";
  const std::string columns =
      R"({"customer_id": ["A", "B", "A"], "order_date": ["2024-01-05", "2024-01-06", "2024-02-01"],
          "amount": [10.5, "20.25", null]})";
  const read_result a = read_table_from_memory("a.json", array);
  const read_result l = read_table_from_memory("l.jsonl", lines);
  const read_result c = read_table_from_memory("c.json", columns);
  CHECK(a.report.format == input_format::json_array);
  CHECK(l.report.format == input_format::json_lines);
  CHECK(c.report.format == input_format::json_columns);
  for (const read_result* r : {&a, &l, &c}) {
    REQUIRE(r->data.rows == 3);
    CHECK(r->data.kind() == table_kind::orders);
    CHECK(r->data.find("amount")->ints[0] == 105000);
    CHECK(r->data.find("amount")->ints[1] == 202500);
    CHECK(r->data.find("amount")->missing == 1);
    CHECK(r->data.customer_key()->distinct() == 2);
  }
}

TEST_CASE("read_table: malformed JSON names the line", "[json][errors]") {
  const std::string lines =
      "{\"customer_id\": 1, \"order_date\": \"2024-01-05\"}\n{\"customer_id\": 2,,}\n";
  CHECK_THROWS_WITH(read_table_from_memory("x.jsonl", lines), Catch::StartsWith("x.jsonl:2:"));
  CHECK_THROWS_WITH(read_table_from_memory("x.json", "[{\"a\": {\"b\": 1}}]"),
                    Catch::Contains("nested"));
}

TEST_CASE("read_table: a bad JSON value names its record and key", "[json][errors]") {
  const std::string lines =
      "{\"customer_id\": 1, \"order_date\": \"2024-01-05\"}\n{\"customer_id\": 2, \"order_date\": "
      "\"soon\"}\n";
  CHECK_THROWS_WITH(read_table_from_memory("x.jsonl", lines),
                    "x.jsonl:2:2: not a valid date or time (column 'order_date', value 'soon')");
}
