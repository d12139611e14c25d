#pragma once

// The command line: CLI11 wiring only. Each command registers its options and a callback.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "crm/dates.hpp"
#include "crm/io/reader.hpp"
#include "crm/io/report.hpp"

namespace crm::cli {

/// Options every command that reads inputs shares (--encoding, --map, --tz, ...).
struct input_settings {
  std::string encoding = "auto";
  std::string delimiter;
  bool no_header = false;
  std::vector<std::string> maps;
  std::string table;
  std::string tz = "UTC";
  std::string decimal = ".";
  std::string thousands;
  std::string date_order = "auto";
  std::string on_error = "fail";
  std::string rejects;
  unsigned threads = 0;
};

/// Registers the shared input options on a subcommand.
void add_input_options(CLI::App& command, input_settings& settings);

/// Turns the settings into reader options; throws CLI::ValidationError on a bad value.
[[nodiscard]] io::read_options to_read_options(const input_settings& settings);

/// Prints read / ok / rejected counts (by reason) on stderr under --on-error skip, and writes
/// the rejects file when asked.
void report_rejects(const io::read_result& result, const input_settings& settings);

/// Files named on the command line; a directory stands for its data files (.csv .tsv .txt .json
/// .jsonl), sorted by name.
[[nodiscard]] std::vector<std::string> expand_inputs(const std::vector<std::string>& args);

/// Reads every input of expand_inputs(args) with the settings, reporting rejects as it goes.
[[nodiscard]] std::vector<io::read_result> read_inputs(const std::vector<std::string>& args,
                                                       const input_settings& settings);

/// The --format value as a report_format ("json", "csv", "md"; anything else text).
[[nodiscard]] io::report_format format_of(const std::string& name);

/// A YYYY-MM-DD option value as a day; CLI::ValidationError naming `option` otherwise.
[[nodiscard]] day_t date_option(const std::string& text, const char* option);

/// The exit code a command asks for when it completed without an error (check: 0, 1 or 2).
int& completed_exit_code();

void add_report_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_rfm_command(CLI::App& app);
void add_cohorts_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
void add_schema_command(CLI::App& app);
void add_clv_command(CLI::App& app);

}  // namespace crm::cli
