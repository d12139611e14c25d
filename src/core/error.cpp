#include "crm/error.hpp"

#include <utility>

namespace crm {
namespace {

std::string describe(const std::string& reason, const input_location& where) {
  std::string out;
  if (!where.source.empty()) out += where.source + ": ";
  out += reason;
  std::string detail;
  if (!where.column.empty()) detail += "column '" + where.column + "'";
  if (where.row >= 0) {
    if (!detail.empty()) detail += ", ";
    detail += "row " + std::to_string(where.row);
  }
  if (!where.value.empty()) {
    if (!detail.empty()) detail += ", ";
    detail += "value '" + where.value + "'";
  }
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

}  // namespace

invalid_input::invalid_input(const std::string& reason, input_location where)
    : error(describe(reason, where)), reason_(reason), where_(std::move(where)) {}

invalid_input::invalid_input(const std::string& message, const std::string& reason,
                             input_location where)
    : error(message), reason_(reason), where_(std::move(where)) {}

void require_same_length(const char* function, const char* column_a, std::size_t size_a,
                         const char* column_b, std::size_t size_b) {
  if (size_a == size_b) return;
  throw invalid_input("columns '" + std::string(column_a) + "' (" + std::to_string(size_a) +
                          " rows) and '" + std::string(column_b) + "' (" + std::to_string(size_b) +
                          " rows) differ in length",
                      input_location{function, column_b, -1, {}});
}

}  // namespace crm
