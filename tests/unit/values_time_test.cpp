// Tests for parse_timestamp and classify_day_month. Every expected number of seconds was printed
// by GNU date, `date -u -d '<civil time>' +%s`, and is quoted next to it.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <catch2/catch.hpp>

#include "crm/io/values.hpp"

using crm::io::date_order;
using crm::io::parse_status;
using crm::io::timestamp_value;
using crm::io::value_options;

namespace {

const value_options mdy{'.', ',', date_order::mdy};
const value_options dmy{'.', ',', date_order::dmy};

// date -u -d '2024-01-05' +%s
constexpr std::int64_t jan5 = 1704412800;
// date -u -d '2024-01-05 08:03:07' +%s
constexpr std::int64_t jan5_080307 = 1704441787;
// date -u -d '2024-01-05 08:03' +%s
constexpr std::int64_t jan5_0803 = 1704441780;

timestamp_value parsed(std::string_view cell, const value_options& options = {}) {
  timestamp_value out;
  INFO(std::string(cell));
  REQUIRE(crm::io::parse_timestamp(cell, out, options) == parse_status::ok);
  return out;
}

std::int64_t local(std::string_view cell, const value_options& options = {}) {
  return parsed(cell, options).local_seconds;
}

parse_status status_of(std::string_view cell, const value_options& options = {}) {
  timestamp_value out;
  return crm::io::parse_timestamp(cell, out, options);
}

}  // namespace

TEST_CASE("parse_timestamp: ISO dates and date-times", "[values_time]") {
  const timestamp_value d = parsed("2024-01-05");
  CHECK(d.local_seconds == jan5);
  CHECK_FALSE(d.has_time);
  CHECK_FALSE(d.has_offset);
  const timestamp_value t = parsed("2024-01-05 08:03:07");
  CHECK(t.local_seconds == jan5_080307);
  CHECK(t.has_time);
  CHECK_FALSE(t.has_offset);
  CHECK(local("2024-01-05T08:03:07") == jan5_080307);
  CHECK(local("2024-01-05T08:03") == jan5_0803);
  CHECK(local("2024-01-05 08:03") == jan5_0803);
  CHECK(local("2024-01-05T08:03:07.123456") == jan5_080307);  // sub-seconds truncated
  CHECK(local("2024-01-05T08:03:07.999999") == jan5_080307);
  CHECK(local("2024-01-05 8:03:07") == jan5_080307);
  CHECK(parsed("2024-01-05T08:03").has_time);
}

TEST_CASE("parse_timestamp: the fixed-width path agrees with the general one", "[values_time]") {
  for (const char* cell : {"2024-01-05", "2024-01-05 08:03:07", "2024-01-05T23:59:59", "2024-02-29",
                           "1999-12-31 00:00:00"}) {
    std::string padded(1, ' ');  // (not " " + ...: GCC 12 -O2 raises a false -Wrestrict)
    padded += cell;
    padded += ' ';  // the padding skips the fixed-width path
    const timestamp_value a = parsed(cell);
    const timestamp_value b = parsed(padded);
    CHECK(a.local_seconds == b.local_seconds);
    CHECK(a.has_time == b.has_time);
  }
}

TEST_CASE("parse_timestamp: zones and offsets", "[values_time]") {
  const timestamp_value z = parsed("2024-01-05T08:03:07Z");
  CHECK(z.local_seconds == jan5_080307);
  CHECK(z.has_offset);
  CHECK(z.offset_seconds == 0);
  // +08:00 means UTC = local - 8 h. date -u -d '2024-01-05T08:03:07+08:00' +%s = 1704412987
  for (const char* cell :
       {"2024-01-05T08:03:07+08:00", "2024-01-05T08:03:07+0800", "2024-01-05T08:03:07+08",
        "2024-01-05 08:03:07 +08:00", "2024-01-05T08:03:07.5+08:00"}) {
    const timestamp_value v = parsed(cell);
    CHECK(v.local_seconds == jan5_080307);
    CHECK(v.has_offset);
    CHECK(v.offset_seconds == 8 * 3600);
    CHECK(v.local_seconds - v.offset_seconds == 1704412987);
  }
  // date -u -d '2024-01-05T08:03:07-05:30' +%s = 1704461587
  const timestamp_value w = parsed("2024-01-05T08:03:07-05:30");
  CHECK(w.offset_seconds == -(5 * 3600 + 30 * 60));
  CHECK(w.local_seconds - w.offset_seconds == 1704461587);
  for (const char* cell : {"2024-01-05 08:03:07 UTC", "2024-01-05 08:03:07 utc",
                           "2024-01-05T08:03:07.000Z", "2024-01-05 08:03:07 GMT"}) {
    const timestamp_value u = parsed(cell);
    CHECK(u.has_offset);
    CHECK(u.offset_seconds == 0);
    CHECK(u.local_seconds == jan5_080307);
  }
}

