#pragma once

#include <string>

#include "crm/io/reader.hpp"

namespace crm::io {

/// The `inspect` view of a read input: table kind, encoding, dialect, row counts, each column
/// with its mapping, type, missing and distinct counts and value range, the timestamp range,
/// rejected rows by reason, and what the table still lacks. Aligned text for terminals.
[[nodiscard]] std::string inspect_text(const read_result& input);

/// The same as a JSON object (one line per key, stable key order, UTF-8).
[[nodiscard]] std::string inspect_json(const read_result& input);

}  // namespace crm::io
