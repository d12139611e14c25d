#include "crm/io/encoding.hpp"

#include <cstddef>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

using Catch::Matchers::Contains;
using crm::io::convert_from_utf8;
using crm::io::convert_to_utf8;
using crm::io::detect_encoding;
using crm::io::encoding;
using crm::io::find_invalid_utf8;
using crm::io::parse_encoding;
using namespace std::string_view_literals;

namespace {

// The UTF-8 text converted into `from`; fails the test on an exception.
std::string to_utf8(std::string_view bytes, encoding from) {
  std::string out;
  convert_to_utf8(bytes, from, out, "test.csv");
  return out;
}

// The what() of the invalid_input thrown by converting `bytes`, or "" when nothing is thrown.
std::string error_of(std::string_view bytes, encoding from) {
  std::string out = "previous content";
  try {
    convert_to_utf8(bytes, from, out, "orders.csv");
  } catch (const crm::invalid_input& e) {
    CHECK(out.empty());  // no partial conversion is left behind
    return e.what();
  }
  return {};
}

std::string read_fixture(const char* name) {
  std::ifstream in(std::string(CRM_TEST_DATA_DIR) + "/" + name, std::ios::binary | std::ios::ate);
  REQUIRE(in.good());
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(in.good());
  return bytes;
}

}  // namespace

// ---------------------------------------------------------------- names

TEST_CASE("to_string: canonical names", "[encoding][values]") {
  CHECK(to_string(encoding::automatic) == "auto");
  CHECK(to_string(encoding::utf8) == "utf-8");
  CHECK(to_string(encoding::utf16le) == "utf-16le");
  CHECK(to_string(encoding::utf16be) == "utf-16be");
  CHECK(to_string(encoding::gb18030) == "gb18030");
}

TEST_CASE("parse_encoding: names and aliases, case-insensitive", "[encoding][values]") {
  CHECK(parse_encoding("auto") == encoding::automatic);
  CHECK(parse_encoding("utf-8") == encoding::utf8);
  CHECK(parse_encoding("UTF8") == encoding::utf8);
  CHECK(parse_encoding("UTF-8-SIG") == encoding::utf8);
  CHECK(parse_encoding("utf-16le") == encoding::utf16le);
  CHECK(parse_encoding("UTF-16BE") == encoding::utf16be);
  CHECK(parse_encoding("utf-16") == encoding::utf16le);
  CHECK(parse_encoding("Utf16") == encoding::utf16le);
  CHECK(parse_encoding("gb18030") == encoding::gb18030);
  CHECK(parse_encoding("GB-18030") == encoding::gb18030);
  CHECK(parse_encoding("GBK") == encoding::gb18030);
  CHECK(parse_encoding("gb2312") == encoding::gb18030);
  CHECK(parse_encoding("CP936") == encoding::gb18030);
}

TEST_CASE("parse_encoding: every canonical name parses back", "[encoding][values]") {
  for (const encoding e : {encoding::automatic, encoding::utf8, encoding::utf16le,
                           encoding::utf16be, encoding::gb18030}) {
    CHECK(parse_encoding(to_string(e)) == e);
  }
}

TEST_CASE("parse_encoding: unknown names give nullopt", "[encoding][errors]") {
  CHECK_FALSE(parse_encoding(""));
  CHECK_FALSE(parse_encoding("latin1"));
  CHECK_FALSE(parse_encoding("utf-8 "));
  CHECK_FALSE(parse_encoding("utf_8"));
  CHECK_FALSE(parse_encoding("utf-32"));
  CHECK_FALSE(parse_encoding("gb"));
  CHECK_FALSE(parse_encoding("gbk2"));
}

// ---------------------------------------------------------------- detection

