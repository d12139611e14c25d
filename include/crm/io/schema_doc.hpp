#pragma once

#include <optional>
#include <string>

#include "crm/io/schema.hpp"

namespace crm::io {

/// The schema as aligned text: each table (or only `only`), its canonical columns with type,
/// whether required, a description, and every header alias. Chinese labels when `chinese`.
[[nodiscard]] std::string schema_text(std::optional<table_kind> only, bool chinese);

/// The same as JSON: {"tables": [{"kind", "label", "label_zh", "columns": [{"name", "type",
/// "required", "description", "description_zh", "aliases": [{"header", "rank", "origin"}]}]}]}.
[[nodiscard]] std::string schema_json(std::optional<table_kind> only);

}  // namespace crm::io
