#include "crm/io/schema_doc.hpp"

#include <nlohmann/json.hpp>

#include "crm/io/output.hpp"

namespace crm::io {
namespace {

bool applies(const alias& a, table_kind kind, std::string_view column) {
  return a.canonical == column && (a.table == kind || a.table == table_kind::unknown);
}

std::string alias_list(table_kind kind, std::string_view column) {
  std::string out;
  for (const alias& a : aliases()) {
    if (!applies(a, kind, column)) continue;
    if (!out.empty()) out += ", ";
    out += a.header;
  }
  return out;
}

}  // namespace

std::string schema_text(std::optional<table_kind> only, bool chinese) {
  std::string out;
  for (const table_spec& t : tables()) {
    if (only && t.kind != *only) continue;
    out +=
        std::string(chinese ? t.label_zh : t.label) + " (" + std::string(to_string(t.kind)) + ")\n";
    for (const column_spec& c : t.columns) {
      out +=
          "  " + pad_right(c.name, 24) + pad_right(to_string(c.type), 11) +
          (c.required ? (chinese ? "必需  " : "required  ") : (chinese ? "      " : "          ")) +
          std::string(chinese ? c.description_zh : c.description) + '\n';
      const std::string names = alias_list(t.kind, c.name);
      if (!names.empty())
        out += "  " + std::string(26, ' ') + (chinese ? "别名: " : "aliases: ") + names + '\n';
    }
    out += '\n';
  }
  return out;
}

std::string schema_json(std::optional<table_kind> only) {
  using nlohmann::ordered_json;
  ordered_json tables_json = ordered_json::array();
  for (const table_spec& t : tables()) {
    if (only && t.kind != *only) continue;
    ordered_json cols = ordered_json::array();
    for (const column_spec& c : t.columns) {
      ordered_json names = ordered_json::array();
      for (const alias& a : aliases()) {
        if (applies(a, t.kind, c.name)) {
          names.push_back({{"header", a.header}, {"rank", a.rank}, {"origin", a.origin}});
        }
      }
      cols.push_back({{"name", c.name},
                      {"type", to_string(c.type)},
                      {"required", c.required},
                      {"description", c.description},
                      {"description_zh", c.description_zh},
                      {"aliases", std::move(names)}});
    }
    tables_json.push_back({{"kind", to_string(t.kind)},
                           {"label", t.label},
                           {"label_zh", t.label_zh},
                           {"columns", std::move(cols)}});
  }
  return ordered_json{{"tables", std::move(tables_json)}}.dump(2) + '\n';
}

}  // namespace crm::io
