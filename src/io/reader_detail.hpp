#pragma once

// Private: the pieces of read_table shared by the CSV and JSON paths.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crm/io/reader.hpp"

#include "byte_source.hpp"
#include "table_builder.hpp"

namespace crm::io::detail {

/// Thrown by the CSV pass when automatic detection meets bytes that are not UTF-8.
struct not_utf8 {
  std::size_t offset = 0;
};

/// Maps headers (wrapping mapping errors with the file name) and plans the typed columns.
[[nodiscard]] build_plan plan_columns(const std::string& source,
                                      std::span<const std::string> headers,
                                      const read_options& options, const time_zone& zone,
                                      header_mapping& mapping);

/// Moves a chunk's rejects into the report, with lines made absolute by adding `line_base - 1`.
void collect_rejects(chunk_builder& chunk, std::int64_t line_base, const std::string& source,
                     read_report& report);

/// Throws the input_error of a failed chunk, its line made absolute.
[[noreturn]] void throw_failure(const chunk_builder::failure& f, std::int64_t line_base,
                                const std::string& source);

/// Reads delimited or aligned text (UTF-8) from `source` into columns. When `check_utf8` is
/// set, invalid UTF-8 throws not_utf8 (automatic detection) or input_error (forced UTF-8).
[[nodiscard]] std::vector<column> read_csv(const std::string& name, byte_source& source,
                                           const read_options& options, bool check_utf8,
                                           bool forced_utf8, header_mapping& mapping,
                                           read_report& report, line_marks_t& marks);

/// Reads a JSON array of objects, JSON Lines, or an object of columns (UTF-8 text).
[[nodiscard]] std::vector<column> read_json(const std::string& name, std::string_view text,
                                            const read_options& options, header_mapping& mapping,
                                            read_report& report, line_marks_t& marks);

/// True when the first non-blank byte of `text` opens a JSON value (`[` or `{`).
[[nodiscard]] bool looks_like_json(std::string_view text) noexcept;

}  // namespace crm::io::detail