TEST_CASE("detect_encoding: BOMs decide first", "[encoding][values]") {
  auto g = detect_encoding(
      "\xEF\xBB\xBF"
      "a,b\n");
  CHECK(g.detected == encoding::utf8);
  CHECK(g.bom_bytes == 3);
  CHECK(g.had_bom);
  g = detect_encoding(
      "\xFF\xFE"
      "a\0"sv);
  CHECK(g.detected == encoding::utf16le);
  CHECK(g.bom_bytes == 2);
  CHECK(g.had_bom);
  g = detect_encoding(
      "\xFE\xFF"
      "\0a"sv);
  CHECK(g.detected == encoding::utf16be);
  CHECK(g.bom_bytes == 2);
  CHECK(g.had_bom);
  g = detect_encoding("\xEF\xBB\xBF");  // a BOM and nothing else
  CHECK(g.detected == encoding::utf8);
  CHECK(g.bom_bytes == 3);
}

TEST_CASE("detect_encoding: ASCII, UTF-8 and GBK without BOM", "[encoding][values]") {
  auto g = detect_encoding("customer_id,amount\n1,2\n");
  CHECK(g.detected == encoding::utf8);
  CHECK(g.bom_bytes == 0);
  CHECK_FALSE(g.had_bom);
  CHECK(detect_encoding("客户编号,实付金额").detected == encoding::utf8);
  // printf '客户编号' | iconv -f UTF-8 -t GBK | od -An -tx1  ->  bf cd bb a7 b1 e0 ba c5
  g = detect_encoding("\xBF\xCD\xBB\xA7\xB1\xE0\xBA\xC5");
  CHECK(g.detected == encoding::gb18030);
  CHECK(g.bom_bytes == 0);
  CHECK_FALSE(g.had_bom);
}

TEST_CASE("detect_encoding: empty input is UTF-8", "[encoding][edge]") {
  const auto g = detect_encoding("");
  CHECK(g.detected == encoding::utf8);
  CHECK(g.bom_bytes == 0);
  CHECK_FALSE(g.had_bom);
}

TEST_CASE("detect_encoding: the fixtures", "[encoding][values]") {
  CHECK(detect_encoding(read_fixture("gbk_orders_zh.csv")).detected == encoding::gb18030);
  CHECK(detect_encoding(read_fixture("bom_utf8_orders.csv")).bom_bytes == 3);
  CHECK(detect_encoding(read_fixture("utf16le_orders.csv")).detected == encoding::utf16le);
}

// ---------------------------------------------------------------- UTF-8 validation
// Expected offsets: python3 -c "b'...'.decode('utf-8')" -> UnicodeDecodeError.start.