TEST_CASE("parse_timestamp: year-first and compact forms", "[values_time]") {
  CHECK(local("2024/1/5") == jan5);
  CHECK(local("2024/01/05") == jan5);
  CHECK(local("2024.1.5") == jan5);
  CHECK(local("2024-1-5") == jan5);
  CHECK(local("2024/01/05 8:03") == jan5_0803);
  CHECK(local("2024/1/5 8:03:07") == jan5_080307);
  CHECK(local("20240105") == jan5);
  CHECK_FALSE(parsed("20240105").has_time);
  CHECK(local("20240105080307") == jan5_080307);
  CHECK(parsed("20240105080307").has_time);
  CHECK_FALSE(parsed("20240105080307").has_offset);
}

TEST_CASE("parse_timestamp: Chinese forms", "[values_time]") {
  CHECK(local("2024年1月5日") == jan5);
  CHECK(local("2024年01月05日 8:03") == jan5_0803);
  CHECK(local("2024年1月5日 8:03:07") == jan5_080307);
  CHECK(local("2024年1月5日 8时3分7秒") == jan5_080307);
  CHECK(local("2024年1月5日8时3分") == jan5_0803);
  // 上午/下午 before or after the clock. date -u -d '2024-01-05 15:05:07' +%s = 1704467107
  CHECK(local("2024/1/5 下午 3:05:07") == 1704467107);
  CHECK(local("2024/1/5 3:05:07 下午") == 1704467107);
  CHECK(local("2024/1/5 上午 8:03:07") == jan5_080307);
  CHECK(local("2024/1/5 上午 12:00") == jan5);  // 上午 12:00 = 0 h
  // date -u -d '2024-01-05 15:05' +%s = 1704467100
  CHECK(local("2024年1月5日 下午3时5分") == 1704467100);
}

TEST_CASE("parse_timestamp: day/month forms follow the configured order", "[values_time]") {
  CHECK(local("1/5/2024", mdy) == jan5);
  CHECK(local("01/05/2024 08:03", mdy) == jan5_0803);
  CHECK(local("1-5-2024", mdy) == jan5);
  CHECK(local("1.5.2024", mdy) == jan5);
  CHECK(local("5/1/2024", dmy) == jan5);
  CHECK(local("05.01.2024 08:03:07", dmy) == jan5_080307);
  CHECK(local("1/5/2024", dmy) == 1714521600);  // date -u -d '2024-05-01' +%s
  // UCI Online Retail: date -u -d '2010-12-01 08:26' +%s = 1291191960
  CHECK(local("12/1/10 8:26", mdy) == 1291191960);
  // date -u -d '2010-12-13 14:16' +%s = 1292249760
  CHECK(local("12/13/2010 14:16", mdy) == 1292249760);
  CHECK(local("12/13/2010 14:16") == 1292249760);  // automatic: only m/d/y is a date
  CHECK(local("13/12/2010") == 1292198400);        // automatic: only d/m/y; 2010-12-13
  CHECK(status_of("12/13/2010", dmy) == parse_status::bad);
}

