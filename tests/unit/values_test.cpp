// Tests for is_missing, parse_money, parse_decimal, parse_integer and parse_bool.
// Expected values are worked out by hand in the comments; double expectations are C++ literals
// of the same decimal text (the compiler rounds them to the nearest double) or were printed
// with python3 `repr(float(...))`.

#include "crm/io/values.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

using crm::io::parse_status;
using crm::io::value_options;

namespace {

const value_options europe{',', '.', crm::io::date_order::automatic};

// parse_money's result, or a sentinel when the status is not ok.
constexpr std::int64_t not_ok = std::numeric_limits<std::int64_t>::min();

std::int64_t money(std::string_view cell, const value_options& options = {}) {
  std::int64_t out = 0;
  return crm::io::parse_money(cell, out, options) == parse_status::ok ? out : not_ok;
}

bool money_is_bad(std::string_view cell, const value_options& options = {}) {
  std::int64_t out = 12345;
  const bool bad = crm::io::parse_money(cell, out, options) == parse_status::bad;
  return bad && out == 12345;  // a bad cell leaves the output alone
}

double decimal(std::string_view cell, const value_options& options = {}) {
  double out = -999.0;
  REQUIRE(crm::io::parse_decimal(cell, out, options) == parse_status::ok);
  return out;
}

bool decimal_is_bad(std::string_view cell, const value_options& options = {}) {
  double out = 0.0;
  return crm::io::parse_decimal(cell, out, options) == parse_status::bad;
}

std::int64_t integer(std::string_view cell, const value_options& options = {}) {
  std::int64_t out = 0;
  return crm::io::parse_integer(cell, out, options) == parse_status::ok ? out : not_ok;
}

bool integer_is_bad(std::string_view cell, const value_options& options = {}) {
  std::int64_t out = 0;
  return crm::io::parse_integer(cell, out, options) == parse_status::bad;
}

}  // namespace

TEST_CASE("is_missing: the documented tokens, with or without surrounding space", "[values]") {
  for (const char* cell : {"", "   ", "\t", "NA", "N/A", "n/a", "NULL", "null", "NaN", "nan",
                           "None", "#N/A", "-", "--", "  NA  ", "\tnull\r\n", "\u00A0"}) {
    INFO(cell);
    CHECK(crm::io::is_missing(cell));
  }
}

TEST_CASE("is_missing: real values and near misses are not missing", "[values][edge]") {
  for (const char* cell :
       {"0", "-1", "---", "N.A.", "none", "NONE", "Na", "nil", "NA1", "x", "0.0", "false"}) {
    INFO(cell);
    CHECK_FALSE(crm::io::is_missing(cell));
  }
}

TEST_CASE("parse_money: plain numbers in units of 1/10000", "[values]") {
  CHECK(money("123.45") == 1234500);  // 123.45 * 10000
  CHECK(money("0") == 0);
  CHECK(money("-0") == 0);
  CHECK(money("7") == 70000);
  CHECK(money("-12.5") == -125000);
  CHECK(money("0.0001") == 1);
  CHECK(money("1280.50") == 12805000);  // the header's example without the separator
  CHECK(money("1,280.50") == 12805000);
  CHECK(money("1,234,567.891") == 12345678910);
  CHECK(money(".5") == 5000);
  CHECK(money("5.") == 50000);
  CHECK(money("0000000000000001.5") == 15000);  // 16 digits: the general path
}

TEST_CASE("parse_money: more than 4 decimals round half to even on the digits", "[values][edge]") {
  CHECK(money("22.200000000000003") == 222000);  // 5th decimal 0 -> down
  CHECK(money("0.00005") == 0);                  // exactly half, kept 0 is even -> 0
  CHECK(money("0.00015") == 2);                  // exactly half, kept 1 is odd -> 2
  CHECK(money("0.00025") == 2);                  // exactly half, kept 2 is even -> 2
  CHECK(money("0.000050001") == 1);              // above half -> up
  CHECK(money("0.00004999") == 0);               // below half -> down
  CHECK(money("-0.00015") == -2);                // symmetric for negatives
  CHECK(money("2.71828") == 27183);              // 2.7182|8 -> 27183
  CHECK(money("1.99995") == 20000);              // 1.9999|5, kept 19999 odd -> 20000
  // A value a double cannot hold: 0.12345 is 0.123449999... as a double, but the digit string
  // is exactly half way, and 1234 is even -> 1234.
  CHECK(money("0.12345") == 1234);
  CHECK(money("0.12355") == 1236);  // half way, 1235 odd -> 1236
}

TEST_CASE("parse_money: fast and general paths agree", "[values]") {
  // A surrounding space sends the same text through the general path.
  for (const char* cell : {"123.45", "0.00015", "0.00025", "22.200000000000003", "-7.5", "0",
                           "999999999999999", "12.3456789"}) {
    INFO(cell);
    std::string padded(1, ' ');  // (not " " + ...: GCC 12 -O2 raises a false -Wrestrict)
    padded += cell;
    padded += ' ';
    CHECK(money(cell) == money(padded));
  }
}

