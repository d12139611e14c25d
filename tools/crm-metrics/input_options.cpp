#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "crm/io/output.hpp"

#include "cli.hpp"

namespace crm::cli {

void add_input_options(CLI::App& command, input_settings& s) {
  command
      .add_option("--encoding", s.encoding, "auto | utf-8 | utf-16le | utf-16be | gb18030 (GBK)")
      ->capture_default_str();
  command.add_option("--delimiter", s.delimiter,
                     "Field delimiter instead of sniffing: , ; tab | or 'space' (aligned text)");
  command.add_flag("--no-header", s.no_header, "The first row is data; columns are column_1..N");
  command.add_option("--map", s.maps,
                     "FIELD=COLUMN: map a header to a canonical column (repeatable)");
  command.add_option("--table", s.table,
                     "Force the table kind: orders, customers, customer_summary, surveys, tickets, "
                     "leads, costs, retention_actions");
  command.add_option("--tz", s.tz, "Zone of naive timestamps: UTC, +08:00 or an IANA name")
      ->capture_default_str();
  command.add_option("--decimal", s.decimal, "Decimal separator: . or ,")->capture_default_str();
  command.add_option(
      "--thousands", s.thousands,
      "Thousands separator: , . space ' or none (default: , or . opposite --decimal)");
  command
      .add_option("--date-order", s.date_order,
                  "Order of a/b/y dates: auto (decided from the column), mdy or dmy")
      ->capture_default_str();
  command.add_option("--on-error", s.on_error, "fail (stop at the first bad row) or skip")
      ->capture_default_str();
  command.add_option("--rejects", s.rejects, "With --on-error skip: write rejected rows here");
  command.add_option("--threads", s.threads, "Reader threads (0 = all cores)")
      ->capture_default_str();
}

namespace {

char one_char(const std::string& text, const char* option) {
  if (text == "tab" || text == "\\t") return '\t';
  if (text == "space" || text == "whitespace") return ' ';
  if (text == "none") return '\0';
  if (text.size() != 1)
    throw CLI::ValidationError(option, "expects a single character, got '" + text + "'");
  return text[0];
}

}  // namespace

io::read_options to_read_options(const input_settings& s) {
  io::read_options o;
  const auto enc = io::parse_encoding(s.encoding);
  if (!enc) throw CLI::ValidationError("--encoding", "unknown encoding '" + s.encoding + "'");
  o.text_encoding = *enc;
  if (!s.delimiter.empty()) o.delimiter = one_char(s.delimiter, "--delimiter");
  if (s.no_header) o.header = false;
  for (const std::string& m : s.maps) {
    const auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      throw CLI::ValidationError("--map", "expects FIELD=COLUMN, got '" + m + "'");
    }
    o.mapping.overrides.emplace_back(m.substr(0, eq), m.substr(eq + 1));
  }
  if (!s.table.empty()) {
    const auto kind = io::parse_table_kind(s.table);
    if (!kind) throw CLI::ValidationError("--table", "unknown table kind '" + s.table + "'");
    o.mapping.kind = *kind;
  }
  o.zone = io::time_zone::parse(s.tz);
  o.values.decimal_point = one_char(s.decimal, "--decimal");
  if (o.values.decimal_point != '.' && o.values.decimal_point != ',') {
    throw CLI::ValidationError("--decimal", "must be . or ,");
  }
  o.values.thousands_sep = s.thousands.empty() ? (o.values.decimal_point == ',' ? '.' : ',')
                                               : one_char(s.thousands, "--thousands");
  if (o.values.thousands_sep == o.values.decimal_point) {
    throw CLI::ValidationError("--thousands", "must differ from --decimal");
  }
  if (s.date_order == "mdy") {
    o.values.dates = io::date_order::mdy;
  } else if (s.date_order == "dmy") {
    o.values.dates = io::date_order::dmy;
  } else if (s.date_order != "auto") {
    throw CLI::ValidationError("--date-order", "must be auto, mdy or dmy");
  }
  if (s.on_error == "skip") {
    o.on_error = io::error_policy::skip;
  } else if (s.on_error != "fail") {
    throw CLI::ValidationError("--on-error", "must be fail or skip");
  }
  if (!s.rejects.empty() && o.on_error != io::error_policy::skip) {
    throw CLI::ValidationError("--rejects", "needs --on-error skip");
  }
  o.threads = s.threads;
  o.keep_rejected_rows = !s.rejects.empty();
  o.compact_integers = true;  // every command reads through int_at / int64_values
  return o;
}

void report_rejects(const io::read_result& result, const input_settings& s) {
  const io::read_report& r = result.report;
  if (s.on_error != "skip") return;
  std::fputs(fmt::format("{}: read={} ok={} rejected={}\n", r.source, r.rows_read, r.rows_ok,
                         r.rows_rejected)
                 .c_str(),
             stderr);
  for (const auto& [reason, count] : r.rejected_by_reason) {
    std::fputs(fmt::format("{}:   {} x {}\n", r.source, count, reason).c_str(), stderr);
  }
  if (s.rejects.empty()) return;
  std::string content;
  if (r.dialect.has_header && !r.header_text.empty()) content += r.header_text + '\n';
  for (const io::rejected_row& row : r.rejects) content += row.text + '\n';
  io::write_file_atomic(s.rejects, content);
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    std::error_code ec;
    if (a == "-" || !fs::is_directory(a, ec)) {
      files.push_back(a);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(a)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() &&
          (ext == ".csv" || ext == ".tsv" || ext == ".txt" || ext == ".json" || ext == ".jsonl")) {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<io::read_result> read_inputs(const std::vector<std::string>& args,
                                         const input_settings& s) {
  const io::read_options options = to_read_options(s);
  std::vector<io::read_result> results;
  for (const std::string& file : expand_inputs(args)) {
    results.push_back(io::read_table(file, options));
    report_rejects(results.back(), s);
  }
  return results;
}

io::report_format format_of(const std::string& name) {
  if (name == "json") return io::report_format::json;
  if (name == "csv") return io::report_format::csv;
  if (name == "md") return io::report_format::markdown;
  return io::report_format::text;
}

day_t date_option(const std::string& text, const char* option) {
  const auto day = parse_iso_date(text);
  if (!day) throw CLI::ValidationError(option, "expects YYYY-MM-DD, got '" + text + "'");
  return *day;
}

}  // namespace crm::cli
