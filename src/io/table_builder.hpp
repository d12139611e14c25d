#pragma once

// Private: turns records of text cells into typed columns, in parallel chunks that are then
// appended in input order. Used by the CSV and JSON readers.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "crm/io/reader.hpp"
#include "crm/io/table.hpp"

#include "fast_cells.hpp"

namespace crm::io::detail {

/// How one column of the input is typed.
struct column_plan {
  std::string header;
  std::string canonical;
  value_type type = value_type::text;
  date_order order = date_order::automatic;  ///< for timestamps
  bool survey = false;                       ///< timestamp whose day/month order is being surveyed
};

/// Everything a chunk needs to convert cells; shared read-only by all chunks.
struct build_plan {
  std::string source;
  std::vector<column_plan> columns;
  value_options values;
  const time_zone* zone = nullptr;
  error_policy policy = error_policy::fail;
  bool keep_rejected_rows = true;
  bool survey_only = false;       ///< only classify day/month orders; build nothing
  bool compact_integers = false;  ///< read_options::compact_integers
};

/// Day/month evidence gathered by a survey pass for one column.
struct order_evidence {
  std::size_t mdy_only = 0;
  std::size_t dmy_only = 0;
  std::size_t both = 0;
  std::int64_t first_mdy_line = 0;  ///< local line numbers (chunk-relative until rebased)
  std::int64_t first_dmy_line = 0;

  /// Adds a later chunk's evidence, its lines made absolute by `line_base` (the chunk's line 1).
  void merge(const order_evidence& later, std::int64_t line_base) noexcept {
    if (mdy_only == 0 && later.mdy_only > 0) first_mdy_line = later.first_mdy_line + line_base - 1;
    if (dmy_only == 0 && later.dmy_only > 0) first_dmy_line = later.first_dmy_line + line_base - 1;
    mdy_only += later.mdy_only;
    dmy_only += later.dmy_only;
    both += later.both;
  }
};

/// A cell-to-column converter for one chunk of records. Not thread-safe; one per thread.
/// Cache-line aligned: the builders of two threads sit side by side in a vector.
class alignas(64) chunk_builder {
 public:
  explicit chunk_builder(const build_plan& plan);

  /// Clears the data of the previous chunk, keeping allocations.
  void reset();

  /// Converts one record. `line` is its 1-based line relative to the chunk. Under
  /// error_policy::fail the first bad record sets error() and the caller must stop.
  void add(std::span<const std::string_view> fields, std::string_view raw, std::int64_t line);

  /// Parses one record of plain cells straight from the bytes at `p` (a record start, before
  /// `end`), each cell read by its column's converter up to the delimiter `delim` or the line
  /// end; returns the position after the record's line end, or nullptr, having stored nothing,
  /// when the record is anything else (quotes, blanks, other forms, wrong field count).
  const char* add_plain(const char* p, const char* end, char delim, std::int64_t line);

  /// Counts a record the scanner could not split (e.g. an unclosed quote) and rejects it.
  void add_malformed(std::string reason, std::string_view raw, std::int64_t line);