TEST_CASE("parse_money: currency symbols, codes, signs and accounting negatives", "[values]") {
  CHECK(money("$1,280.50") == 12805000);
  CHECK(money("-$12.50") == -125000);
  CHECK(money("$-12.50") == -125000);
  CHECK(money("+$5") == 50000);
  CHECK(money("(12.50)") == -125000);
  CHECK(money("($1,280.50)") == -12805000);
  CHECK(money("$(12.50)") == -125000);
  CHECK(money("(12.50 USD)") == -125000);
  CHECK(money("12.50 USD") == 125000);
  CHECK(money("12.50usd") == 125000);
  CHECK(money("usd 12.50") == 125000);
  CHECK(money("US$12") == 120000);
  CHECK(money("HK$ 12") == 120000);
  CHECK(money("£9.99") == 99900);
  CHECK(money("¥1,280") == 12800000);
  CHECK(money("￥1280.5") == 12805000);
  CHECK(money("1280.50元") == 12805000);
  CHECK(money("₩1,000") == 10000000);
  CHECK(money("₹250") == 2500000);
  CHECK(money("RMB 88") == 880000);
  CHECK(money("CNY88") == 880000);
  CHECK(money("88 EUR") == 880000);
  CHECK(money("88 gbp") == 880000);
  CHECK(money("88 JPY") == 880000);
  CHECK(money("BRL 88") == 880000);
  CHECK(money("'1280.50") == 12805000);  // Excel text guard
  CHECK(money("'-12") == -120000);
  CHECK(money("  $ 12.50  ") == 125000);
}

TEST_CASE("parse_money: European and other separators", "[values]") {
  CHECK(money("1.280,50", europe) == 12805000);
  CHECK(money("1.280,50 €", europe) == 12805000);
  CHECK(money("R$ 1.280,50", europe) == 12805000);
  CHECK(money("-12,5", europe) == -125000);
  CHECK(money("1.5E+03", europe) == not_ok);  // '.' is the separator there: "1.5" is bad
  const value_options spaced{',', ' ', crm::io::date_order::automatic};
  CHECK(money("1 280,50", spaced) == 12805000);
  CHECK(money("1\u00A0280,50",
              spaced) == 12805000);  // NO-BREAK SPACE
  CHECK(money("1\u202F280,50",
              spaced) == 12805000);  // NARROW NO-BREAK SPACE
  const value_options swiss{'.', '\'', crm::io::date_order::automatic};
  CHECK(money("1'280.50", swiss) == 12805000);
  const value_options none{'.', '\0', crm::io::date_order::automatic};
  CHECK(money("1280.50", none) == 12805000);
  CHECK(money_is_bad("1,280.50", none));
}

TEST_CASE("parse_money: exponent forms are converted exactly", "[values]") {
  CHECK(money("1.5E+03") == 15000000);  // 1500
  CHECK(money("1.5e3") == 15000000);
  CHECK(money("-1.5E+03") == -15000000);
  CHECK(money("1.23456789E+02") == 1234568);  // 123.456789 -> 123.4567|89 -> up
  CHECK(money("2.5E-05") == 0);               // 0.000025 -> 0.0000|25 -> down
  CHECK(money("1.5E-04") == 2);               // 0.00015, half, kept 1 odd -> 2
  CHECK(money("9E+14") == 9000000000000000000);
  CHECK(money("1e-400") == 0);
}

TEST_CASE("parse_money: the +-9e14 limit", "[values][edge]") {
  CHECK(money("900000000000000") == 9000000000000000000);
  CHECK(money("-900,000,000,000,000") == -9000000000000000000);
  CHECK(money("900000000000000.00004") == 9000000000000000000);  // rounds down
  CHECK(money("900000000000000.00005") == 9000000000000000000);  // half, even -> stays
  CHECK(money_is_bad("900000000000000.0001"));
  CHECK(money_is_bad("900000000000001"));
  CHECK(money_is_bad("9e15"));
  CHECK(money_is_bad("1e400"));
  CHECK(money_is_bad("12345678901234567890"));
}

TEST_CASE("parse_money: malformed cells are bad", "[values][errors]") {
  for (const char* cell :
       {"",         "   ",       "abc",    "1,5",  "12.5.3", "1,2345", "12,34,567", ",123",
        "1,,280",   "1,280.50.", "$",      "--5",  "+-5",    "(-5)",   "-(5)",      "$12$",
        "USD12EUR", "(12.50",    "12.50)", "0x10", ".",      "-",      "'",         "inf",
        "nan",      "NaN",       "12abc",  "1e",   "1e+",    "12%",    "1 280",     "12 50",
        "e5",       "€€5",       "12-",    "1_000"}) {
    INFO(cell);
    CHECK(money_is_bad(cell));
  }
  const value_options same{'.', '.', crm::io::date_order::automatic};
  CHECK(money_is_bad("12.5", same));
}

