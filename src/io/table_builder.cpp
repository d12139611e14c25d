#include "table_builder.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <span>
#include <thread>

#include "crm/dates.hpp"

namespace crm::io::detail {

std::string_view trim_blanks(std::string_view text) noexcept {
  std::size_t b = 0;
  std::size_t e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

bool is_plain_integer(std::string_view text, std::int64_t& value) noexcept {
  const char* const end = text.data() + text.size();
  std::int64_t v = 0;
  if (scan_plain_id(text.data(), end, v) != end) return false;
  value = v;
  return true;
}

namespace {

column_storage storage_of(value_type type) noexcept {
  switch (type) {
    case value_type::money:
    case value_type::integer:
    case value_type::timestamp:
    case value_type::id:
      return column_storage::int64;
    case value_type::decimal:
      return column_storage::real;
    case value_type::boolean:
      return column_storage::boolean;
    case value_type::text:
      return column_storage::dictionary;
  }
  return column_storage::dictionary;
}

std::string_view type_word(value_type type) noexcept {
  switch (type) {
    case value_type::money:
      return "amount of money";
    case value_type::decimal:
      return "number";
    case value_type::integer:
      return "whole number";
    case value_type::boolean:
      return "yes/no value";
    case value_type::timestamp:
      return "date or time";
    case value_type::id:
    case value_type::text:
      return "value";
  }
  return "value";
}

std::uint32_t intern(absl::flat_hash_map<std::string, std::uint32_t>& index, string_pool& pool,
                     std::string_view text) {
  // Debian's abseil has its own string_view type: convert for the heterogeneous lookup.
  const auto it = index.find(absl::string_view(text.data(), text.size()));
  if (it != index.end()) return it->second;
  const std::uint32_t code = pool.add(text);
  index.emplace(std::string(text), code);
  return code;
}

}  // namespace

chunk_builder::chunk_builder(const build_plan& plan) : plan_(&plan) {
  columns_.resize(plan.columns.size());
  slots_.resize(plan.columns.size());
  for (const column_plan& col : plan.columns) {  // once here, not once per cell
    options_.push_back(plan.values);
    options_.back().dates = col.order;
    fast_kind kind = fast_kind::other;
    switch (col.type) {
      case value_type::id:
        kind = fast_kind::id;
        break;
      case value_type::text:
        kind = fast_kind::text;
        break;
      case value_type::money:
        // A thousands separator equal to the point is refused by parse_money: keep its message.
        if (plan.values.decimal_point != plan.values.thousands_sep) kind = fast_kind::money;
        break;
      case value_type::timestamp:
        if (!col.survey) kind = fast_kind::timestamp;
        break;
      default:
        break;
    }
    fast_kinds_.push_back(kind);
  }
  last_timestamps_.resize(plan.columns.size());
  reset();
}

void chunk_builder::reset() {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    chunk_column& c = columns_[i];
    c.storage = storage_of(plan_->columns[i].type);
    c.ints_only = plan_->columns[i].type == value_type::id;
    c.ints.clear();
    c.reals.clear();
    c.bools.clear();
    c.codes.clear();
    c.pool.clear();
    c.index.clear();
    c.missing = 0;
    c.has_time = false;
    c.evidence = {};
  }
  rejects_.clear();
  error_ = {};
  rows_ = 0;
  rows_seen_ = 0;
  line_marks_.clear();
  next_line_ = -1;
}

bool chunk_builder::convert(std::size_t index, std::string_view cell, slot& out,
                            std::string& reason) {
  const column_plan& plan = plan_->columns[index];
  out.is_text = false;
  out.has_time = false;
  out.missing = is_missing(cell);
  if (out.missing) return true;
  parse_status status = parse_status::ok;
  switch (plan.type) {
    case value_type::id: {
      out.text = trim_blanks(cell);
      out.is_text = !is_plain_integer(out.text, out.i);
      return true;
    }
    case value_type::text:
      out.text = trim_blanks(cell);
      out.is_text = true;
      return true;
    case value_type::money:
      status = parse_money(cell, out.i, plan_->values);
      break;
    case value_type::integer:
      status = parse_integer(cell, out.i, plan_->values);
      break;
    case value_type::decimal:
      status = parse_decimal(cell, out.d, plan_->values);
      break;
    case value_type::boolean: {
      bool b = false;
      status = parse_bool(cell, b);
      out.i = b ? 1 : 0;
      break;
    }
    case value_type::timestamp: {
      timestamp_value ts;
      status = parse_timestamp(cell, ts, options_[index]);
      if (status == parse_status::needs_date_order) {
        reason = "day/month order of this date is ambiguous; pass --date-order mdy or dmy";
        return false;
      }
      out.i = ts.has_offset ? plan_->zone->to_local(ts.local_seconds - ts.offset_seconds)
                            : ts.local_seconds;
      out.has_time = ts.has_time;
      break;
    }
  }
  if (status == parse_status::ok) return true;
  reason = "not a valid " + std::string(type_word(plan.type));
  return false;
}

void chunk_builder::commit(std::size_t index, const slot& value) {
  chunk_column& c = columns_[index];
  if (value.missing) ++c.missing;
  switch (c.storage) {
    case column_storage::int64:
    case column_storage::int32:  // (chunks hold int64; only the assembled table narrows)
      if (value.is_text) {       // an id that is not a plain integer: switch to a dictionary
        for (const std::int64_t v : c.ints) {
          c.codes.push_back(v == missing_int64 ? missing_code
                                               : intern(c.index, c.pool, std::to_string(v)));
        }
        c.ints.clear();
        c.storage = column_storage::dictionary;
        c.ints_only = false;
        c.codes.push_back(intern(c.index, c.pool, value.text));
        return;
      }
      c.ints.push_back(value.missing ? missing_int64 : value.i);
      if (!value.missing && value.has_time) c.has_time = true;
      return;
    case column_storage::real:
      c.reals.push_back(value.missing ? std::numeric_limits<double>::quiet_NaN() : value.d);
      return;
    case column_storage::boolean:
      c.bools.push_back(value.missing ? missing_bool : static_cast<std::uint8_t>(value.i));
      return;
    case column_storage::dictionary:
    case column_storage::int_dictionary:
      c.codes.push_back(value.missing ? missing_code : intern(c.index, c.pool, value.text));
      return;
  }
}

void chunk_builder::add(std::span<const std::string_view> fields, std::string_view raw,
                        std::int64_t line) {
  ++rows_seen_;
  if (plan_->survey_only) {
    survey(fields, line);
    return;
  }
  const std::size_t expected = columns_.size();
  if (fields.size() != expected) {
    const bool extra_blank =
        fields.size() > expected &&
        std::all_of(fields.begin() + static_cast<std::ptrdiff_t>(expected), fields.end(),
                    [](std::string_view f) { return trim_blanks(f).empty(); });
    if (!extra_blank) {
      reject(line, 0,
             "row has " + std::to_string(fields.size()) + " fields but the header has " +
                 std::to_string(expected),
             {}, raw);
      return;
    }
  }
  std::string reason;
  for (std::size_t i = 0; i < expected; ++i) {
    if (!convert(i, fields[i], slots_[i], reason)) {
      reject(line, static_cast<std::int64_t>(i) + 1, std::move(reason), fields[i], raw);
      return;
    }
  }
  for (std::size_t i = 0; i < expected; ++i) commit(i, slots_[i]);
  if (line != next_line_) line_marks_.emplace_back(static_cast<std::uint32_t>(rows_), line);
  next_line_ = line + 1;
  ++rows_;
}

namespace {

// Where an unquoted cell starting at `p` ends: the first delimiter, quote, CR or LF.
const char* cell_end(const char* p, const char* end, char delim) noexcept {
  while (p != end && *p != delim && *p != '"' && *p != '\n' && *p != '\r') ++p;
  return p;
}

}  // namespace

const char* chunk_builder::add_plain(const char* p, const char* const end, const char delim,
                                     std::int64_t line) {
  const std::size_t count = columns_.size();
  if (plan_->survey_only) return nullptr;
  // True when `q` ends a cell: the delimiter between cells, a line end (or the text's end) after
  // the last one.
  const auto ends_cell = [end, delim, count](const char* q, std::size_t i) {
    if (i + 1 < count) return q != end && *q == delim;
    return q == end || *q == '\n' || *q == '\r';
  };
  std::string reason;
  std::size_t i = 0;
  for (; i < count; ++i) {
    chunk_column& c = columns_[i];
    const char* q = p;
    std::int64_t v = 0;
    bool ok = false;
    switch (fast_kinds_[i]) {
      case fast_kind::id:
        if (c.storage == column_storage::int64) {
          q = scan_plain_id(p, end, v);
          ok = q != nullptr && ends_cell(q, i);
          if (ok) c.ints.push_back(v);
          break;
        }
        [[fallthrough]];
      case fast_kind::text: {
        q = cell_end(p, end, delim);
        const std::string_view cell(p, static_cast<std::size_t>(q - p));
        ok = ends_cell(q, i) && !cell.empty() && !is_missing(cell);
        slots_[i].text = trim_blanks(cell);
        break;
      }
      case fast_kind::money:
        q = scan_plain_money(p, end, plan_->values.decimal_point, v);
        ok = q != nullptr && ends_cell(q, i);
        if (ok) c.ints.push_back(v);
        break;
      case fast_kind::timestamp: {
        // A 10- or 19-character cell (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` and their kin).
        const std::size_t left = static_cast<std::size_t>(end - p);
        std::size_t size = 0;
        if (left >= 10 && ends_cell(p + 10, i)) {
          size = 10;
        } else if (left >= 19 && ends_cell(p + 19, i)) {
          size = 19;
        } else {
          break;
        }
        q = p + size;
        const std::string_view cell(p, size);
        last_timestamp& last = last_timestamps_[i];
        bool with_time = false;
        timestamp_value ts;
        if (last.matches(cell)) {
          v = last.value;
          with_time = last.has_time;
          ok = true;
        } else if (parse_timestamp(cell, ts, options_[i]) == parse_status::ok && !ts.has_offset) {
          // With an offset the value depends on the zone: convert() decides.
          v = ts.local_seconds;
          with_time = ts.has_time;
          last.remember(cell, v, with_time);
          ok = true;
        }
        if (ok) c.ints.push_back(v);
        slots_[i].has_time = with_time;
        break;
      }
      case fast_kind::other: {
        q = cell_end(p, end, delim);
        ok = ends_cell(q, i) && convert(i, {p, static_cast<std::size_t>(q - p)}, slots_[i], reason);
        break;
      }
    }
    if (!ok) break;
    p = q + (i + 1 < count ? 1 : 0);
  }
  if (i < count) {  // take the record back: the general path decides
    for (std::size_t k = 0; k < i; ++k) {
      if (stored_directly(k)) columns_[k].ints.pop_back();
    }
    return nullptr;
  }
  if (p != end) p += (*p == '\r' && p + 1 != end && p[1] == '\n') ? 2 : 1;
  finish_fast_record(line);
  return p;
}

bool chunk_builder::stored_directly(std::size_t i) const noexcept {
  return fast_kinds_[i] == fast_kind::money || fast_kinds_[i] == fast_kind::timestamp ||
         (fast_kinds_[i] == fast_kind::id && columns_[i].storage == column_storage::int64);
}

void chunk_builder::finish_fast_record(std::int64_t line) {
  ++rows_seen_;
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    chunk_column& c = columns_[k];
    switch (fast_kinds_[k]) {
      case fast_kind::id:
        if (c.storage == column_storage::int64) break;
        [[fallthrough]];
      case fast_kind::text:
        c.codes.push_back(intern(c.index, c.pool, slots_[k].text));
        break;
      case fast_kind::timestamp:
        c.has_time = c.has_time || slots_[k].has_time;
        break;
      case fast_kind::money:
        break;
      case fast_kind::other:
        commit(k, slots_[k]);
        break;
    }
  }
  if (line != next_line_) line_marks_.emplace_back(static_cast<std::uint32_t>(rows_), line);
  next_line_ = line + 1;
  ++rows_;
}

