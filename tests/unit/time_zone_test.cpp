// Tests for crm::io::time_zone. Instants and wall-clock times are seconds printed by GNU date,
// `date -u -d '<civil time>' +%s` (a wall time is written as if it were UTC); transitions and
// offsets come from `zdump -v -c <from>,<to> <zone>` on the same tz database, which, unlike the
// date library, also applies the rule after 2037.

#include "crm/io/time_zone.hpp"

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

using crm::io::time_zone;

TEST_CASE("time_zone: the default is UTC", "[time_zone]") {
  const time_zone utc;
  CHECK(utc.name() == "UTC");
  CHECK(utc.is_fixed());
  CHECK(utc.offset_at_utc(1704441787) == 0);
  CHECK(utc.to_local(1704441787) == 1704441787);
  CHECK(utc.to_utc(1704441787) == 1704441787);
}

TEST_CASE("time_zone::parse: UTC spellings and fixed offsets", "[time_zone]") {
  struct spec_case {
    const char* spec;
    std::int32_t offset;
    const char* name;
  };
  for (const spec_case& c : {
           spec_case{"UTC", 0, "UTC"},
           {"utc", 0, "UTC"},
           {"Z", 0, "UTC"},
           {"z", 0, "UTC"},
           {"GMT", 0, "UTC"},
           {"gmt", 0, "UTC"},
           {" UTC ", 0, "UTC"},
           {"+00:00", 0, "UTC"},
           {"+08:00", 8 * 3600, "+08:00"},
           {"+0800", 8 * 3600, "+08:00"},
           {"+08", 8 * 3600, "+08:00"},
           {"+8", 8 * 3600, "+08:00"},
           {"+8:00", 8 * 3600, "+08:00"},
           {"UTC+8", 8 * 3600, "+08:00"},
           {"utc+08:00", 8 * 3600, "+08:00"},
           {"GMT-3", -3 * 3600, "-03:00"},
           {"GMT-03:00", -3 * 3600, "-03:00"},
           {"-05:30", -(5 * 3600 + 30 * 60), "-05:30"},
           {"-0530", -(5 * 3600 + 30 * 60), "-05:30"},
           {"+05:45", 5 * 3600 + 45 * 60, "+05:45"},
           {"+23:59", 23 * 3600 + 59 * 60, "+23:59"},
       }) {
    INFO(c.spec);
    const time_zone tz = time_zone::parse(c.spec);
    CHECK(tz.is_fixed());
    CHECK(tz.name() == c.name);
    CHECK(tz.offset_at_utc(1704441787) == c.offset);
    CHECK(tz.to_local(1704441787) == 1704441787 + c.offset);
    CHECK(tz.to_utc(1704441787 + c.offset) == 1704441787);
  }
}

TEST_CASE("time_zone::fixed: names and the 24-hour bound", "[time_zone]") {
  CHECK(time_zone::fixed(0).name() == "UTC");
  CHECK(time_zone::fixed(19800).name() == "+05:30");   // 5*3600 + 30*60
  CHECK(time_zone::fixed(-12600).name() == "-03:30");  // -(3*3600 + 30*60)
  CHECK(time_zone::fixed(86399).offset_at_utc(0) == 86399);
  CHECK_THROWS_AS(time_zone::fixed(86400), crm::invalid_input);
  CHECK_THROWS_AS(time_zone::fixed(-86400), crm::invalid_input);
}

TEST_CASE("time_zone::parse: bad specs name the text and suggest examples", "[time_zone][errors]") {
  for (const char* spec : {"", "   ", "Mars/Olympus", "+24:00", "+8:0", "+08:60", "+123", "UTC+",
                           "08:00", "8", "UTC 8x", "Asia/", "+08:00:00", "++8", "GMT+-3"}) {
    INFO(spec);
    CHECK_THROWS_AS(time_zone::parse(spec), crm::invalid_input);
  }
  CHECK_THROWS_WITH(time_zone::parse("Mars/Olympus"), Catch::Contains("'Mars/Olympus'") &&
                                                          Catch::Contains("\"+08:00\"") &&
                                                          Catch::Contains("\"Asia/Shanghai\""));
  try {
    (void)time_zone::parse("Nowhere/City");
    FAIL("no exception");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().value == "Nowhere/City");
  }
}

