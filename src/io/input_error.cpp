#include "crm/io/input_error.hpp"

#include <string_view>
#include <utility>

namespace crm::io {
namespace {

std::string describe(const std::string& reason, const file_position& where,
                     const std::string& value) {
  std::string out = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    out += ':' + std::to_string(where.line);
    if (where.field > 0) out += ':' + std::to_string(where.field);
  }
  out += ": " + reason;
  std::string detail;
  if (!where.column_name.empty()) detail = "column '" + where.column_name + "'";
  if (!value.empty() || !where.column_name.empty()) {
    if (!detail.empty()) detail += ", ";
    detail += "value '" + quote_for_message(value) + "'";
  }
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

}  // namespace

input_error::input_error(const std::string& reason, file_position where, std::string value)
    : crm::invalid_input(
          describe(reason, where, value), reason,
          input_location{where.file, where.column_name, where.line > 0 ? where.line : -1, value}),
      position_(std::move(where)),
      value_(std::move(value)) {}

file_error::file_error(const std::string& message, exit_code code)
    : crm::error(message), code_(code) {}

std::string quote_for_message(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  for (; i < text.size() && out.size() < max_bytes; ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch < 0x20 || ch == 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[ch >> 4];
      out += hex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  // Do not cut a UTF-8 sequence in half.
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) out += text[i++];
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace crm::io
