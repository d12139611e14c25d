#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace crm::io {

/// How a delimited text file is laid out.
struct csv_dialect {
  char delimiter = ',';             ///< ',', ';', '\t' or '|'; ignored when whitespace_aligned
  bool whitespace_aligned = false;  ///< fields separated by runs of blanks (CDNOW_master.txt)
  bool has_header = true;           ///< the first record names the columns
};

/// The dialect's delimiter as a name: "comma", "semicolon", "tab", "pipe", "whitespace".
[[nodiscard]] std::string_view delimiter_name(const csv_dialect& dialect) noexcept;

/// Guesses the dialect from the first complete records of a file (UTF-8 text, BOM removed; the
/// caller cuts the sample at a record end): the delimiter among
/// `,` `;` tab `|` that splits the sampled records (quotes respected) into the same number (>= 2)
/// of fields most consistently; else whitespace alignment when blank-separated tokens are
/// consistent; else a single comma-separated column. A header is assumed unless every field of the
/// first record looks like a number or a date.
[[nodiscard]] csv_dialect sniff_dialect(std::string_view sample);

/// Where a record ended and what it held.
struct csv_record {
  std::vector<std::string_view> fields;  ///< views into the input or into the scanner's scratch
  std::string_view raw;                  ///< the record's bytes, without its line terminator
  std::int64_t lines = 0;                ///< physical lines the record spans (1, or more when a
                                         ///< quoted field holds line breaks)
};

/// Splits UTF-8 text into records per RFC 4180: fields may be quoted with `"`, a quote inside a
/// quoted field is doubled, quoted fields may hold delimiters and line breaks; records end at LF,
/// CRLF or a lone CR. Unquoted fields are returned as they are (no trimming). Blank lines are
/// skipped and counted. `input` must stay alive while records are used; `input` may be a part of
/// a larger buffer provided it starts at a record boundary. Not thread-safe; one per thread.
class csv_scanner {
 public:
  csv_scanner(std::string_view input, const csv_dialect& dialect) noexcept;

  /// Reads the next record into `out`. Returns false at the end of the input.
  /// Throws crm::invalid_input (reason only; the caller adds file and line) on a quote that is
  /// never closed, or on text after a closing quote (`"ab"c`). After such an error the scanner
  /// has skipped to the next line (or the end) and failed_raw() holds the bad record's text, so
  /// reading can go on.
  bool next(csv_record& out);

  /// The text of the record that made the last call to next() throw.
  [[nodiscard]] std::string_view failed_raw() const noexcept { return failed_raw_; }

  /// Bytes consumed so far.
  [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
  /// Goes on from byte `offset` of the input, which must be a record start (or a blank line
  /// before one): for a caller that reads some records itself.
  void seek(std::size_t offset) noexcept { pos_ = offset; }
  /// Blank lines skipped so far.
  [[nodiscard]] std::int64_t blank_lines() const noexcept { return blank_lines_; }

 private:
  bool next_delimited(csv_record& out);
  bool next_aligned(csv_record& out);
  std::size_t quoted_field(csv_record& out, std::size_t start);
  std::size_t end_of_line(std::size_t at) const noexcept;
  void recover(std::size_t start, std::size_t from) noexcept;

  std::string_view in_;
  csv_dialect dialect_;
  std::size_t pos_ = 0;
  std::size_t record_start_ = 0;
  std::int64_t blank_lines_ = 0;
  std::string_view failed_raw_;
  std::deque<std::string> scratch_;  // unescaped quoted fields (stable addresses)
  std::size_t scratch_used_ = 0;
};

/// Offsets in `text` (which starts outside quotes) at which records may start: the first one is
/// 0, then for each of `parts - 1` evenly spaced targets the first offset after a record end at
/// or past the target. Quote parity is respected, so a quoted line break never splits a record.
/// Returned offsets are strictly increasing and < text.size() (fewer parts when text is short).
[[nodiscard]] std::vector<std::size_t> split_records(std::string_view text, std::size_t parts);

/// The offset just past the last complete record of `text` (which starts outside quotes): the
/// bytes after it form an incomplete record to be completed by more input. 0 when no record
/// is complete.
[[nodiscard]] std::size_t last_record_end(std::string_view text) noexcept;

}  // namespace crm::io
