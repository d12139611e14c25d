#pragma once

#include <cstdint>
#include <string_view>

namespace crm::io {

/// How day and month are ordered in dates written as `a/b/y` (also with `-` or `.`).
/// Year-first forms (`2024/1/5`, ISO) never need this.
enum class date_order : unsigned char {
  automatic,  ///< decided from the whole column by the reader; ambiguous columns are an error
  mdy,        ///< US: 12/1/10 = 2010-12-01
  dmy,        ///< Europe, UK: 1/12/10 = 2010-12-01
};

/// Lexical conventions of a file's numbers and dates.
struct value_options {
  char decimal_point = '.';  ///< '.' or ','
  char thousands_sep = ',';  ///< ',', '.', ' ', '\'' or '\0' (none); must differ from decimal_point
  date_order dates = date_order::automatic;
};

/// The three outcomes of parsing one cell.
enum class parse_status : unsigned char {
  ok,
  bad,               ///< not a value of that type (the reader reports it with file:line:field)
  needs_date_order,  ///< `a/b/y` with a, b <= 12 and dates == automatic: the caller decides
};

/// True for a cell that means "no value": empty or only white space, `NA`, `N/A`, `n/a`,
/// `NULL`, `null`, `NaN`, `nan`, `None`, `#N/A`, `-`, `--`. Surrounding white space is ignored.
[[nodiscard]] bool is_missing(std::string_view cell) noexcept;

/// Money in exact integer units of 1/10000 of the currency unit (so 1,280.50 -> 12805000).
/// Accepts: surrounding white space; a leading Excel guard `'`; a sign (`-`, `+`) before or after
/// a currency symbol; accounting negatives `(12.50)`; currency symbols or codes before or after
/// the number ($ € £ ¥ ￥ ₩ ₹ R$ US$ HK$ 元 RMB CNY USD EUR GBP JPY BRL, case-insensitive
/// codes, optionally separated by a space); thousands separators between digit groups of three
/// (the first group 1-3 digits); a decimal part of any length, rounded half to even to 4 places
/// (`22.200000000000003` -> 222000); exponent forms `1.5E+03` (Excel). Anything else is bad,
/// including `1,5` with decimal_point '.', empty text, and values beyond +-9e14.
[[nodiscard]] parse_status parse_money(std::string_view cell, std::int64_t& out_e4,
                                       const value_options& options = {}) noexcept;

/// A decimal number as double, with the same lexical rules as parse_money (symbols, separators,
/// signs, exponents) plus a trailing `%` that divides by 100. `inf` and `nan` are bad.
[[nodiscard]] parse_status parse_decimal(std::string_view cell, double& out,
                                         const value_options& options = {}) noexcept;

/// A whole number: optional sign, digits with optional thousands separators, optionally `.0...`
/// (Excel writes 3 as 3.0). Overflow of int64 and fractions are bad.
[[nodiscard]] parse_status parse_integer(std::string_view cell, std::int64_t& out,
                                         const value_options& options = {}) noexcept;

/// yes/no, y/n, true/false, t/f, 1/0, on/off (case-insensitive), 是/否, 真/假, 有/无, √/×.
[[nodiscard]] parse_status parse_bool(std::string_view cell, bool& out) noexcept;

/// A parsed timestamp. `local_seconds` is the wall-clock time as written, counted in seconds
/// from 1970-01-01T00:00 (sub-second digits are truncated). When the text carried a zone
/// (`Z`, `+08:00`, `+0800`, `UTC`) or was an epoch number, `has_offset` is true and the UTC
/// instant is `local_seconds - offset_seconds`.
struct timestamp_value {
  std::int64_t local_seconds = 0;
  std::int32_t offset_seconds = 0;
  bool has_offset = false;
  bool has_time = false;  ///< false for a date alone
};

/// Parses every timestamp form of DATA.md. Supported (surrounding white space ignored):
///   ISO 8601: 2024-01-05, 2024-01-05T08:03, 2024-01-05 08:03:07, 2024-01-05T08:03:07.123456,
///             with optional `Z`, `+08:00`, `+0800`, `+08` or ` UTC`
///   year first: 2024/1/5, 2024/01/05 8:03, 2024/1/5 8:03:07, 2024.1.5, 2024-1-5
///   compact:    20240105 (8 digits), 20240105083007 (14 digits)
///   Chinese:    2024年1月5日, 2024年1月5日 8:03[:07], 2024年1月5日 8时3分[7秒]
///   day/month:  1/5/2024, 01/05/2024 08:03, 1/5/24 8:03 (also with `-` or `.` separators) in the
///               configured order; two-digit years as Excel does: 00-29 -> 20xx, 30-99 -> 19xx
///   month names: Jan 5, 2024; 5 Jan 2024; 5-Jan-2024; January 5, 2024 (English, any case)
///   12-hour clock: any of the above followed by ` AM`/` PM` (also `上午`/`下午`)
///   epoch: 9-10 digits = seconds, 12-13 digits = milliseconds (1970..2100; has_offset, UTC)
/// Hours 0-23 (24:00:00 only as end of day is bad), minutes and seconds 0-59 (60 allowed as a
/// leap second, clamped to 59). Invalid calendar dates (2023-02-29) are bad.
/// Returns needs_date_order for a day/month form whose order is automatic; use
/// classify_day_month to decide it, then parse again with options.dates set.
[[nodiscard]] parse_status parse_timestamp(std::string_view cell, timestamp_value& out,
                                           const value_options& options = {}) noexcept;

/// For a `a/b/y` style cell: which orders it is a valid date in. {false, false} when the cell
/// is not of that form or valid in neither.
struct day_month_fit {
  bool mdy = false;
  bool dmy = false;
};
[[nodiscard]] day_month_fit classify_day_month(std::string_view cell) noexcept;

}  // namespace crm::io
