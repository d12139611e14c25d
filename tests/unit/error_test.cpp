#include "crm/error.hpp"

#include <catch2/catch.hpp>

#include "crm/io/input_error.hpp"
#include "crm/result.hpp"

TEST_CASE("invalid_input: names source, column, row and value", "[errors]") {
  const crm::invalid_input e("score 11 is outside 0..10", {"nps", "score", 4, "11"});
  CHECK(std::string(e.what()) ==
        "nps: score 11 is outside 0..10 (column 'score', row 4, value '11')");
  CHECK(e.reason() == "score 11 is outside 0..10");
  CHECK(e.where().row == 4);
}

TEST_CASE("require_same_length: throws on a mismatch only", "[errors]") {
  CHECK_NOTHROW(crm::require_same_length("f", "a", 3, "b", 3));
  CHECK_THROWS_WITH(crm::require_same_length("aov", "amount", 3, "customer", 2),
                    "aov: columns 'amount' (3 rows) and 'customer' (2 rows) differ in length "
                    "(column 'customer')");
}

TEST_CASE("input_error: compiler-style file:line:field message", "[errors]") {
  const crm::io::input_error e("not a valid date or time", {"orders.csv", 17, 3, "order_date"},
                               "2024-13-01");
  CHECK(std::string(e.what()) ==
        "orders.csv:17:3: not a valid date or time (column 'order_date', value '2024-13-01')");
  const crm::io::input_error no_value("the file is empty", {"x.csv", 0, 0, {}});
  CHECK(std::string(no_value.what()) == "x.csv: the file is empty");
}

TEST_CASE("quote_for_message: escapes control bytes and cuts long text", "[errors]") {
  CHECK(crm::io::quote_for_message("a\tb\nc") == "a\\tb\\nc");
  CHECK(crm::io::quote_for_message(std::string(100, 'x'), 10) == std::string(10, 'x') + "...");
  // A cut never splits a UTF-8 sequence: 客 is 3 bytes (E5 AE A2).
  CHECK(crm::io::quote_for_message("ab客户", 3) == "ab客...");
}

TEST_CASE("metric_result: undefined is not zero", "[result]") {
  const auto r =
      crm::metric_result::insufficient("churn_rate", "ratio", 0, "no customers at start");
  CHECK_FALSE(r.value.has_value());
  CHECK(crm::to_string(r.status) == "insufficient_data");
  CHECK(crm::metric_result::ok("aov", 30.5, "currency", 4).value == 30.5);
}