void chunk_builder::add_malformed(std::string reason, std::string_view raw, std::int64_t line) {
  ++rows_seen_;
  reject(line, 0, std::move(reason), {}, raw);
}

void chunk_builder::survey(std::span<const std::string_view> fields, std::int64_t line) {
  for (std::size_t i = 0; i < columns_.size() && i < fields.size(); ++i) {
    if (!plan_->columns[i].survey) continue;
    const day_month_fit fit = classify_day_month(fields[i]);
    order_evidence& e = columns_[i].evidence;
    if (fit.mdy && fit.dmy) {
      ++e.both;
    } else if (fit.mdy) {
      if (e.mdy_only++ == 0) e.first_mdy_line = line;
    } else if (fit.dmy) {
      if (e.dmy_only++ == 0) e.first_dmy_line = line;
    }
  }
}

void chunk_builder::reject(std::int64_t line, std::int64_t field, std::string reason,
                           std::string_view value, std::string_view raw) {
  const std::string column =
      field > 0 ? plan_->columns[static_cast<std::size_t>(field - 1)].header : std::string();
  if (plan_->policy == error_policy::fail) {
    if (!error_.set) error_ = {true, line, field, column, std::move(reason), std::string(value)};
    return;
  }
  chunk_reject r{line, field, column, std::move(reason), std::string(value), {}};
  if (plan_->keep_rejected_rows) r.text.assign(raw);
  rejects_.push_back(std::move(r));
}

