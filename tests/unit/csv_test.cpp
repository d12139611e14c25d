#include "crm/io/csv.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

using crm::io::csv_dialect;
using crm::io::csv_record;
using crm::io::csv_scanner;

namespace {

std::vector<std::vector<std::string>> split(std::string_view text, csv_dialect d = {}) {
  std::vector<std::vector<std::string>> rows;
  csv_scanner scanner(text, d);
  csv_record record;
  while (scanner.next(record)) rows.emplace_back(record.fields.begin(), record.fields.end());
  return rows;
}

using rows_t = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("csv_scanner: RFC 4180 quoting", "[csv]") {
  // Quoted comma, doubled quote, quoted LF and CRLF, empty fields.
  const rows_t rows = split("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"l1\nl2\"\r\n,,\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1] == std::vector<std::string>{"x, y", "say \"hi\"", "l1\nl2"});
  CHECK(rows[2] == std::vector<std::string>{"", "", ""});
}

TEST_CASE("csv_scanner: line terminators LF, CRLF, lone CR and none at the end", "[csv]") {
  CHECK(split("a,b\nc,d") == rows_t{{"a", "b"}, {"c", "d"}});
  CHECK(split("a,b\r\nc,d\r\n") == rows_t{{"a", "b"}, {"c", "d"}});
  CHECK(split("a,b\rc,d\r") == rows_t{{"a", "b"}, {"c", "d"}});
  CHECK(split("a,b,\n") == rows_t{{"a", "b", ""}});
  CHECK(split("a,b,") == rows_t{{"a", "b", ""}});
}

TEST_CASE("csv_scanner: blank lines are skipped and counted; lines spanned are counted", "[csv]") {
  csv_scanner scanner("h\n\n\r\nx,\"1\n2\n3\"\ny\n", csv_dialect{});
  csv_record r;
  REQUIRE(scanner.next(r));
  CHECK(r.lines == 1);
  REQUIRE(scanner.next(r));
  CHECK(scanner.blank_lines() == 2);
  CHECK(r.lines == 3);  // the quoted field holds two line breaks
  CHECK(r.raw == "x,\"1\n2\n3\"");
  REQUIRE(scanner.next(r));
  CHECK(r.fields[0] == "y");
  CHECK_FALSE(scanner.next(r));
}

TEST_CASE("csv_scanner: malformed quoting is an error and reading can go on", "[csv][errors]") {
  csv_scanner scanner("\"ab\"c,d\nok,1\n", csv_dialect{});
  csv_record r;
  CHECK_THROWS_WITH(scanner.next(r), "unexpected text after a closing quote");
  CHECK(scanner.failed_raw() == "\"ab\"c,d");
  REQUIRE(scanner.next(r));
  CHECK(r.fields[0] == "ok");
  csv_scanner open("a,\"never closed\nb,c\n", csv_dialect{});
  CHECK_THROWS_WITH(open.next(r), "a quoted field is never closed");
}

TEST_CASE("csv_scanner: whitespace-aligned text (CDNOW_master.txt layout)", "[csv]") {
  csv_dialect d;
  d.whitespace_aligned = true;
  // The first two lines of CDNOW_master.txt, with its leading blanks and CRLF.
  const rows_t rows = split(
      " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n  \r\n", d);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] ==
        std::vector<std::string>{"customer_id", "date", "number_of_cds", "dollar_value"});
  CHECK(rows[1] == std::vector<std::string>{"00001", "19970101", "1", "11.77"});
}

TEST_CASE("csv_scanner: fields longer than the SIMD window", "[csv]") {
  const std::string longf(100, 'z');
  CHECK(split(longf + ";" + longf + "\n", csv_dialect{';', false, true}) == rows_t{{longf, longf}});
}

TEST_CASE("sniff_dialect: delimiters, alignment and header presence", "[csv]") {
  CHECK(crm::io::sniff_dialect("a,b,c\n1,2,3\n").delimiter == ',');
  CHECK(crm::io::sniff_dialect("X.1;X;InvoiceNo;Description\n1;2;536365;\"A, B\"\n").delimiter ==
        ';');
  CHECK(crm::io::sniff_dialect("a\tb\n1\t2\n").delimiter == '\t');
  CHECK(crm::io::sniff_dialect("a|b\n1|2\n").delimiter == '|');
  // Commas inside quoted text do not outvote the real delimiter.
  CHECK(crm::io::sniff_dialect("id;name\n1;\"Smith, J\"\n2;\"Doe, K\"\n").delimiter == ';');
  const csv_dialect aligned =
      crm::io::sniff_dialect(" id  date  n  v\r\n 00001 19970101  1   11.77\r\n");
  CHECK(aligned.whitespace_aligned);
  CHECK(aligned.has_header);
  // CDNOW_sample.txt has no header: every field of the first record is a number or a date.
  CHECK_FALSE(crm::io::sniff_dialect(
                  " 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n")
                  .has_header);
  CHECK(crm::io::sniff_dialect("customer_id,amount\n1,2\n").has_header);
}

TEST_CASE("split_records: parts start at record boundaries, never inside quotes", "[csv]") {
  const std::string text = "a,\"x\ny\"\nb,2\nc,\"p\nq\nr\"\nd,4\n";
  for (std::size_t parts = 1; parts <= 8; ++parts) {
    const auto starts = crm::io::split_records(text, parts);
    REQUIRE(starts.front() == 0);
    rows_t joined;
    for (std::size_t k = 0; k < starts.size(); ++k) {
      const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : text.size();
      for (auto& row : split(std::string_view(text).substr(starts[k], end - starts[k])))
        joined.push_back(row);
    }
    REQUIRE(joined == split(text));
  }
}

TEST_CASE("last_record_end: the unfinished tail is left for the next read", "[csv]") {
  CHECK(crm::io::last_record_end("a,b\nc,d") == 4);
  CHECK(crm::io::last_record_end("a,\"b\nc") == 0);  // the LF is inside quotes
  CHECK(crm::io::last_record_end("a,b\r") == 0);     // maybe half of a CRLF
  CHECK(crm::io::last_record_end("a,b\r\nc") == 5);
  CHECK(crm::io::last_record_end("x\n\"q\nq\"\n") == 8);
}
