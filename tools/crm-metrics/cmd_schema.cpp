#include <cstdio>
#include <memory>

#include "crm/io/schema_doc.hpp"

#include "cli.hpp"

namespace crm::cli {

void add_schema_command(CLI::App& app) {
  struct settings {
    std::string table;
    std::string lang = "en";
    std::string format = "text";
  };
  auto s = std::make_shared<settings>();
  CLI::App* cmd = app.add_subcommand(
      "schema", "List the recognised tables, their canonical columns, types and header aliases");
  cmd->footer(
      "Examples:\n"
      "  crm-metrics schema\n"
      "  crm-metrics schema orders --lang zh\n"
      "  crm-metrics schema --format json > schema.json");
  cmd->add_option("table", s->table, "Only this table kind");
  cmd->add_option("--lang", s->lang, "en or zh")
      ->capture_default_str()
      ->check(CLI::IsMember({"en", "zh"}));
  cmd->add_option("--format", s->format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([s] {
    std::optional<io::table_kind> only;
    if (!s->table.empty()) {
      only = io::parse_table_kind(s->table);
      if (!only) throw CLI::ValidationError("table", "unknown table kind '" + s->table + "'");
    }
    const std::string out =
        s->format == "json" ? io::schema_json(only) : io::schema_text(only, s->lang == "zh");
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace crm::cli