table_assembler::table_assembler(const build_plan& plan) : plan_(&plan) {
  columns_.resize(plan.columns.size());
  index_.resize(plan.columns.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    column& c = columns_[i];
    c.header = plan.columns[i].header;
    c.canonical = plan.columns[i].canonical;
    c.type = plan.columns[i].type;
    c.storage = storage_of(c.type);
  }
  // The customer key is customer_id, else email (as table::customer_key picks it).
  const auto named = [this](std::string_view canonical) {
    return static_cast<std::size_t>(
        std::find_if(columns_.begin(), columns_.end(),
                     [canonical](const column& c) { return c.canonical == canonical; }) -
        columns_.begin());
  };
  key_index_ = named("customer_id");
  if (key_index_ == columns_.size()) key_index_ = named("email");
  key_narrow_ =
      key_index_ < columns_.size() && columns_[key_index_].storage == column_storage::int64;
  if (!plan.compact_integers) return;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    column& c = columns_[i];
    if (i == key_index_ || c.storage != column_storage::int64) continue;
    c.storage = column_storage::int32;
    c.int_scale = c.type == value_type::timestamp ? seconds_per_day : 1;
  }
}

void table_assembler::append_compact(std::size_t index, const chunk_builder::chunk_column& chunk) {
  column& c = columns_[index];
  const std::int64_t scale = c.int_scale;
  const std::int64_t lo = (std::int64_t{missing_int32} + 1) * scale;
  const std::int64_t hi = std::int64_t{std::numeric_limits<std::int32_t>::max()} * scale;
  for (std::size_t r = 0; r < chunk.ints.size(); ++r) {
    const std::int64_t v = chunk.ints[r];
    if (v == missing_int64) {
      c.ints32.push_back(missing_int32);
    } else if (v >= lo && v <= hi && v % scale == 0) {
      c.ints32.push_back(static_cast<std::int32_t>(v / scale));
    } else {  // too wide, or a time of day: the rest of the column as int64
      widen_compact(c);
      c.ints.insert(c.ints.end(), chunk.ints.begin() + static_cast<std::ptrdiff_t>(r),
                    chunk.ints.end());
      return;
    }
  }
}