TEST_CASE("time_zone::parse: IANA names, also in another case", "[time_zone]") {
  const time_zone sh = time_zone::parse("Asia/Shanghai");
  CHECK(sh.name() == "Asia/Shanghai");
  CHECK_FALSE(sh.is_fixed());
  CHECK(sh.offset_at_utc(1705320000) == 8 * 3600);  // 2024-01-15 12:00Z
  CHECK(sh.offset_at_utc(1721044800) == 8 * 3600);  // 2024-07-15 12:00Z, no DST
  CHECK(sh.to_local(1705320000) == 1705348800);     // 2024-01-15 20:00 wall time
  CHECK(sh.to_utc(1705348800) == 1705320000);
  const time_zone lower = time_zone::parse("asia/shanghai");
  CHECK(lower.name() == "Asia/Shanghai");
  time_zone copy;  // UTC, then assigned a copy that outlives the original
  {
    const time_zone original = time_zone::parse("Asia/Shanghai");
    copy = original;
  }
  CHECK(copy.name() == "Asia/Shanghai");
  CHECK_FALSE(copy.is_fixed());
  CHECK(copy.offset_at_utc(1705320000) == 8 * 3600);
}

TEST_CASE("time_zone: Europe/Berlin across the 2024 transitions", "[time_zone][edge]") {
  const time_zone berlin = time_zone::parse("Europe/Berlin");
  // zdump: Sun Mar 31 01:00:00 2024 UT = 03:00:00 CEST; 1711846800 = 2024-03-31 01:00Z
  CHECK(berlin.offset_at_utc(1711846800 - 1) == 3600);
  CHECK(berlin.offset_at_utc(1711846800) == 7200);
  CHECK(berlin.to_local(1711846800 - 1) == 1711850399);  // 01:59:59 wall
  CHECK(berlin.to_local(1711846800) == 1711854000);      // 03:00 wall
  CHECK(berlin.to_utc(1711850399) == 1711846799);        // 01:59:59 wall -> 00:59:59Z
  CHECK(berlin.to_utc(1711854000) == 1711846800);        // 03:00 wall -> 01:00Z
  // 02:30 does not exist: the instant after the gap shifted by its length, 03:30 CEST = 01:30Z
  CHECK(berlin.to_utc(1711852200) == 1711848600);
  // zdump: Sun Oct 27 01:00:00 2024 UT = 02:00:00 CET; 1729990800 = 2024-10-27 01:00Z
  CHECK(berlin.offset_at_utc(1729990800 - 1) == 7200);
  CHECK(berlin.offset_at_utc(1729990800) == 3600);
  // 02:30 happens twice: the earlier instant, 02:30 CEST = 00:30Z (1729989000)
  CHECK(berlin.to_utc(1729996200) == 1729989000);
  CHECK(berlin.to_utc(1729998000) == 1729994400);  // 03:00 wall -> 02:00Z
  CHECK(berlin.to_utc(1729994399) == 1729987199);  // 01:59:59 wall -> 2024-10-26 23:59:59Z
}

TEST_CASE("time_zone: America/New_York across the 2024 transitions", "[time_zone][edge]") {
  const time_zone ny = time_zone::parse("America/New_York");
  // zdump: Sun Mar 10 07:00:00 2024 UT = 03:00:00 EDT (1710054000)
  CHECK(ny.offset_at_utc(1710054000 - 1) == -18000);
  CHECK(ny.offset_at_utc(1710054000) == -14400);
  CHECK(ny.to_utc(1710037800) == 1710055800);  // 02:30 wall (gap) -> 07:30Z = 03:30 EDT
  // zdump: Sun Nov  3 06:00:00 2024 UT = 01:00:00 EST (1730613600)
  CHECK(ny.offset_at_utc(1730613600 - 1) == -14400);
  CHECK(ny.offset_at_utc(1730613600) == -18000);
  CHECK(ny.to_utc(1730597400) == 1730611800);  // 01:30 wall, repeated -> 05:30Z (EDT)
}