  struct failure {
    bool set = false;
    std::int64_t line = 0;   ///< chunk-relative
    std::int64_t field = 0;  ///< 1-based
    std::string column;
    std::string reason;
    std::string value;
  };
  [[nodiscard]] const failure& error() const noexcept { return error_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t rows_seen() const noexcept { return rows_seen_; }

  /// Typed data of the chunk.
  struct chunk_column {
    column_storage storage = column_storage::dictionary;
    bool ints_only = true;  ///< id column still holding plain integers in `ints`
    std::vector<std::int64_t> ints;
    std::vector<double> reals;
    std::vector<std::uint8_t> bools;
    std::vector<std::uint32_t> codes;
    string_pool pool;
    absl::flat_hash_map<std::string, std::uint32_t> index;
    std::size_t missing = 0;
    bool has_time = false;
    order_evidence evidence;
  };
  [[nodiscard]] std::vector<chunk_column>& columns() noexcept { return columns_; }

  struct chunk_reject {
    std::int64_t line = 0;
    std::int64_t field = 0;
    std::string column;
    std::string reason;
    std::string value;
    std::string text;
  };
  [[nodiscard]] std::vector<chunk_reject>& rejects() noexcept { return rejects_; }
  /// (chunk row, chunk-relative line) of every kept row whose line is not the previous kept
  /// row's + 1 (the first row, rows after a multi-line record, a blank line or a rejected row).
  [[nodiscard]] const std::vector<std::pair<std::uint32_t, std::int64_t>>& line_marks()
      const noexcept {
    return line_marks_;
  }

 private:
  // A converted cell, waiting for the whole record to be valid before it is stored.
  struct slot {
    bool missing = false;
    bool is_text = false;
    bool has_time = false;  ///< a timestamp written with a time of day
    std::int64_t i = 0;
    double d = 0.0;
    std::string_view text;
  };
  bool convert(std::size_t index, std::string_view cell, slot& out, std::string& reason);
  void commit(std::size_t index, const slot& value);
  void reject(std::int64_t line, std::int64_t field, std::string reason, std::string_view value,
              std::string_view raw);
  void survey(std::span<const std::string_view> fields, std::int64_t line);
  // Numbers of the fast paths go straight to their column; true for column `i`.
  [[nodiscard]] bool stored_directly(std::size_t i) const noexcept;
  // Stores the slots of a record the fast paths converted whole.
  void finish_fast_record(std::int64_t line);

  // How add_plain converts a column.
  enum class fast_kind : std::uint8_t { id, text, money, timestamp, other };

  const build_plan* plan_;
  std::vector<chunk_column> columns_;
  std::vector<fast_kind> fast_kinds_;
  std::vector<last_timestamp> last_timestamps_;
  std::vector<slot> slots_;
  std::vector<value_options> options_;  // per column, with its resolved day/month order
  std::vector<chunk_reject> rejects_;
  std::vector<std::pair<std::uint32_t, std::int64_t>> line_marks_;
  std::int64_t next_line_ = -1;  // line a kept row must start on to need no mark
  failure error_;
  std::size_t rows_ = 0;
  std::size_t rows_seen_ = 0;
};

/// Appends chunks, in input order, into the table's columns.
class table_assembler {
 public:
  explicit table_assembler(const build_plan& plan);

  /// Reserves room for about `rows` rows.
  void reserve(std::size_t rows);
  /// Moves the chunk's data to the end of the table; `line_base` is the chunk's first line.
  void append(chunk_builder& chunk, std::int64_t line_base);
  /// Sparse row -> line marks of the rows appended so far (table::line_marks).
  [[nodiscard]] std::vector<std::pair<std::uint32_t, std::int64_t>>& line_marks() noexcept {
    return line_marks_;
  }
  /// The finished columns; the customer key (customer_id, else email) gets dense codes.
  [[nodiscard]] std::vector<column> finish();
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  void append_dictionary(std::size_t index, chunk_builder::chunk_column& chunk);
  void to_dictionary(std::size_t index);
  // Appends a chunk's int64 values to an int32 column while they fit (whole multiples of its
  // scale, within 32 bits); from the first that does not, the column goes on as int64.
  void append_compact(std::size_t index, const chunk_builder::chunk_column& chunk);

  // Appends a chunk's plain integer customer ids to the key column's codes while they fit
  // 32 bits (key_narrow_); else widens the column back to int64.
  void append_narrow_keys(const chunk_builder::chunk_column& chunk);
  // The key column's narrow ids back as an int64 column (key_narrow_ off).
  void widen_keys();

  const build_plan* plan_;
  std::vector<column> columns_;
  std::vector<absl::flat_hash_map<std::string, std::uint32_t>> index_;
  // The customer key (customer_id, else email): while its ids are plain integers below 2^32 - 1
  // they are kept as 32-bit values in `codes` (key_narrow_; no 8-byte column), and finish()
  // replaces each by its rank among the distinct ids.
  std::size_t key_index_ = ~std::size_t{0};
  bool key_narrow_ = false;
  std::uint32_t key_lo_ = missing_code;
  std::uint32_t key_hi_ = 0;
  std::vector<std::pair<std::uint32_t, std::int64_t>> line_marks_;
  std::size_t rows_ = 0;
};

/// Replaces an int64 id column by dense codes into its sorted distinct values.
void make_int_dictionary(column& c);

/// Turns an int32 column back into an int64 one (the same values).
void widen_compact(column& c);

/// Moves the ids held in `c.codes` (32-bit values, missing_code when missing) to `c.ints` as an
/// int64 column.
void widen_narrow_ids(column& c);

/// Replaces the ids held in `c.codes` (32-bit values in [lo, hi], missing_code when missing) by
/// their ranks among the distinct ids, which go to `c.int_keys` in ascending order.
void rank_narrow_ids(column& c, std::uint32_t lo, std::uint32_t hi);

/// True when `text` is a plain non-negative integer without leading zeros that fits int64.
[[nodiscard]] bool is_plain_integer(std::string_view text, std::int64_t& value) noexcept;

/// `text` without surrounding blanks (space, tab).
[[nodiscard]] std::string_view trim_blanks(std::string_view text) noexcept;

}  // namespace crm::io::detail
