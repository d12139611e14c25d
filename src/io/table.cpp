#include "crm/io/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "crm/dates.hpp"

namespace crm::io {

std::uint32_t string_pool::add(std::string_view text) {
  bytes_.append(text);
  offsets_.push_back(bytes_.size());
  return static_cast<std::uint32_t>(offsets_.size() - 2);
}

void string_pool::clear() noexcept {
  bytes_.clear();
  offsets_.assign(1, 0);
}

std::int64_t table::line_of(std::size_t row) const noexcept {
  const auto after = std::upper_bound(
      line_marks.begin(), line_marks.end(), row,
      [](std::size_t r, const std::pair<std::uint32_t, std::int64_t>& m) { return r < m.first; });
  if (after == line_marks.begin() || row >= rows) return -1;
  const auto& [first, line] = *std::prev(after);
  return line + static_cast<std::int64_t>(row - first);
}

std::size_t column::size() const noexcept {
  switch (storage) {
    case column_storage::int64:
      return ints.size();
    case column_storage::int32:
      return ints32.size();
    case column_storage::real:
      return reals.size();
    case column_storage::boolean:
      return bools.size();
    case column_storage::dictionary:
    case column_storage::int_dictionary:
      return codes.size();
  }
  return 0;
}

bool column::is_missing(std::size_t row) const noexcept {
  switch (storage) {
    case column_storage::int64:
      return ints[row] == missing_int64;
    case column_storage::int32:
      return ints32[row] == missing_int32;
    case column_storage::real:
      return std::isnan(reals[row]);
    case column_storage::boolean:
      return bools[row] == missing_bool;
    case column_storage::dictionary:
    case column_storage::int_dictionary:
      return codes[row] == missing_code;
  }
  return true;
}

std::span<const std::int64_t> column::int64_values(std::vector<std::int64_t>& scratch) const {
  if (storage == column_storage::int64) return ints;
  scratch.clear();
  if (storage != column_storage::int32) return {};
  scratch.resize(ints32.size());
  for (std::size_t i = 0; i < ints32.size(); ++i) scratch[i] = int_at(i);
  return scratch;
}

std::size_t column::distinct() const noexcept {
  if (storage == column_storage::dictionary) return dictionary.size();
  if (storage == column_storage::int_dictionary) return int_keys.size();
  return 0;
}

std::string column::text(std::size_t row) const {
  if (is_missing(row)) return {};
  switch (storage) {
    case column_storage::int64:
    case column_storage::int32:
      if (type == value_type::money) return format_money(int_at(row));
      if (type == value_type::timestamp) return format_timestamp(int_at(row), has_time_of_day);
      return std::to_string(int_at(row));
    case column_storage::real: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", reals[row]);
      return buf;
    }
    case column_storage::boolean:
      return bools[row] != 0 ? "true" : "false";
    case column_storage::dictionary:
      return std::string(dictionary[codes[row]]);
    case column_storage::int_dictionary:
      return std::to_string(int_keys[codes[row]]);
  }
  return {};
}

std::string column::key_text(std::uint32_t code) const {
  if (code == missing_code) return {};
  if (storage == column_storage::dictionary) return std::string(dictionary[code]);
  if (storage == column_storage::int_dictionary) return std::to_string(int_keys[code]);
  return {};
}

const column* table::find(std::string_view canonical) const noexcept {
  for (const column& c : columns) {
    if (c.canonical == canonical) return &c;
  }
  return nullptr;
}

const column* table::find_header(std::string_view header) const {
  for (const column& c : columns) {
    if (c.header == header) return &c;
  }
  const std::string key = normalize_header(header);
  for (const column& c : columns) {
    if (normalize_header(c.header) == key) return &c;
  }
  return nullptr;
}

const column* table::customer_key() const noexcept {
  if (const column* id = find("customer_id")) return id;
  return find("email");
}

std::string format_money(std::int64_t e4) {
  const bool negative = e4 < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(e4 + 1)) + 1 : static_cast<std::uint64_t>(e4);
  const std::uint64_t whole = magnitude / 10000;
  std::uint64_t frac = magnitude % 10000;
  int digits = 4;
  while (digits > 2 && frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  std::string out = negative ? "-" : "";
  out += std::to_string(whole);
  out += '.';
  const std::string fraction = std::to_string(frac);  // at most `digits` digits
  out.append(static_cast<std::size_t>(digits) - fraction.size(), '0');
  out += fraction;
  return out;
}

std::string format_timestamp(std::int64_t local_seconds, bool with_time) {
  const day_t day = day_of_seconds(local_seconds);
  std::string out = format_date(day);
  if (!with_time) return out;
  const std::int64_t in_day = local_seconds - std::int64_t{day} * seconds_per_day;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(in_day / 3600),
                static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60));
  return out + buf;
}

}  // namespace crm::io