TEST_CASE("find_invalid_utf8: valid text gives nullopt", "[encoding][values]") {
  CHECK_FALSE(find_invalid_utf8(""));
  CHECK_FALSE(find_invalid_utf8("plain ASCII, long enough for the 8-byte loop\r\n"));
  // é, 你, U+1F600, U+07FF, U+FFFF: 2, 3, 4, 2 and 3 bytes.
  CHECK_FALSE(find_invalid_utf8("\xC3\xA9\xE4\xBD\xA0\xF0\x9F\x98\x80\xDF\xBF\xEF\xBF\xBF"));
  CHECK_FALSE(find_invalid_utf8("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  CHECK_FALSE(find_invalid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  CHECK_FALSE(find_invalid_utf8("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  CHECK_FALSE(find_invalid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the largest code point
  CHECK_FALSE(find_invalid_utf8("a\0b"sv));            // NUL is ASCII
}

TEST_CASE("find_invalid_utf8: stray bytes, overlongs, surrogates, too large",
          "[encoding][errors]") {
  CHECK(find_invalid_utf8("\x80") == 0u);              // lone continuation byte
  CHECK(find_invalid_utf8("ab\xBF") == 2u);            // lone continuation byte
  CHECK(find_invalid_utf8("x\xC0\xAF") == 1u);         // overlong '/'
  CHECK(find_invalid_utf8("\xC1\xBF") == 0u);          // overlong U+007F
  CHECK(find_invalid_utf8("\xE0\x80\x80") == 0u);      // overlong U+0000
  CHECK(find_invalid_utf8("a\xE0\x9F\xBF") == 1u);     // overlong U+07FF
  CHECK(find_invalid_utf8("\xED\xA0\x80") == 0u);      // U+D800 surrogate
  CHECK(find_invalid_utf8("\xED\xBF\xBF") == 0u);      // U+DFFF surrogate
  CHECK(find_invalid_utf8("\xF0\x80\x80\x80") == 0u);  // overlong U+0000
  CHECK(find_invalid_utf8("\xF0\x8F\xBF\xBF") == 0u);  // overlong U+FFFF
  CHECK(find_invalid_utf8("\xF4\x90\x80\x80") == 0u);  // U+110000
  CHECK(find_invalid_utf8("\xF5\x80\x80\x80") == 0u);  // F5 never appears
  CHECK(find_invalid_utf8("\xFF") == 0u);              // FF never appears
  CHECK(find_invalid_utf8("\xE4\xBD\x41") == 0u);      // 'A' instead of a continuation
  CHECK(find_invalid_utf8("\xF0\x9F\x41\x80") == 0u);  // 'A' as third byte
  CHECK(find_invalid_utf8("\xC3\xA9\xC3\x28") == 2u);  // é, then a bad pair
}

TEST_CASE("find_invalid_utf8: a sequence cut off by the end", "[encoding][edge]") {
  CHECK(find_invalid_utf8("ab\xC2") == 2u);
  CHECK(find_invalid_utf8("ab\xE4\xBD") == 2u);
  CHECK(find_invalid_utf8("12\xF0\x9F\x98") == 2u);
}

TEST_CASE("find_invalid_utf8: every offset around the 8-byte blocks", "[encoding][edge]") {
  // A bad byte placed at `pos` in 24 ASCII bytes is found at `pos`, whatever the alignment.
  for (std::size_t pos = 0; pos < 24; ++pos) {
    std::string text(24, 'x');
    text[pos] = '\xFF';
    CHECK(find_invalid_utf8(text) == pos);
    text[pos] = '\xC3';  // truncated in the last position, else followed by 'x'
    CHECK(find_invalid_utf8(text) == pos);
  }
}

TEST_CASE("find_invalid_utf8: 1 MB of ASCII with one bad byte near the end", "[encoding][edge]") {
  constexpr std::size_t size = std::size_t{1} << 20U;
  std::string text(size, 'a');
  for (std::size_t i = 99; i < size; i += 100) text[i] = '\n';
  CHECK_FALSE(find_invalid_utf8(text));
  CHECK(detect_encoding(text).detected == encoding::utf8);
  const std::size_t bad = size - 5;  // 1048571
  text[bad] = '\x92';                // a cp1252 right quote
  CHECK(find_invalid_utf8(text) == bad);
  CHECK(detect_encoding(text).detected == encoding::gb18030);
  CHECK(error_of(text, encoding::utf8) ==
        "orders.csv: not valid UTF-8 at byte 1048571 (bytes 92 61 61 61)");
}

// ---------------------------------------------------------------- GB18030 -> UTF-8

TEST_CASE("convert_to_utf8: GBK header to UTF-8", "[encoding][values]") {
  // printf '客户编号,下单时间,实付金额' | iconv -f UTF-8 -t GBK | od -An -tx1
  const std::string_view gbk =
      "\xBF\xCD\xBB\xA7\xB1\xE0\xBA\xC5,\xCF\xC2\xB5\xA5\xCA\xB1\xBC\xE4,"
      "\xCA\xB5\xB8\xB6\xBD\xF0\xB6\xEE";
  CHECK(to_utf8(gbk, encoding::gb18030) == "客户编号,下单时间,实付金额");
}

TEST_CASE("convert_to_utf8: GB18030 two- and four-byte sequences", "[encoding][values]") {
  // printf '€©ß😀' | iconv -f UTF-8 -t GB18030 | od -An -tx1
  //   -> a2 e3 | 81 30 84 38 | 81 30 89 38 | 94 39 fc 36
  const std::string_view gb = "\xA2\xE3\x81\x30\x84\x38\x81\x30\x89\x38\x94\x39\xFC\x36";
  // printf '€©ß😀' | od -An -tx1 -> e2 82 ac c2 a9 c3 9f f0 9f 98 80
  CHECK(to_utf8(gb, encoding::gb18030) == "\xE2\x82\xAC\xC2\xA9\xC3\x9F\xF0\x9F\x98\x80");
}

TEST_CASE("convert_to_utf8: GB18030 BOM is skipped", "[encoding][edge]") {
  // python3 -c "print('\ufeff'.encode('gb18030').hex())" -> 84319533
  CHECK(to_utf8("\x84\x31\x95\x33"
                "a,b",
                encoding::gb18030) == "a,b");
  CHECK(to_utf8("\x84\x31\x95\x33", encoding::gb18030).empty());
}

TEST_CASE("convert_to_utf8: bad GB18030 names the source and the byte", "[encoding][errors]") {
  // Offsets: printf '...' | iconv -f GB18030 -t UTF-8 -> "illegal input sequence at position N"
  // or "incomplete character" for the cut-off ones (offset of their first byte).
  CHECK(error_of("ab\x81\x20"
                 "cd",
                 encoding::gb18030) ==
        "orders.csv: not valid GB18030 at byte 2 (bytes 81 20 63 64)");
  CHECK(error_of("\x80", encoding::gb18030) ==
        "orders.csv: not valid GB18030 at byte 0 (bytes 80)");
  CHECK(error_of("\xFF", encoding::gb18030) ==
        "orders.csv: not valid GB18030 at byte 0 (bytes FF)");
  CHECK(error_of("\xC4\xE3\xFF", encoding::gb18030) ==
        "orders.csv: not valid GB18030 at byte 2 (bytes FF)");
  CHECK(error_of("ab\x81\x30", encoding::gb18030) ==
        "orders.csv: not valid GB18030 at byte 2 (bytes 81 30)");
  CHECK(error_of("\x81\x30\x84", encoding::gb18030) ==
        "orders.csv: not valid GB18030 at byte 0 (bytes 81 30 84)");
}

TEST_CASE("convert_to_utf8: the errors are crm::invalid_input", "[encoding][errors]") {
  std::string out;
  try {
    convert_to_utf8("x\xFF", encoding::gb18030, out, "shop.csv");
    FAIL("no exception");
  } catch (const crm::invalid_input& e) {
    CHECK(e.where().source == "shop.csv");
    CHECK(e.reason() == "not valid GB18030 at byte 1 (bytes FF)");
  }
}

TEST_CASE("convert_to_utf8: GBK fixture file", "[encoding][values]") {
  const std::string bytes = read_fixture("gbk_orders_zh.csv");
  CHECK(bytes.size() == 244);  // wc -c tests/data/gbk_orders_zh.csv
  CHECK(to_utf8(bytes, encoding::gb18030) ==
        "客户编号,订单号,下单时间,实付金额,渠道\r\n"
        "C001,SO-1001,2024/1/5 8:03,\"1,280.50\",天猫\r\n"
        "C002,SO-1002,2024/1/5 14:30,99.00,京东\r\n"
        "C001,SO-1003,2024/2/17 9:15,35.20,天猫\r\n"
        "C003,SO-1004,2024/3/1 0:00,12.30,有赞\r\n"
        "C002,SO-1005,2024/12/31 23:59,0.99,京东\r\n");
}

// ---------------------------------------------------------------- UTF-8 and UTF-16 -> UTF-8

TEST_CASE("convert_to_utf8: UTF-8 BOM skipped, offsets count the BOM", "[encoding][values]") {
  CHECK(to_utf8("\xEF\xBB\xBF"
                "id\n1\n",
                encoding::utf8) == "id\n1\n");
  CHECK(to_utf8("id\n\xC3\xA9\n", encoding::utf8) == "id\n\xC3\xA9\n");
  CHECK(error_of("\xEF\xBB\xBF"
                 "ab\xC0\xAF",
                 encoding::utf8) == "orders.csv: not valid UTF-8 at byte 5 (bytes C0 AF)");
}

TEST_CASE("convert_to_utf8: UTF-16 with BOM and a surrogate pair", "[encoding][values]") {
  // printf 'a😀é' | iconv -f UTF-8 -t UTF-16LE | od -An -tx1 -> 61 00 3d d8 00 de e9 00
  // printf 'a😀é' | iconv -f UTF-8 -t UTF-16BE | od -An -tx1 -> 00 61 d8 3d de 00 00 e9
  // printf 'a😀é' | od -An -tx1 -> 61 f0 9f 98 80 c3 a9
  const std::string_view expected = "a\xF0\x9F\x98\x80\xC3\xA9";
  const std::string_view le =
      "\xFF\xFE"
      "a\0\x3D\xD8\x00\xDE\xE9\0"sv;
  const std::string_view be =
      "\xFE\xFF"
      "\0a\xD8\x3D\xDE\x00\0\xE9"sv;
  CHECK(to_utf8(le, encoding::utf16le) == expected);
  CHECK(to_utf8(be, encoding::utf16be) == expected);
  CHECK(to_utf8(le.substr(2), encoding::utf16le) == expected);  // forced, no BOM
  CHECK(to_utf8(be.substr(2), encoding::utf16be) == expected);
  CHECK(to_utf8(be, encoding::utf16le) == expected);  // the BOM decides the byte order
  CHECK(to_utf8(le, encoding::utf16be) == expected);
  // printf '\x60\x4f' | iconv -f UTF-16LE -t UTF-8 | od -An -tx1 -> e4 bd a0 (你)
  CHECK(to_utf8("\x60\x4F", encoding::utf16le) == "\xE4\xBD\xA0");
}

TEST_CASE("convert_to_utf8: UTF-16 fixture equals the UTF-8 fixture", "[encoding][values]") {
  const std::string utf8 = read_fixture("bom_utf8_orders.csv");
  const std::string utf16 = read_fixture("utf16le_orders.csv");
  CHECK(utf16.size() == 2 + 2 * (utf8.size() - 3));  // 222 = 2 + 2 * 110 (wc -c)
  CHECK(to_utf8(utf16, encoding::utf16le) == to_utf8(utf8, encoding::utf8));
  CHECK(to_utf8(utf8, encoding::utf8).substr(0, 39) == "customer_id,order_id,order_date,amount\n");
}

TEST_CASE("convert_to_utf8: lone surrogates and odd lengths in UTF-16", "[encoding][errors]") {
  // iconv -f UTF-16LE -t UTF-8 reports the same units as illegal or incomplete.
  CHECK(error_of("\xFF\xFE"
                 "a\0\x3D\xD8"sv,
                 encoding::utf16le) ==
        "orders.csv: not valid UTF-16LE at byte 4 (bytes 3D D8)");  // high at the end
  CHECK(error_of("\xFF\xFE\x3D\xD8"
                 "a\0"sv,
                 encoding::utf16le) ==
        "orders.csv: not valid UTF-16LE at byte 2 (bytes 3D D8 61 00)");  // high, no low
  CHECK(error_of("\x00\xDE"sv, encoding::utf16le) ==
        "orders.csv: not valid UTF-16LE at byte 0 (bytes 00 DE)");  // lone low
  CHECK(error_of("\xFE\xFF\xDC\x00"sv, encoding::utf16be) ==
        "orders.csv: not valid UTF-16BE at byte 2 (bytes DC 00)");  // lone low
  CHECK(error_of("\xFF\xFE"
                 "a\0b"sv,
                 encoding::utf16le) ==
        "orders.csv: not valid UTF-16LE at byte 4 (bytes 62)");  // odd number of bytes
}

TEST_CASE("convert_to_utf8: empty input and BOM-only input", "[encoding][edge]") {
  for (const encoding e :
       {encoding::utf8, encoding::utf16le, encoding::utf16be, encoding::gb18030}) {
    CHECK(to_utf8("", e).empty());
  }
  CHECK(to_utf8("\xEF\xBB\xBF", encoding::utf8).empty());
  CHECK(to_utf8("\xFF\xFE", encoding::utf16le).empty());
  CHECK(to_utf8("\xFE\xFF", encoding::utf16be).empty());
}

TEST_CASE("convert_to_utf8: clears out first", "[encoding][values]") {
  std::string out = "old text";
  convert_to_utf8("new", encoding::gb18030, out, "x");
  CHECK(out == "new");
  convert_to_utf8("", encoding::utf8, out, "x");
  CHECK(out.empty());
}

TEST_CASE("convert_to_utf8: automatic is refused", "[encoding][errors]") {
  std::string out;
  CHECK_THROWS_AS(convert_to_utf8("abc", encoding::automatic, out, "x"), crm::invalid_input);
}

// ---------------------------------------------------------------- UTF-8 -> others

TEST_CASE("convert_from_utf8: GBK text matches iconv", "[encoding][values]") {
  // printf '客户编号,下单时间,实付金额' | iconv -f UTF-8 -t GBK | od -An -tx1
  CHECK(convert_from_utf8("客户编号,下单时间,实付金额", encoding::gb18030) ==
        "\xBF\xCD\xBB\xA7\xB1\xE0\xBA\xC5,\xCF\xC2\xB5\xA5\xCA\xB1\xBC\xE4,"
        "\xCA\xB5\xB8\xB6\xBD\xF0\xB6\xEE");
  // printf '©😀' | iconv -f UTF-8 -t GB18030 | od -An -tx1 -> 81 30 84 38 94 39 fc 36
  CHECK(convert_from_utf8("\xC2\xA9\xF0\x9F\x98\x80", encoding::gb18030) ==
        "\x81\x30\x84\x38\x94\x39\xFC\x36");
}

TEST_CASE("convert_from_utf8: round trip through GB18030", "[encoding][values]") {
  const std::string text = "客户编号,渠道\r\nC001,天猫 €1.5 ß é 😀\n";
  const std::string gb = convert_from_utf8(text, encoding::gb18030);
  CHECK(gb != text);
  CHECK(to_utf8(gb, encoding::gb18030) == text);
}

TEST_CASE("convert_from_utf8: output twice the input grows the buffer", "[encoding][edge]") {
  // U+00A9 is 2 bytes in UTF-8 and 4 in GB18030 (81 30 84 38, from iconv as above).
  std::string text;
  std::string expected;
  for (int i = 0; i < 10000; ++i) {
    text += "\xC2\xA9";
    expected += "\x81\x30\x84\x38";
  }
  const std::string gb = convert_from_utf8(text, encoding::gb18030);
  CHECK(gb.size() == 40000);
  CHECK(gb == expected);
  CHECK(to_utf8(gb, encoding::gb18030) == text);
}

TEST_CASE("convert_from_utf8: UTF-16 without BOM, UTF-8 copied", "[encoding][values]") {
  // printf 'a😀é' | iconv -f UTF-8 -t UTF-16LE / UTF-16BE | od -An -tx1
  CHECK(convert_from_utf8("a\xF0\x9F\x98\x80\xC3\xA9", encoding::utf16le) ==
        "a\0\x3D\xD8\x00\xDE\xE9\0"sv);
  CHECK(convert_from_utf8("a\xF0\x9F\x98\x80\xC3\xA9", encoding::utf16be) ==
        "\0a\xD8\x3D\xDE\x00\0\xE9"sv);
  // printf '你\xef\xbf\xbf' | iconv -f UTF-8 -t UTF-16LE | od -An -tx1 -> 60 4f ff ff
  CHECK(convert_from_utf8("\xE4\xBD\xA0\xEF\xBF\xBF", encoding::utf16le) == "\x60\x4F\xFF\xFF");
  CHECK(convert_from_utf8("id,\xC3\xA9", encoding::utf8) == "id,\xC3\xA9");
  for (const encoding e :
       {encoding::utf8, encoding::utf16le, encoding::utf16be, encoding::gb18030}) {
    CHECK(convert_from_utf8("", e).empty());
  }
}

TEST_CASE("convert_from_utf8: invalid UTF-8 and automatic are refused", "[encoding][errors]") {
  CHECK_THROWS_WITH(convert_from_utf8("ok\xED\xA0\x80", encoding::gb18030),
                    Contains("not valid UTF-8 at byte 2"));
  CHECK_THROWS_WITH(convert_from_utf8("\xFF", encoding::utf16le),
                    Contains("not valid UTF-8 at byte 0"));
  CHECK_THROWS_AS(convert_from_utf8("abc", encoding::automatic), crm::invalid_input);
}
