// Row slices of a table (whole range, per period, per --by group) and dimensions joined across
// tables by customer id.

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "crm/dates.hpp"

#include "report_tables.hpp"

namespace crm::io::detail {
namespace {

const column* own_column(const table& t, const std::string& name) {
  if (const column* c = t.find(name); c != nullptr) return c;
  return t.find_header(name);
}

/// Customer id text -> dimension label, from the first other input that has both a customer key
/// and the dimension (customers and customer summaries first).
std::optional<std::unordered_map<std::string, std::string>> joined_dimension(
    const table& t, const std::string& by, std::span<const read_result> inputs,
    std::string* joined_from) {
  const read_result* best = nullptr;
  for (const read_result& in : inputs) {
    const table& other = in.data;
    if (&other == &t || other.customer_key() == nullptr || own_column(other, by) == nullptr) {
      continue;
    }
    const bool preferred =
        other.kind() == table_kind::customers || other.kind() == table_kind::customer_summary;
    if (best == nullptr || (preferred && best->data.kind() != table_kind::customers &&
                            best->data.kind() != table_kind::customer_summary)) {
      best = &in;
    }
  }
  if (best == nullptr) return std::nullopt;
  const table& other = best->data;
  const column& key = *other.customer_key();
  const column& dim = *own_column(other, by);
  std::unordered_map<std::string, std::string> label_of;
  label_of.reserve(other.rows);
  for (std::size_t i = 0; i < other.rows; ++i) {
    if (key.codes[i] == missing_code) continue;
    label_of.try_emplace(key.key_text(key.codes[i]), dim.text(i));
  }
  if (joined_from != nullptr) *joined_from = other.source;
  return label_of;
}

}  // namespace

std::optional<std::vector<std::string>> dimension_labels(const table& t, const std::string& by,
                                                         std::span<const read_result> inputs,
                                                         std::string* joined_from) {
  std::vector<std::string> labels(t.rows);
  if (const column* c = own_column(t, by); c != nullptr) {
    for (std::size_t i = 0; i < t.rows; ++i) labels[i] = c->text(i);
    return labels;
  }
  const column* key = t.customer_key();
  if (key == nullptr) return std::nullopt;
  const auto label_of = joined_dimension(t, by, inputs, joined_from);
  if (!label_of) return std::nullopt;
  // One lookup per distinct customer, not per row.
  std::vector<std::string> by_code(key->distinct());
  for (std::uint32_t code = 0; code < by_code.size(); ++code) {
    const auto it = label_of->find(key->key_text(code));
    by_code[code] = it == label_of->end() ? "(no match)" : it->second;
  }
  for (std::size_t i = 0; i < t.rows; ++i) {
    labels[i] = key->codes[i] == missing_code ? "(no customer)" : by_code[key->codes[i]];
  }
  return labels;
}

std::vector<row_slice> slices_of(const table& t, const column* time, const section_context& ctx,
                                 std::vector<std::string>& notes) {
  row_slice all;
  std::map<std::int32_t, std::vector<std::uint32_t>> periods;
  std::size_t late = 0;
  std::vector<std::uint8_t> in_range(t.rows, 1);
  for (std::uint32_t i = 0; i < t.rows; ++i) {
    const std::int64_t at = time != nullptr ? time->int_at(i) : missing_int64;
    if (at != missing_int64) {
      const day_t day = day_of_seconds(at);
      if (day >= ctx.as_of) {
        ++late;
        in_range[i] = 0;
        continue;
      }
      periods[period_index(day, ctx.options.period)].push_back(i);
    }
    all.rows.push_back(i);
  }
  if (late > 0) {
    notes.push_back(t.source + ": " + std::to_string(late) +
                    " rows dated on or after the as-of date " + format_date(ctx.as_of) +
                    " are left out");
  }
  std::vector<row_slice> out;
  out.push_back(std::move(all));
  for (auto& [index, rows] : periods) {
    out.push_back({period_label(index, ctx.options.period), {}, std::move(rows)});
  }
  for (const std::string& by : ctx.options.by) {
    std::string joined;
    const auto labels = dimension_labels(t, by, ctx.inputs, &joined);
    if (!labels) continue;
    if (!joined.empty()) {
      notes.push_back(t.source + ": --by " + by + " joined by customer id from " + joined);
    }
    std::map<std::string, std::vector<std::uint32_t>> groups;
    for (std::uint32_t i = 0; i < t.rows; ++i) {
      if (in_range[i] != 0) groups[(*labels)[i].empty() ? "(blank)" : (*labels)[i]].push_back(i);
    }
    for (auto& [label, rows] : groups)
      out.push_back({std::nullopt, {{by, label}}, std::move(rows)});
  }
  return out;
}

input_error located(const table& t, std::string_view canonical, std::span<const std::uint32_t> rows,
                    const invalid_input& e) {
  const column* c = t.find(canonical);
  if (c == nullptr) c = t.find("score");
  const std::int64_t k = e.where().row;
  const bool known = k >= 0 && static_cast<std::size_t>(k) < rows.size();
  const std::size_t row = known ? rows[static_cast<std::size_t>(k)] : 0;
  std::int64_t field = 0;
  std::string header(canonical);
  if (c != nullptr) {
    field = static_cast<std::int64_t>(c - t.columns.data()) + 1;
    header = c->header;
  }
  return input_error(e.reason(), {t.source, known ? t.line_of(row) : 0, field, header},
                     known && c != nullptr ? c->text(row) : e.where().value);
}

void slice_emitter::put(const char* id, std::optional<double> value, const std::string& unit,
                        std::uint64_t n, std::string variant, std::optional<interval> ci,
                        const char* empty_reason) {
  const auto count = static_cast<std::int64_t>(n);
  metric_result m = value ? metric_result::ok(id, *value, unit, count)
                          : metric_result::insufficient(id, unit, count, empty_reason);
  if (value) m.ci = ci;
  m.period = slice.period;
  m.group = slice.group;
  m.variant = std::move(variant);
  out.push_back(std::move(m));
}

void slice_emitter::missing(const char* id, const std::string& unit, std::string reason) {
  if (slice.period || !slice.group.empty()) return;
  metric_result m = metric_result::not_computable(id, unit, std::move(reason));
  m.period = slice.period;
  m.group = slice.group;
  out.push_back(std::move(m));
}

}  // namespace crm::io::detail
