#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crm/io/input_error.hpp"

#include "reader_detail.hpp"

namespace crm::io::detail {
namespace {

using json = nlohmann::ordered_json;  // keeps the keys in file order

// Records of text cells, the common form the three JSON layouts are brought into.
struct json_records {
  std::vector<std::string> keys;  // first-appearance order
  std::vector<std::vector<std::string>> cells;
  std::vector<std::int64_t> lines;  // JSON Lines: the line; arrays: 0
  std::vector<std::string> raw;
};

std::int64_t key_index(json_records& out, const std::string& key) {
  const auto it = std::find(out.keys.begin(), out.keys.end(), key);
  if (it != out.keys.end()) return it - out.keys.begin();
  out.keys.push_back(key);
  return static_cast<std::int64_t>(out.keys.size()) - 1;
}

std::string cell_text(const json& v, const std::string& name, std::int64_t line,
                      const std::string& key) {
  switch (v.type()) {
    case json::value_t::null:
      return {};
    case json::value_t::string:
      return v.get<std::string>();
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return v.dump();
    default:
      throw input_error("a nested object or array cannot be a cell", {name, line, 0, key},
                        v.dump());
  }
}

void add_object(json_records& out, const json& object, const std::string& name, std::int64_t line,
                std::size_t record) {
  if (!object.is_object()) {
    throw input_error("record " + std::to_string(record + 1) + " is not a JSON object",
                      {name, line, 0, {}}, object.dump());
  }
  std::vector<std::string> row(out.keys.size());
  for (const auto& [key, value] : object.items()) {
    const auto k = static_cast<std::size_t>(key_index(out, key));
    if (k >= row.size()) row.resize(k + 1);
    row[k] = cell_text(value, name, line, key);
  }
  out.cells.push_back(std::move(row));
  out.lines.push_back(line);
  out.raw.push_back(object.dump());
}

json parse_document(std::string_view text, const std::string& name, std::int64_t line) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const std::int64_t at = static_cast<std::int64_t>(e.byte);
    const auto line_in =
        line + std::count(text.begin(),
                          text.begin() +
                              std::min<std::int64_t>(at, static_cast<std::int64_t>(text.size())),
                          '\n');
    throw input_error("malformed JSON: " + std::string(e.what()), {name, line_in, 0, {}});
  }
}

json_records from_columns(const json& doc, const std::string& name) {
  json_records out;
  std::size_t rows = 0;
  bool first = true;
  for (const auto& [key, values] : doc.items()) {
    if (!values.is_array()) {
      throw input_error("a column-oriented JSON object must map each key to an array",
                        {name, 0, 0, key});
    }
    if (!first && values.size() != rows) {
      throw input_error("column has " + std::to_string(values.size()) + " values, the first has " +
                            std::to_string(rows),
                        {name, 0, 0, key});
    }
    rows = values.size();
    first = false;
    out.keys.push_back(key);
  }
  out.cells.assign(rows, std::vector<std::string>(out.keys.size()));
  out.lines.assign(rows, 0);
  out.raw.assign(rows, {});
  std::size_t k = 0;
  for (const auto& [key, values] : doc.items()) {
    for (std::size_t r = 0; r < rows; ++r) out.cells[r][k] = cell_text(values[r], name, 0, key);
    ++k;
  }
  return out;
}

json_records parse_records(std::string_view text, const std::string& name, input_format& format) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  json_records out;
  if (text[first] == '[') {
    format = input_format::json_array;
    const json doc = parse_document(text, name, 1);
    for (std::size_t i = 0; i < doc.size(); ++i) add_object(out, doc[i], name, 0, i);
    return out;
  }
  // One object: JSON Lines when a second value follows, else an object of columns.
  std::size_t pos = 0;
  std::int64_t line = 1;
  std::vector<std::pair<std::string_view, std::int64_t>> lines;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view one = text.substr(pos, end - pos);
    if (one.find_first_not_of(" \t\r") != std::string_view::npos) lines.emplace_back(one, line);
    pos = end + 1;
    ++line;
  }
  bool every_line_an_object = lines.size() > 1;
  for (const auto& [one, at] : lines) {
    const std::size_t b = one.find_first_not_of(" \t\r");
    const std::size_t e = one.find_last_not_of(" \t\r");
    every_line_an_object = every_line_an_object && one[b] == '{' && one[e] == '}';
  }
  if (every_line_an_object) {
    format = input_format::json_lines;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      add_object(out, parse_document(lines[i].first, name, lines[i].second), name, lines[i].second,
                 i);
    }
    return out;
  }
  format = input_format::json_columns;
  return from_columns(parse_document(text, name, 1), name);
}

}  // namespace

std::vector<column> read_json(const std::string& name, std::string_view text,
                              const read_options& options, header_mapping& mapping,
                              read_report& report, line_marks_t& marks) {
  json_records records = parse_records(text, name, report.format);
  build_plan plan = plan_columns(name, records.keys, options, options.zone, mapping);
  chunk_builder chunk(plan);
  std::vector<std::string_view> fields;
  for (std::size_t r = 0; r < records.cells.size(); ++r) {
    records.cells[r].resize(records.keys.size());
    fields.assign(records.cells[r].begin(), records.cells[r].end());
    const std::int64_t line =
        records.lines[r] > 0 ? records.lines[r] : static_cast<std::int64_t>(r) + 1;
    chunk.add(fields, records.raw[r], line);
    if (chunk.error().set) throw_failure(chunk.error(), 1, name);
  }
  report.rows_read = chunk.rows_seen();
  report.lines = static_cast<std::int64_t>(std::count(text.begin(), text.end(), '\n'));
  collect_rejects(chunk, 1, name, report);
  table_assembler assembler(plan);
  assembler.append(chunk, 1);
  report.rows_ok = assembler.rows();
  report.rows_rejected = report.rows_read - report.rows_ok;
  marks = std::move(assembler.line_marks());
  return assembler.finish();
}

}  // namespace crm::io::detail