void table_assembler::append_narrow_keys(const chunk_builder::chunk_column& chunk) {
  std::vector<std::uint32_t>& codes = columns_[key_index_].codes;
  std::uint32_t lo = key_lo_;
  std::uint32_t hi = key_hi_;
  for (std::size_t r = 0; r < chunk.ints.size(); ++r) {
    const std::int64_t v = chunk.ints[r];
    if (v == missing_int64) {
      codes.push_back(missing_code);
      continue;
    }
    if (v >= std::int64_t{missing_code}) {  // too wide: the rest of the column as int64
      key_lo_ = lo;
      key_hi_ = hi;
      widen_keys();
      std::vector<std::int64_t>& ints = columns_[key_index_].ints;
      ints.insert(ints.end(), chunk.ints.begin() + static_cast<std::ptrdiff_t>(r),
                  chunk.ints.end());
      return;
    }
    const auto id = static_cast<std::uint32_t>(v);
    lo = std::min(lo, id);
    hi = std::max(hi, id);
    codes.push_back(id);
  }
  key_lo_ = lo;
  key_hi_ = hi;
}

void table_assembler::widen_keys() {
  widen_narrow_ids(columns_[key_index_]);
  key_narrow_ = false;
}

void table_assembler::reserve(std::size_t rows) {
  for (column& c : columns_) {
    if (key_narrow_ && &c == &columns_[key_index_]) {
      c.codes.reserve(rows);
      continue;
    }
    switch (c.storage) {
      case column_storage::int64:
        c.ints.reserve(rows);
        break;
      case column_storage::int32:
        c.ints32.reserve(rows);
        break;
      case column_storage::real:
        c.reals.reserve(rows);
        break;
      case column_storage::boolean:
        c.bools.reserve(rows);
        break;
      default:
        c.codes.reserve(rows);
        break;
    }
  }
}