TEST_CASE("parse_timestamp: automatic order asks when both orders are dates", "[values_time]") {
  CHECK(status_of("1/5/2024") == parse_status::needs_date_order);
  CHECK(status_of("12/1/10 8:26") == parse_status::needs_date_order);
  CHECK(status_of("05.01.2024") == parse_status::needs_date_order);
  // A bad time or garbage is bad, not a question about the order.
  CHECK(status_of("1/5/2024 25:00") == parse_status::bad);
  CHECK(status_of("1/5/2024 x") == parse_status::bad);
  CHECK(status_of("32/5/2024") == parse_status::bad);  // a date in neither order
}

TEST_CASE("parse_timestamp: two-digit years pivot as Excel does", "[values_time][edge]") {
  CHECK(local("1/5/29", mdy) == 1862265600);   // 2029-01-05
  CHECK(local("1/5/30", mdy) == -1261958400);  // 1930-01-05
  CHECK(local("1/5/00", mdy) == 947030400);    // 2000-01-05
  CHECK(local("1/5/99", mdy) == 915494400);    // 1999-01-05
  CHECK(local("1/5/24", mdy) == jan5);
  CHECK(status_of("1/5/202", mdy) == parse_status::bad);  // three-digit year
  CHECK(status_of("1/5/2", mdy) == parse_status::bad);
}

TEST_CASE("parse_timestamp: English month names", "[values_time]") {
  for (const char* cell :
       {"Jan 5, 2024", "Jan 5 2024", "jan 5,2024", "January 5, 2024", "JANUARY 5 2024",
        "Jan. 5, 2024", "5 Jan 2024", "5 january 2024", "5-Jan-2024", "05-JAN-2024", "5-Jan-24"}) {
    CHECK(local(cell) == jan5);
  }
  CHECK(local("Sep 12, 2026") == 1789171200);  // date -u -d 2026-09-12 +%s
  CHECK(local("Sept 5, 2024") == 1725494400);  // date -u -d 2024-09-05 +%s
  CHECK(local("September 5, 2024") == 1725494400);
  CHECK(local("Jan 5, 2024 8:03 PM") == 1704484980);  // date -u -d '2024-01-05 20:03' +%s
  CHECK(local("5-Jan-2024 08:03:07") == jan5_080307);
  for (const char* cell : {"Ja 5, 2024", "Janu 5, 2024", "Foo 5, 2024", "Jan 32, 2024",
                           "Jan 5, 202", "5 Jan", "5-Jan/2024", "Jan 52024", "Feb 30, 2024"}) {
    INFO(cell);
    CHECK(status_of(cell) == parse_status::bad);
  }
}

TEST_CASE("parse_timestamp: 12-hour clock", "[values_time]") {
  CHECK(local("2024-01-05 12:00 AM") == jan5);           // 12 AM = 00 h
  CHECK(local("2024-01-05 12:30 am") == 1704414600);     // 00:30
  CHECK(local("2024-01-05 12:00 PM") == 1704456000);     // 12 PM = 12 h
  CHECK(local("2024-01-05 1:05 PM") == 1704459900);      // 13:05
  CHECK(local("2024-01-05 11:59:59 PM") == 1704499199);  // 23:59:59
  CHECK(local("2024-01-05 8:03:07 AM") == jan5_080307);
  CHECK(local("2024-01-05 8:03:07AM") == jan5_080307);
  CHECK(local("1/5/2024 8:03:07 AM", mdy) == jan5_080307);
  CHECK(status_of("2024-01-05 0:30 AM") == parse_status::bad);
  CHECK(status_of("2024-01-05 13:00 PM") == parse_status::bad);
  CHECK(status_of("2024-01-05 PM") == parse_status::bad);
}

TEST_CASE("parse_timestamp: epoch seconds and milliseconds are UTC", "[values_time]") {
  const timestamp_value s = parsed("1704441787");
  CHECK(s.local_seconds == jan5_080307);  // date -u -d @1704441787: 2024-01-05 08:03:07
  CHECK(s.has_offset);
  CHECK(s.offset_seconds == 0);
  CHECK(s.has_time);
  CHECK(local("1704441787123") == jan5_080307);          // milliseconds, truncated
  CHECK(local("999999999") == 999999999);                // 9 digits: 2001-09-09 01:46:39
  CHECK(local("999999999999") == 999999999);             // 12 digits of milliseconds
  CHECK(local("4133980799") == 4133980799);              // 2100-12-31 23:59:59
  CHECK(status_of("4133980800") == parse_status::bad);   // 2101-01-01
  CHECK(status_of("9999999999") == parse_status::bad);   // year 2286
  CHECK(status_of("17044417871") == parse_status::bad);  // 11 digits
  CHECK(status_of("170444178712345") == parse_status::bad);
  CHECK(status_of("1234567") == parse_status::bad);
}

