#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/io/csv.hpp"
#include "crm/io/encoding.hpp"
#include "crm/io/schema.hpp"
#include "crm/io/table.hpp"
#include "crm/io/time_zone.hpp"
#include "crm/io/values.hpp"

namespace crm::io {

/// What to do with a row that holds a bad value or the wrong number of fields.
enum class error_policy : std::uint8_t {
  fail,  ///< stop at the first one with a `file:line:field` error (the default)
  skip,  ///< drop the row, count it under its reason and keep it for the rejects file
};

/// Options of read_table.
struct read_options {
  encoding text_encoding = encoding::automatic;
  value_options values;     ///< decimal point, thousands separator, date order
  time_zone zone;           ///< naive timestamps are in this zone; periods are cut in it
  mapping_options mapping;  ///< --map overrides and a forced table kind
  error_policy on_error = error_policy::fail;
  std::optional<char> delimiter;                    ///< force a delimiter instead of sniffing
  std::optional<bool> header;                       ///< force header presence instead of sniffing
  unsigned threads = 0;                             ///< worker threads; 0 = all cores
  std::size_t block_bytes = std::size_t{16} << 20;  ///< bytes parsed per step (tests use small)
  bool keep_rejected_rows = true;                   ///< keep rejected rows' text for a rejects file
  /// Store money, integer, integer-id and date-only timestamp columns in 4 bytes per row
  /// (column_storage::int32; date-only timestamps as days) while every value fits, else as
  /// int64: half the memory of a large export. Read such columns with column::int_at or
  /// column::int64_values. Off by default: `ints` then holds every integral column.
  bool compact_integers = false;
};

/// The input format that was detected.
enum class input_format : std::uint8_t { csv, json_array, json_lines, json_columns };
/// "csv", "json", "jsonl", "json-columns".
[[nodiscard]] std::string_view to_string(input_format format) noexcept;

/// A row that was dropped under error_policy::skip.
struct rejected_row {
  std::int64_t line = 0;  ///< 1-based physical line where the row starts
  std::string reason;     ///< the full message, `file:line:field: reason (...)`
  std::string text;       ///< the row as read (UTF-8), without its line terminator
};

/// What reading found, for `inspect` and for the reconciliation `read = ok + rejected`.
struct read_report {
  std::string source;
  input_format format = input_format::csv;
  encoding detected_encoding = encoding::utf8;
  bool had_bom = false;
  csv_dialect dialect;
  std::int64_t lines = 0;                                 ///< physical lines of the input (CSV)
  std::int64_t blank_lines = 0;                           ///< skipped, not rows
  std::size_t rows_read = 0;                              ///< data rows seen
  std::size_t rows_ok = 0;                                ///< rows in the table
  std::size_t rows_rejected = 0;                          ///< rows_read - rows_ok
  std::map<std::string, std::size_t> rejected_by_reason;  ///< short reason -> count
  std::vector<rejected_row> rejects;                      ///< in input order
  std::string header_text;  ///< the header record as read, for the rejects file
  /// Timestamp columns whose day/month order was decided from their values: header -> "mdy"/"dmy".
  std::vector<std::pair<std::string, std::string>> date_orders;
};

/// A table and the report of reading it.
struct read_result {
  table data;
  read_report report;
};

/// Reads a CSV, whitespace-aligned text, JSON array of objects, JSON Lines or column-oriented JSON
/// file ("-" = standard input) into typed columns: detects the encoding, the dialect and the table
/// kind, maps headers to canonical columns, parses every mapped cell by its type (unmapped columns
/// are kept as text dimensions), and indexes customers densely.
/// Throws input_error (`file:line:field: reason (column, value)`) on malformed input under
/// error_policy::fail; file_error when the file cannot be opened (exit 66) or read (74);
/// crm::invalid_input for an empty file, a header-only file, or an undecidable date order.
[[nodiscard]] read_result read_table(const std::string& path, const read_options& options = {});

/// The same, from bytes already in memory; `name` is used in messages.
[[nodiscard]] read_result read_table_from_memory(std::string_view name, std::string_view bytes,
                                                 const read_options& options = {});

}  // namespace crm::io
