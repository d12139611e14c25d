#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/io/schema.hpp"

namespace crm::io {

/// Missing-value sentinels of the typed columns (a blank or `NA` cell).
inline constexpr std::int64_t missing_int64 = std::numeric_limits<std::int64_t>::min();
inline constexpr std::uint32_t missing_code = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint8_t missing_bool = 2;
inline constexpr std::int32_t missing_int32 = std::numeric_limits<std::int32_t>::min();
// Missing decimals are quiet NaN.

/// Strings stored back to back in one buffer, addressed by a dense 0-based index.
class string_pool {
 public:
  /// Appends a string; returns its index.
  std::uint32_t add(std::string_view text);
  [[nodiscard]] std::string_view operator[](std::uint32_t index) const noexcept {
    return {bytes_.data() + offsets_[index], offsets_[index + 1] - offsets_[index]};
  }
  [[nodiscard]] std::size_t size() const noexcept { return offsets_.size() - 1; }
  void clear() noexcept;

 private:
  std::string bytes_;
  std::vector<std::size_t> offsets_{0};
};

/// Where a column's values live.
enum class column_storage : std::uint8_t {
  int64,           ///< `ints`: money (1/10000 units), integers, timestamps (local seconds),
                   ///< and ids that are all plain non-negative integers
  int32,           ///< `ints32` × `int_scale`: the same values in 4 bytes, when the reader was
                   ///< asked for compact columns (read_options::compact_integers) and every
                   ///< value fits; date-only timestamps are days (int_scale 86400)
  real,            ///< `reals`: decimals, NaN = missing
  boolean,         ///< `bools`: 0, 1, missing_bool
  dictionary,      ///< `codes` into `dictionary` (first-appearance order): text, other ids
  int_dictionary,  ///< `codes` into `int_keys` (ascending): the customer id when it is integer
};

/// One typed column of a table read from a file.
struct column {
  std::string header;     ///< as in the file (trimmed); `column_<n>` for an empty header
  std::string canonical;  ///< canonical name, empty for an unmapped dimension
  value_type type = value_type::text;
  column_storage storage = column_storage::dictionary;

  std::vector<std::int64_t> ints;
  std::vector<std::int32_t> ints32;  ///< missing_int32 when missing
  std::int64_t int_scale = 1;        ///< int32 storage: value = ints32[row] * int_scale
  std::vector<double> reals;
  std::vector<std::uint8_t> bools;
  std::vector<std::uint32_t> codes;
  string_pool dictionary;
  std::vector<std::int64_t> int_keys;

  std::size_t missing = 0;       ///< cells that were blank or `NA`
  bool has_time_of_day = false;  ///< timestamp: at least one value carried a time

  /// Number of rows.
  [[nodiscard]] std::size_t size() const noexcept;
  /// True for int64 and int32 storage: money, integers, timestamps, integer ids.
  [[nodiscard]] bool integral() const noexcept {
    return storage == column_storage::int64 || storage == column_storage::int32;
  }
  /// Row `row` of an integral column as int64 (missing_int64 when missing), whatever its storage.
  [[nodiscard]] std::int64_t int_at(std::size_t row) const noexcept {
    if (storage == column_storage::int64) return ints[row];
    const std::int32_t v = ints32[row];
    return v == missing_int32 ? missing_int64 : std::int64_t{v} * int_scale;
  }
  /// The rows of an integral column as int64: `ints` itself, or `ints32` widened into `scratch`
  /// (empty for other storages).
  [[nodiscard]] std::span<const std::int64_t> int64_values(
      std::vector<std::int64_t>& scratch) const;
  /// True when row `row` is missing.
  [[nodiscard]] bool is_missing(std::size_t row) const noexcept;
  /// The value of row `row` as text, canonical form: money with its decimals, timestamps ISO,
  /// ids and text as read; empty when missing.
  [[nodiscard]] std::string text(std::size_t row) const;
  /// The text of a code of a dictionary or int_dictionary column (e.g. a customer index back to
  /// its id); empty for other storages or missing_code.
  [[nodiscard]] std::string key_text(std::uint32_t code) const;
  /// Number of distinct codes (dictionary storage) or keys (int_dictionary); 0 otherwise.
  [[nodiscard]] std::size_t distinct() const noexcept;
};

/// Sparse (row, line) marks: the 1-based input line of the rows where the line is not the
/// previous row's + 1 (see table::line_of).
using line_marks_t = std::vector<std::pair<std::uint32_t, std::int64_t>>;

/// A table read from one input: its kind, the header mapping, and typed columns of equal length.
struct table {
  std::string source;  ///< path, or "-" for standard input
  header_mapping mapping;
  std::size_t rows = 0;
  std::vector<column> columns;  ///< file order
  line_marks_t line_marks;      ///< ascending rows; empty for tables not read from a file

  /// The 1-based line of the input (CSV physical line, JSON Lines line, JSON array element) where
  /// row `row` starts; -1 when unknown.
  [[nodiscard]] std::int64_t line_of(std::size_t row) const noexcept;

  [[nodiscard]] table_kind kind() const noexcept { return mapping.kind; }
  /// The column mapped to a canonical name; nullptr when there is none.
  [[nodiscard]] const column* find(std::string_view canonical) const noexcept;
  /// The column with that header (exact, then normalised); nullptr when there is none.
  [[nodiscard]] const column* find_header(std::string_view header) const;
  /// The column that identifies customers (customer_id, else email); nullptr when none.
  /// Its `codes` are dense customer indices 0..distinct()-1 (missing_code when blank).
  [[nodiscard]] const column* customer_key() const noexcept;
};

/// Formats 1/10000 units as a decimal with at least 2 and at most 4 decimals ("1280.50").
[[nodiscard]] std::string format_money(std::int64_t e4);

/// Formats local seconds as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`.
[[nodiscard]] std::string format_timestamp(std::int64_t local_seconds, bool with_time);

}  // namespace crm::io