TEST_CASE("parse_timestamp: calendar and clock limits", "[values_time][edge]") {
  CHECK(local("2024-02-29") == 1709164800);           // date -u -d 2024-02-29 +%s
  CHECK(local("2016-12-31 23:59:60") == 1483228799);  // leap second clamped to :59
  CHECK(local(" 2016-12-31 23:59:60") == 1483228799);
  CHECK(local("20161231235960") == 1483228799);
  for (const char* cell :
       {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "2024-04-31", "2024-01-05T25:00",
        "2024-01-05 24:00:00", "2024-01-05 08:60", "2024-01-05 08:03:61", "2024/2/30", "20230229",
        "20240105250000", "2024-01-05 24:00"}) {
    INFO(cell);
    CHECK(status_of(cell) == parse_status::bad);
  }
}

TEST_CASE("parse_timestamp: surrounding space is ignored, garbage is bad",
          "[values_time][errors]") {
  CHECK(local("  2024-01-05  ") == jan5);
  CHECK(local("\t2024-01-05 08:03:07\r\n") == jan5_080307);
  CHECK(local("\u00A02024-01-05") == jan5);  // NO-BREAK SPACE
  for (const char* cell : {"",
                           " ",
                           "hello",
                           "2024",
                           "2024-01",
                           "1/5",
                           "2024-01-05x",
                           "2024-01-05 08:03:07 foo",
                           "2024-01-05T08:03:07+08:00x",
                           "20240105a",
                           "2024-01-0508:03",
                           "2024/1-5",
                           "2024-01-05T",
                           "2024-01-05 08",
                           "2024-01-05 8:3",
                           "2024-01-05 08:03:07.",
                           "2024-01-05+08:00",
                           "2024-01-05T08:03+24:00",
                           "2024-01-05T08:03+08:0",
                           "1/5/202408:03",
                           "202-01-05",
                           "2024-01-05 08:03:07 Z Z",
                           "T08:03",
                           "0/5/2024",
                           "-1704441787",
                           "1704441787.5"}) {
    INFO(cell);
    CHECK(status_of(cell) == parse_status::bad);
  }
}

TEST_CASE("classify_day_month: which orders give a date", "[values_time]") {
  const auto fit = [](std::string_view cell) {
    const crm::io::day_month_fit f = crm::io::classify_day_month(cell);
    return std::pair{f.mdy, f.dmy};
  };
  CHECK(fit("12/13/10") == std::pair{true, false});
  CHECK(fit("13/12/10") == std::pair{false, true});
  CHECK(fit("1/5/24") == std::pair{true, true});
  CHECK(fit("2024/1/5") == std::pair{false, false});  // year first: not a day/month form
  CHECK(fit("12/1/10 8:26") == std::pair{true, true});
  CHECK(fit("12/31/2024 23:59") == std::pair{true, false});
  CHECK(fit("31.12.2024") == std::pair{false, true});
  CHECK(fit("29/2/2024") == std::pair{false, true});   // leap day, d/m/y only
  CHECK(fit("29/2/2023") == std::pair{false, false});  // not a leap year
  CHECK(fit("2/30/2024") == std::pair{false, false});
  CHECK(fit("32/13/2024") == std::pair{false, false});
  CHECK(fit("2024-01-05") == std::pair{false, false});
  CHECK(fit("5-Jan-2024") == std::pair{false, false});
  CHECK(fit("1/5/2024 garbage") == std::pair{false, false});
  CHECK(fit("1/5/2024 25:00") == std::pair{false, false});
  CHECK(fit("") == std::pair{false, false});
}