void table_assembler::to_dictionary(std::size_t index) {
  column& c = columns_[index];
  c.codes.reserve(c.ints.capacity());
  for (const std::int64_t v : c.ints) {
    c.codes.push_back(v == missing_int64 ? missing_code
                                         : intern(index_[index], c.dictionary, std::to_string(v)));
  }
  std::vector<std::int64_t>().swap(c.ints);
  c.storage = column_storage::dictionary;
}

void table_assembler::append_dictionary(std::size_t index, chunk_builder::chunk_column& chunk) {
  column& c = columns_[index];
  if (chunk.storage == column_storage::int64) {  // an all-integer id chunk into a text column
    for (const std::int64_t v : chunk.ints) {
      c.codes.push_back(v == missing_int64
                            ? missing_code
                            : intern(index_[index], c.dictionary, std::to_string(v)));
    }
    return;
  }
  std::vector<std::uint32_t> remap(chunk.pool.size());
  for (std::uint32_t k = 0; k < remap.size(); ++k) {
    remap[k] = intern(index_[index], c.dictionary, chunk.pool[k]);
  }
  for (const std::uint32_t code : chunk.codes) {
    c.codes.push_back(code == missing_code ? missing_code : remap[code]);
  }
}

void table_assembler::append(chunk_builder& chunk, std::int64_t line_base) {
  for (const auto& [row, line] : chunk.line_marks()) {
    line_marks_.emplace_back(static_cast<std::uint32_t>(rows_ + row), line + line_base - 1);
  }
  std::vector<chunk_builder::chunk_column>& parts = chunk.columns();
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    column& c = columns_[i];
    chunk_builder::chunk_column& part = parts[i];
    c.missing += part.missing;
    c.has_time_of_day = c.has_time_of_day || part.has_time;
    if (i == key_index_ && key_narrow_) {
      if (part.storage == column_storage::int64) {
        append_narrow_keys(part);
        continue;
      }
      widen_keys();  // text ids after plain integers: on as int64, then text below
    }
    if (c.storage == column_storage::int32 && part.storage != column_storage::int64) {
      widen_compact(c);  // an id column turning to text
    }
    if (c.storage == column_storage::int64 && part.storage == column_storage::dictionary) {
      to_dictionary(i);
    }
    switch (c.storage) {
      case column_storage::int64:
        c.ints.insert(c.ints.end(), part.ints.begin(), part.ints.end());
        break;
      case column_storage::int32:
        append_compact(i, part);
        break;
      case column_storage::real:
        c.reals.insert(c.reals.end(), part.reals.begin(), part.reals.end());
        break;
      case column_storage::boolean:
        c.bools.insert(c.bools.end(), part.bools.begin(), part.bools.end());
        break;
      default:
        append_dictionary(i, part);
        break;
    }
  }
  rows_ += chunk.rows();
}

