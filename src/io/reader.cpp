#include "crm/io/reader.hpp"

#include <functional>
#include <utility>

#include "crm/io/input_error.hpp"

#include "reader_detail.hpp"

namespace crm::io {

std::string_view to_string(input_format format) noexcept {
  switch (format) {
    case input_format::csv:
      return "csv";
    case input_format::json_array:
      return "json";
    case input_format::json_lines:
      return "jsonl";
    case input_format::json_columns:
      return "json-columns";
  }
  return "?";
}

namespace detail {

build_plan plan_columns(const std::string& source, std::span<const std::string> headers,
                        const read_options& options, const time_zone& zone,
                        header_mapping& mapping) {
  try {
    mapping = map_headers(headers, options.mapping);
  } catch (const input_error&) {
    throw;
  } catch (const crm::invalid_input& e) {
    throw input_error(e.reason(), {source, 1, 0, {}});
  }
  build_plan plan;
  plan.source = source;
  plan.values = options.values;
  plan.zone = &zone;
  plan.policy = options.on_error;
  plan.keep_rejected_rows = options.keep_rejected_rows;
  plan.compact_integers = options.compact_integers;
  for (const column_binding& b : mapping.columns) {
    column_plan col;
    col.header = b.header;
    col.canonical = b.canonical;
    col.type = b.canonical.empty() ? value_type::text : b.type;
    col.order = options.values.dates;
    plan.columns.push_back(std::move(col));
  }
  return plan;
}

void collect_rejects(chunk_builder& chunk, std::int64_t line_base, const std::string& source,
                     read_report& report) {
  for (chunk_builder::chunk_reject& r : chunk.rejects()) {
    const std::int64_t line = r.line + line_base - 1;
    const input_error e(r.reason, {source, line, r.field, r.column}, r.value);
    const std::string key = r.column.empty() ? r.reason : r.reason + " in '" + r.column + "'";
    ++report.rejected_by_reason[key];
    report.rejects.push_back({line, e.what(), std::move(r.text)});
  }
  chunk.rejects().clear();
}

void throw_failure(const chunk_builder::failure& f, std::int64_t line_base,
                   const std::string& source) {
  throw input_error(f.reason, {source, f.line + line_base - 1, f.field, f.column}, f.value);
}

bool looks_like_json(std::string_view text) noexcept {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (text[i] == '[' || text[i] == '{');
}

}  // namespace detail

namespace {

using detail::byte_source;

bool has_utf16_bom(std::string_view head) noexcept {
  return head.size() >= 2 &&
         ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF'));
}

void finish(read_result& result, std::vector<column> columns) {
  result.data.columns = std::move(columns);
  result.data.rows = result.report.rows_ok;
  if (result.report.rows_read == 0) {
    throw input_error("no data rows (the file has only a header)",
                      {result.report.source, result.report.lines, 0, {}});
  }
}

// Text already decoded to UTF-8 (no BOM): JSON or delimited text.
read_result read_text(const std::string& name, std::string_view text, const read_options& options,
                      read_report report) {
  read_result result;
  result.data.source = name;
  std::vector<column> columns;
  if (detail::looks_like_json(text)) {
    columns =
        detail::read_json(name, text, options, result.data.mapping, report, result.data.line_marks);
  } else {
    detail::memory_source source(text);
    columns = detail::read_csv(name, source, options, false, false, result.data.mapping, report,
                               result.data.line_marks);
  }
  result.report = std::move(report);
  finish(result, std::move(columns));
  return result;
}

read_result read_converted(const std::string& name, std::string_view bytes, encoding from,
                           const read_options& options, read_report report) {
  std::string text;
  convert_to_utf8(bytes, from, text, name);
  report.detected_encoding = from;
  return read_text(name, text, options, std::move(report));
}

// GB18030 after UTF-8 failed: one clear message when neither fits.
read_result read_as_gb18030(const std::string& name, std::string_view bytes,
                            std::size_t bad_utf8_at, const read_options& options,
                            read_report report) {
  try {
    return read_converted(name, bytes, encoding::gb18030, options, std::move(report));
  } catch (const input_error&) {
    throw;
  } catch (const crm::invalid_input& e) {
    throw input_error("the text is neither UTF-8 (bad byte at offset " +
                          std::to_string(bad_utf8_at) + ") nor GB18030 (" + e.reason() +
                          "); pass --encoding",
                      {name, 0, 0, {}});
  }
}

read_result read_any(const std::string& name, byte_source& source, const read_options& options,
                     const std::function<std::string()>& whole) {
  read_report report;
  report.source = name;
  std::string head(4096, '\0');
  head.resize(source.read(head.data(), head.size()));
  source.rewind();
  const encoding forced = options.text_encoding;
  const bool utf16 = forced == encoding::utf16le || forced == encoding::utf16be ||
                     (forced == encoding::automatic && has_utf16_bom(head));
  if (utf16) {
    const encoding from = forced != encoding::automatic ? forced
                          : head[0] == '\xFF'           ? encoding::utf16le
                                                        : encoding::utf16be;
    report.had_bom = has_utf16_bom(head);
    return read_converted(name, whole(), from, options, std::move(report));
  }
  if (forced == encoding::gb18030) return read_converted(name, whole(), forced, options, report);
  if (detail::looks_like_json(head)) {
    std::string text;
    convert_to_utf8(whole(), encoding::utf8, text, name);
    return read_text(name, text, options, std::move(report));
  }
  try {
    read_result result;
    result.data.source = name;
    std::vector<column> columns =
        detail::read_csv(name, source, options, true, forced == encoding::utf8, result.data.mapping,
                         report, result.data.line_marks);
    result.report = std::move(report);
    finish(result, std::move(columns));
    return result;
  } catch (const detail::not_utf8& bad) {
    read_report fresh;
    fresh.source = name;
    return read_as_gb18030(name, whole(), bad.offset, options, std::move(fresh));
  }
}

}  // namespace

read_result read_table(const std::string& path, const read_options& options) {
  if (path == "-") {
    const std::string bytes = detail::read_stdin();
    return read_table_from_memory("-", bytes, options);
  }
  detail::file_source source(path);
  return read_any(path, source, options, [&] { return detail::read_file(path); });
}

read_result read_table_from_memory(std::string_view name, std::string_view bytes,
                                   const read_options& options) {
  detail::memory_source source(bytes);
  return read_any(std::string(name), source, options, [&] { return std::string(bytes); });
}

}  // namespace crm::io
