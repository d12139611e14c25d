#include <cstdio>
#include <memory>

#include "crm/io/inspect.hpp"

#include "cli.hpp"

namespace crm::cli {

void add_inspect_command(CLI::App& app) {
  struct settings {
    std::vector<std::string> files;
    std::string format = "text";
    input_settings input;
  };
  auto s = std::make_shared<settings>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Show what an export is: table kind, encoding, delimiter, rows, column mapping");
  cmd->footer(
      "Examples:\n"
      "  crm-metrics inspect examples/data/orders.csv\n"
      "  crm-metrics inspect --format json exports/*.csv\n"
      "  crm-metrics inspect --on-error skip --rejects bad.csv orders.csv\n"
      "  crm-metrics inspect --map customer_id=Kundennummer --decimal , bestellungen.csv");
  cmd->add_option("files", s->files, "Input files (CSV, TSV, JSON, JSON Lines; - for stdin)")
      ->required();
  cmd->add_option("--format", s->format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  add_input_options(*cmd, s->input);
  cmd->callback([s] {
    const io::read_options options = to_read_options(s->input);
    for (const std::string& file : s->files) {
      const io::read_result result = io::read_table(file, options);
      report_rejects(result, s->input);
      const std::string out =
          s->format == "json" ? io::inspect_json(result) : io::inspect_text(result);
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
  });
}

}  // namespace crm::cli