TEST_CASE("time_zone: Australia/Lord_Howe's 30-minute shift", "[time_zone][edge]") {
  const time_zone lh = time_zone::parse("Australia/Lord_Howe");
  // zdump: Sat Apr  6 15:00:00 2024 UT = Sun Apr  7 01:30:00 2024 +1030 (1712415600)
  CHECK(lh.offset_at_utc(1712415600 - 1) == 39600);
  CHECK(lh.offset_at_utc(1712415600) == 37800);
  CHECK(lh.to_utc(1712454300) == 1712414700);  // 01:45 wall, repeated -> 14:45Z (+11)
  // zdump: Sat Oct  5 15:30:00 2024 UT = Sun Oct  6 02:30:00 2024 +11 (1728142200)
  CHECK(lh.offset_at_utc(1728142200 - 1) == 37800);
  CHECK(lh.offset_at_utc(1728142200) == 39600);
  CHECK(lh.to_utc(1728180900) == 1728143100);  // 02:15 wall (gap) -> 15:45Z = 02:45 +11
}

TEST_CASE("time_zone: daylight saving continues after 2037", "[time_zone][edge]") {
  const time_zone berlin = time_zone::parse("Europe/Berlin");
  // TZ=Europe/Berlin date -d @2855000000 +%z -> +0200 (2060-06-21); @2525000000 -> +0100
  CHECK(berlin.offset_at_utc(2855000000) == 7200);
  CHECK(berlin.offset_at_utc(2525000000) == 3600);
  // zdump -c 2060,2061: Sun Mar 28 01:00:00 2060 UT = 03:00:00 CEST (2847661200);
  // Sun Oct 31 01:00:00 2060 UT = 02:00:00 CET (2866410000)
  CHECK(berlin.offset_at_utc(2847661200 - 1) == 3600);
  CHECK(berlin.offset_at_utc(2847661200) == 7200);
  CHECK(berlin.offset_at_utc(2866410000 - 1) == 7200);
  CHECK(berlin.offset_at_utc(2866410000) == 3600);
  CHECK(berlin.to_utc(2847666600) == 2847663000);  // 2060-03-28 02:30 wall (gap) -> 01:30Z
  const time_zone sydney = time_zone::parse("Australia/Sydney");
  // zdump -c 2050,2051: Sat Apr  2 16:00:00 2050 UT = 02:00:00 AEST (2532528000)
  CHECK(sydney.offset_at_utc(2532528000 - 1) == 39600);
  CHECK(sydney.offset_at_utc(2532528000) == 36000);
  CHECK(sydney.offset_at_utc(2525000000) == 39600);  // TZ=Australia/Sydney date: +1100
  const time_zone ny = time_zone::parse("America/New_York");
  // zdump -c 2045,2046: Sun Nov  5 06:00:00 2045 UT = 01:00:00 EST (2393474400)
  CHECK(ny.offset_at_utc(2393474400 - 1) == -14400);
  CHECK(ny.offset_at_utc(2393474400) == -18000);
  CHECK(ny.to_utc(2393458200) == 2393472600);  // 01:30 wall, repeated -> 05:30Z (EDT)
  const time_zone lh = time_zone::parse("Australia/Lord_Howe");
  // zdump -c 2040,2041 (a leap year): Sat Mar 31 15:00:00 2040 UT = 01:30:00 +1030 (2216818800)
  CHECK(lh.offset_at_utc(2216818800 - 1) == 39600);
  CHECK(lh.offset_at_utc(2216818800) == 37800);
  const time_zone sh = time_zone::parse("Asia/Shanghai");
  CHECK(sh.offset_at_utc(2855000000) == 8 * 3600);
}