TEST_CASE("parse_decimal: the nearest double of the decimal text", "[values]") {
  CHECK(decimal("123.45") == 123.45);
  CHECK(decimal("0.1") == 0.1);
  CHECK(decimal("-0.1") == -0.1);
  CHECK(decimal("22.200000000000003") == 22.200000000000003);
  CHECK(decimal("3.14159265358979323846264338327950288") == 3.141592653589793);
  CHECK(decimal("1,234.5") == 1234.5);
  CHECK(decimal("1.234,5", europe) == 1234.5);
  CHECK(decimal("€1.234,5", europe) == 1234.5);
  CHECK(decimal("(12.5)") == -12.5);
  CHECK(decimal("$12.5") == 12.5);
  CHECK(decimal("1.5E+03") == 1500.0);
  CHECK(decimal("-2.5e-3") == -0.0025);
  CHECK(decimal("'42") == 42.0);
  CHECK(decimal(".5") == 0.5);
  CHECK(decimal("5.") == 5.0);
  CHECK(decimal("1e-400") == 0.0);  // underflow: 0 is the nearest double
  CHECK(decimal("4.9e-324") == std::numeric_limits<double>::denorm_min());
}

TEST_CASE("parse_decimal: a trailing percent divides by 100 exactly", "[values]") {
  CHECK(decimal("12.5%") == 0.125);
  CHECK(decimal("12.5 %") == 0.125);
  CHECK(decimal("-3%") == -0.03);
  // python3: float('0.7')/100 = 0.006999999999999999 but float('0.007') = 0.007; the parser must
  // give the latter.
  CHECK(decimal("0.7%") == 0.007);
  CHECK(decimal("1.1%") == 0.011);
  CHECK(decimal("1,5%", europe) == 0.015);
  CHECK(decimal("1.5E+01%") == 0.15);
}

TEST_CASE("parse_decimal: inf, nan and malformed cells are bad", "[values][errors]") {
  for (const char* cell : {"", "inf", "-inf", "Infinity", "nan", "NaN", "1e400", "-1e400", "%",
                           "12%%", "$12%", "12% USD", "1,5", "abc", "1.2.3", "0x1p3", "1e"}) {
    INFO(cell);
    CHECK(decimal_is_bad(cell));
  }
  CHECK(decimal_is_bad("1.5", europe));  // '.' groups thousands there
  const value_options same{'.', '.', crm::io::date_order::automatic};
  CHECK(decimal_is_bad("1.5", same));
}

TEST_CASE("parse_integer: whole numbers, separators and Excel's .0", "[values]") {
  CHECK(integer("42") == 42);
  CHECK(integer("-42") == -42);
  CHECK(integer("+42") == 42);
  CHECK(integer("0") == 0);
  CHECK(integer("-0") == 0);
  CHECK(integer("1,234,567") == 1234567);
  CHECK(integer("3.0") == 3);
  CHECK(integer("3.000") == 3);
  CHECK(integer(" 12 ") == 12);
  CHECK(integer("'42") == 42);
  CHECK(integer("1.234", europe) == 1234);
  CHECK(integer("3,0", europe) == 3);
  CHECK(integer("9223372036854775807") == std::numeric_limits<std::int64_t>::max());
  CHECK(integer("-9223372036854775808") == std::numeric_limits<std::int64_t>::min());
  CHECK(integer("9,223,372,036,854,775,807") == std::numeric_limits<std::int64_t>::max());
  CHECK(integer("000000000000000000000042") == 42);
}

TEST_CASE("parse_integer: fractions, overflow and malformed cells are bad", "[values][errors]") {
  for (const char* cell : {"",
                           " ",
                           "3.5",
                           "3.01",
                           "9223372036854775808",
                           "-9223372036854775809",
                           "99999999999999999999",
                           "1e3",
                           "1E+03",
                           "abc",
                           "1,23",
                           "12a",
                           "-",
                           "+",
                           "--1",
                           ".0",
                           "$5",
                           "(5)",
                           "5%",
                           "1 000"}) {
    INFO(cell);
    CHECK(integer_is_bad(cell));
  }
  CHECK(integer_is_bad("1,234", europe));  // ',' is the decimal point there: 1.234 is a fraction
}

TEST_CASE("parse_bool: the documented spellings", "[values]") {
  for (const char* cell : {"yes", "YES", "Yes", "y", "Y", "true", "TRUE", "True", "t", "T", "1",
                           "on", "ON", "oN", " yes ", "是", "真", "有", "√"}) {
    INFO(cell);
    bool out = false;
    CHECK(crm::io::parse_bool(cell, out) == parse_status::ok);
    CHECK(out);
  }
  for (const char* cell : {"no", "NO", "No", "n", "N", "false", "FALSE", "False", "f", "F", "0",
                           "off", "OFF", "\tno\r", "否", "假", "无", "×"}) {
    INFO(cell);
    bool out = true;
    CHECK(crm::io::parse_bool(cell, out) == parse_status::ok);
    CHECK_FALSE(out);
  }
}

TEST_CASE("parse_bool: anything else is bad", "[values][errors]") {
  for (const char* cell : {"", " ", "2", "-1", "yes please", "maybe", "nope", "ye", "tru", "0.0",
                           "1.0", "是的", "x", "NA"}) {
    INFO(cell);
    bool out = true;
    CHECK(crm::io::parse_bool(cell, out) == parse_status::bad);
    CHECK(out);  // untouched
  }
}
