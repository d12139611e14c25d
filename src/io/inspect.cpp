#include "crm/io/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crm/io/output.hpp"

namespace crm::io {
namespace {

// Smallest and largest value of a numeric or timestamp column, as text; empty when none.
std::pair<std::string, std::string> value_range(const column& c) {
  std::size_t lo = std::numeric_limits<std::size_t>::max();
  std::size_t hi = lo;
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (c.is_missing(r)) continue;
    if (lo == std::numeric_limits<std::size_t>::max()) {
      lo = hi = r;
      continue;
    }
    if (c.integral()) {
      if (c.int_at(r) < c.int_at(lo)) lo = r;
      if (c.int_at(r) > c.int_at(hi)) hi = r;
    } else if (c.storage == column_storage::real) {
      if (c.reals[r] < c.reals[lo]) lo = r;
      if (c.reals[r] > c.reals[hi]) hi = r;
    }
  }
  if (lo == std::numeric_limits<std::size_t>::max()) return {};
  return {c.text(lo), c.text(hi)};
}

bool ranged(const column& c) {
  return c.type != value_type::id && c.type != value_type::text && c.type != value_type::boolean;
}

std::string encoding_line(const read_report& r) {
  return fmt::format("{}{}", to_string(r.detected_encoding), r.had_bom ? " (with BOM)" : "");
}

std::string format_line(const read_report& r) {
  if (r.format != input_format::csv) return std::string(to_string(r.format));
  return fmt::format(
      "csv, {}{}", delimiter_name(r.dialect),
      r.dialect.has_header ? ", header row" : ", no header row (columns named column_N)");
}

std::string columns_table(const table& t) {
  std::vector<std::vector<std::string>> rows{
      {"#", "header", "canonical", "type", "missing", "distinct", "values"}};
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    const column& c = t.columns[i];
    std::string values;
    if (ranged(c)) {
      const auto [lo, hi] = value_range(c);
      if (!lo.empty()) values = lo == hi ? lo : lo + " .. " + hi;
    } else if (c.size() > 0) {
      for (std::size_t r = 0; r < c.size(); ++r) {
        if (!c.is_missing(r)) {
          values = "e.g. " + c.text(r);
          break;
        }
      }
    }
    rows.push_back({std::to_string(i + 1), c.header, c.canonical.empty() ? "-" : c.canonical,
                    c.canonical.empty() ? "dimension" : std::string(to_string(c.type)),
                    std::to_string(c.missing), c.distinct() > 0 ? std::to_string(c.distinct()) : "",
                    values});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.size(); ++k)
      width[k] = std::max(width[k], display_width(row[k]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = "    ";
    for (std::size_t k = 0; k < row.size(); ++k) {
      line += k + 1 < row.size() ? pad_right(row[k], width[k] + 2) : row[k];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

}  // namespace

std::string inspect_text(const read_result& input) {
  const table& t = input.data;
  const read_report& r = input.report;
  std::string out = fmt::format("{}\n", r.source);
  const auto field = [&out](std::string_view name, const std::string& value) {
    out += "  " + pad_right(name, 11) + value + '\n';
  };
  field("table", std::string(to_string(t.kind())));
  field("format", format_line(r));
  field("encoding", encoding_line(r));
  field("rows",
        fmt::format("{} read, {} ok, {} rejected", r.rows_read, r.rows_ok, r.rows_rejected));
  if (r.blank_lines > 0) field("blank", fmt::format("{} blank lines skipped", r.blank_lines));
  if (const column* key = t.customer_key()) {
    field("customers",
          fmt::format("{} distinct ({}){}", key->distinct(), key->header,
                      key->missing > 0 ? fmt::format(", {} rows without one", key->missing) : ""));
  }
  for (const column& c : t.columns) {
    if (c.type != value_type::timestamp || c.canonical.empty()) continue;
    const auto [lo, hi] = value_range(c);
    if (!lo.empty()) field("dates", fmt::format("{} .. {} ({})", lo, hi, c.canonical));
    break;
  }
  for (const auto& [header, order] : r.date_orders) {
    field("date order", fmt::format("{} read as {} (decided from its values)", header, order));
  }
  std::size_t mapped = 0;
  for (const column& c : t.columns) mapped += c.canonical.empty() ? 0U : 1U;
  field("columns",
        fmt::format("{} mapped, {} kept as dimensions", mapped, t.columns.size() - mapped));
  out += columns_table(t);
  if (!t.mapping.missing_required.empty()) {
    std::string lacking;
    for (const auto& m : t.mapping.missing_required) lacking += (lacking.empty() ? "" : ", ") + m;
    field("lacking", "required columns not found: " + lacking);
  }
  for (const std::string& note : t.mapping.notes) field("note", note);
  for (const auto& [reason, count] : r.rejected_by_reason) {
    field("rejected", fmt::format("{} rows: {}", count, reason));
  }
  return out;
}

std::string inspect_json(const read_result& input) {
  using nlohmann::ordered_json;
  const table& t = input.data;
  const read_report& r = input.report;
  ordered_json j;
  j["source"] = r.source;
  j["table"] = to_string(t.kind());
  j["format"] = to_string(r.format);
  j["encoding"] = to_string(r.detected_encoding);
  j["bom"] = r.had_bom;
  j["delimiter"] = r.format == input_format::csv ? std::string(delimiter_name(r.dialect)) : "";
  j["header"] = r.dialect.has_header;
  j["rows"] = {{"read", r.rows_read}, {"ok", r.rows_ok}, {"rejected", r.rows_rejected}};
  j["blank_lines"] = r.blank_lines;
  ordered_json cols = ordered_json::array();
  for (const column& c : t.columns) {
    ordered_json col{
        {"header", c.header},
        {"canonical", c.canonical.empty() ? ordered_json(nullptr) : ordered_json(c.canonical)},
        {"type", c.canonical.empty() ? "dimension" : to_string(c.type)},
        {"missing", c.missing}};
    if (c.distinct() > 0) col["distinct"] = c.distinct();
    if (ranged(c)) {
      const auto [lo, hi] = value_range(c);
      if (!lo.empty()) col["range"] = {lo, hi};
    }
    cols.push_back(std::move(col));
  }
  j["columns"] = std::move(cols);
  if (const column* key = t.customer_key()) j["customers"] = key->distinct();
  j["missing_required"] = t.mapping.missing_required;
  j["notes"] = t.mapping.notes;
  j["date_orders"] = ordered_json::object();
  for (const auto& [header, order] : r.date_orders) j["date_orders"][header] = order;
  j["rejected_by_reason"] = ordered_json::object();
  for (const auto& [reason, count] : r.rejected_by_reason) j["rejected_by_reason"][reason] = count;
  return j.dump(2) + '\n';
}

}  // namespace crm::io