void make_int_dictionary(column& c) {
  if (c.storage != column_storage::int64) return;
  std::vector<std::int64_t> keys;
  std::int64_t lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t hi = std::numeric_limits<std::int64_t>::min();
  for (const std::int64_t v : c.ints) {
    if (v == missing_int64) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  c.codes.resize(c.ints.size());
  if (lo <= hi && static_cast<std::uint64_t>(hi - lo) <= 4 * c.ints.size() + 1024) {
    // Dense range: rank through a direct table, no sort and no hashing.
    std::vector<std::uint32_t> rank(static_cast<std::size_t>(hi - lo) + 1, missing_code);
    for (const std::int64_t v : c.ints) {
      if (v != missing_int64) rank[static_cast<std::size_t>(v - lo)] = 0;
    }
    // Exact size up front: no slack to shrink away later (a copy of fresh memory).
    keys.reserve(static_cast<std::size_t>(std::count(rank.begin(), rank.end(), 0U)));
    std::uint32_t next = 0;
    for (std::size_t k = 0; k < rank.size(); ++k) {
      if (rank[k] == 0) {
        rank[k] = next++;
        keys.push_back(lo + static_cast<std::int64_t>(k));
      }
    }
    for (std::size_t r = 0; r < c.ints.size(); ++r) {
      const std::int64_t v = c.ints[r];
      c.codes[r] = v == missing_int64 ? missing_code : rank[static_cast<std::size_t>(v - lo)];
    }
  } else {
    keys.reserve(c.ints.size());
    for (const std::int64_t v : c.ints) {
      if (v != missing_int64) keys.push_back(v);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (std::size_t r = 0; r < c.ints.size(); ++r) {
      const std::int64_t v = c.ints[r];
      c.codes[r] = v == missing_int64
                       ? missing_code
                       : static_cast<std::uint32_t>(std::lower_bound(keys.begin(), keys.end(), v) -
                                                    keys.begin());
    }
  }
  if (keys.capacity() > keys.size() + keys.size() / 4) keys.shrink_to_fit();
  c.int_keys = std::move(keys);
  std::vector<std::int64_t>().swap(c.ints);
  c.storage = column_storage::int_dictionary;
}

namespace {

// Replaces ids by ranks over rows [begin, end) (see rank_narrow_ids).
template <typename Popcount>
[[gnu::always_inline]] inline void rank_rows(std::span<std::uint32_t> codes,
                                             std::span<const std::uint64_t> bits,
                                             std::span<const std::uint32_t> before,
                                             std::uint32_t lo, std::size_t begin, std::size_t end,
                                             Popcount popcount) {
  for (std::size_t r = begin; r < end; ++r) {
    const std::uint32_t id = codes[r];
    if (id == missing_code) continue;
    const std::uint32_t at = id - lo;
    const std::uint64_t below = bits[at >> 6] & ((std::uint64_t{1} << (at & 63)) - 1);
    codes[r] = before[at >> 6] + popcount(below);
  }
}

std::uint32_t popcount_any(std::uint64_t v) noexcept {
  return static_cast<std::uint32_t>(std::popcount(v));
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The baseline x86-64 target has no POPCNT instruction (std::popcount is a library call there);
// every x86-64 CPU of the last 15 years has it, so it is used when the CPU says so.
[[gnu::target("popcnt")]] void rank_rows_popcnt(std::span<std::uint32_t> codes,
                                                std::span<const std::uint64_t> bits,
                                                std::span<const std::uint32_t> before,
                                                std::uint32_t lo, std::size_t begin,
                                                std::size_t end) {
  rank_rows(codes, bits, before, lo, begin, end,
            [](std::uint64_t v) { return static_cast<std::uint32_t>(__builtin_popcountll(v)); });
}
#endif

struct ranker {
  std::span<std::uint32_t> codes;
  std::span<const std::uint64_t> bits;
  std::span<const std::uint32_t> before;
  std::uint32_t lo;

  void operator()(std::size_t begin, std::size_t end) const {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (__builtin_cpu_supports("popcnt")) {
      rank_rows_popcnt(codes, bits, before, lo, begin, end);
      return;
    }
#endif
    rank_rows(codes, bits, before, lo, begin, end, popcount_any);
  }
};

}  // namespace

void widen_compact(column& c) {
  c.ints.reserve(c.ints32.capacity());
  for (std::size_t r = 0; r < c.ints32.size(); ++r) c.ints.push_back(c.int_at(r));
  std::vector<std::int32_t>().swap(c.ints32);
  c.int_scale = 1;
  c.storage = column_storage::int64;
}

void widen_narrow_ids(column& c) {
  c.ints.reserve(c.codes.capacity());
  for (const std::uint32_t id : c.codes) c.ints.push_back(id == missing_code ? missing_int64 : id);
  std::vector<std::uint32_t>().swap(c.codes);
  c.storage = column_storage::int64;
}

void rank_narrow_ids(column& c, std::uint32_t lo, std::uint32_t hi) {
  std::vector<std::uint32_t>& codes = c.codes;
  const std::uint64_t range = lo <= hi ? std::uint64_t{hi} - lo + 1 : 0;
  if (range > 32 * std::uint64_t{codes.size()} + (std::uint64_t{1} << 16)) {
    // Sparse ids (over 32 bits of range per row): sort them instead of a bitmap.
    widen_narrow_ids(c);
    make_int_dictionary(c);
    return;
  }
  // A bitmap of the ids present (1 bit per id of the range: it stays in cache where a table of
  // codes would not) and the count of ids before each 64-bit word give every id its rank.
  const std::size_t words = static_cast<std::size_t>((range + 63) / 64);
  std::vector<std::uint64_t> bits(words, 0);
  for (const std::uint32_t id : codes) {
    if (id == missing_code) continue;
    const std::uint32_t at = id - lo;
    bits[at >> 6] |= std::uint64_t{1} << (at & 63);
  }
  std::vector<std::uint32_t> before(words);
  std::uint32_t count = 0;
  for (std::size_t w = 0; w < words; ++w) {
    before[w] = count;
    count += static_cast<std::uint32_t>(std::popcount(bits[w]));
  }
  std::vector<std::int64_t> keys;
  keys.reserve(count);
  for (std::size_t w = 0; w < words; ++w) {
    for (std::uint64_t m = bits[w]; m != 0; m &= m - 1) {
      keys.push_back(std::int64_t{lo} + static_cast<std::int64_t>(w * 64) + std::countr_zero(m));
    }
  }
  const ranker rank{codes, bits, before, lo};
  const std::size_t half = codes.size() / 2;
  if (codes.size() >= (std::size_t{1} << 20) && std::thread::hardware_concurrency() > 1) {
    std::jthread other([&rank, half, &codes] { rank(half, codes.size()); });
    rank(0, half);
  } else {
    rank(0, codes.size());
  }
  c.int_keys = std::move(keys);
  c.storage = column_storage::int_dictionary;
}

std::vector<column> table_assembler::finish() {
  if (key_narrow_) {
    rank_narrow_ids(columns_[key_index_], key_lo_, key_hi_);
  } else if (key_index_ < columns_.size()) {
    make_int_dictionary(columns_[key_index_]);
  }
  return std::move(columns_);
}

}  // namespace crm::io::detail
