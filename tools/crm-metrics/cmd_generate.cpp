#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "crm/error.hpp"
#include "crm/io/generate.hpp"
#include "crm/io/output.hpp"

#include "cli.hpp"

namespace crm::cli {
namespace {

struct generate_settings {
  std::uint64_t customers = 0;
  std::uint64_t seed = 42;
  std::string start = "2023-01-01";
  std::int32_t days = 731;
  std::string output = "-";
  std::vector<std::string> tables{"orders"};
  std::string output_dir;
  bool quiet = false;
};

constexpr std::array<std::string_view, 7> table_names = {
    "orders", "customers", "surveys", "tickets", "leads", "costs", "retention_actions"};

/// The sink of a table in company_sinks.
std::function<void(std::string_view)>& sink_of(io::company_sinks& s, std::string_view table) {
  if (table == "customers") return s.customers;
  if (table == "surveys") return s.surveys;
  if (table == "tickets") return s.tickets;
  if (table == "leads") return s.leads;
  if (table == "costs") return s.costs;
  if (table == "retention_actions") return s.retention_actions;
  return s.orders;
}

/// Rows written to a table other than orders.
std::uint64_t rows_of(const io::company_summary& g, std::string_view table) {
  if (table == "customers") return g.customers;
  if (table == "surveys") return g.surveys;
  if (table == "tickets") return g.tickets;
  if (table == "leads") return g.leads;
  if (table == "costs") return g.costs;
  return g.retention_actions;
}

/// --tables all|LIST -> the table names, in the fixed order.
std::vector<std::string_view> wanted_tables(const std::vector<std::string>& list) {
  std::vector<std::string_view> out;
  for (const std::string_view name : table_names) {
    const bool all = std::find(list.begin(), list.end(), "all") != list.end();
    if (all || std::find(list.begin(), list.end(), name) != list.end()) out.push_back(name);
  }
  return out;
}

/// Writes every table of --tables to --output-dir (or the one table to -o), each atomically.
void run_company(const generate_settings& s, const io::generate_options& o) {
  const std::vector<std::string_view> tables = wanted_tables(s.tables);
  std::vector<std::unique_ptr<io::atomic_file>> files;
  io::company_sinks sinks;
  for (const std::string_view t : tables) {
    const std::string path =
        s.output_dir.empty() ? s.output : s.output_dir + "/" + std::string(t) + ".csv";
    files.push_back(std::make_unique<io::atomic_file>(path));
    io::atomic_file* f = files.back().get();
    sink_of(sinks, t) = [f](std::string_view chunk) { f->write(chunk); };
  }
  io::company_summary g;
  try {
    g = io::generate_company(o, sinks);
  } catch (const invalid_input& e) {
    throw CLI::ValidationError("generate", e.what());
  }
  for (auto& f : files) f->commit();
  if (s.quiet) return;
  std::string line =
      fmt::format("customers={} rows={} revenue={}.{:02} first={} last={}", g.orders.customers,
                  g.orders.rows, g.orders.revenue_cents / 100, g.orders.revenue_cents % 100,
                  format_date(g.orders.first), format_date(g.orders.last));
  for (const std::string_view t : tables) {
    if (t != "orders") line += fmt::format(" {}.csv={}", t, rows_of(g, t));
  }
  line += '\n';
  std::fputs(line.c_str(), stderr);
}

/// Generates into the output file (published only when complete) and prints the summary line.
void run_generate(const generate_settings& s) {
  const auto start = parse_iso_date(s.start);
  if (!start) throw CLI::ValidationError("--start", "expects YYYY-MM-DD, got '" + s.start + "'");
  io::generate_options o;
  o.customers = s.customers;
  o.seed = s.seed;
  o.start = *start;
  o.days = s.days;
  const std::vector<std::string_view> tables = wanted_tables(s.tables);
  if (tables.size() > 1 && s.output_dir.empty()) {
    throw CLI::ValidationError("--tables", "more than one table needs --output-dir DIR");
  }
  if (tables.size() != 1 || tables.front() != "orders" || !s.output_dir.empty()) {
    run_company(s, o);
    return;
  }
  io::atomic_file out(s.output);
  io::generate_summary g;
  try {
    g = io::generate_orders(o, [&out](std::string_view chunk) { out.write(chunk); });
  } catch (const invalid_input& e) {  // only bad options (a window past 9999-12-31): usage
    throw CLI::ValidationError("generate", e.what());
  }
  out.commit();
  if (s.quiet) return;
  const std::string line = fmt::format(
      "customers={} rows={} revenue={}.{:02} first={} last={}\n", g.customers, g.rows,
      g.revenue_cents / 100, g.revenue_cents % 100, format_date(g.first), format_date(g.last));
  std::fputs(line.c_str(), stderr);
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto s = std::make_shared<generate_settings>();
  CLI::App* cmd = app.add_subcommand(
      "generate", "Write a realistic synthetic orders export (seeded: same options, same bytes)");
  cmd->footer(
      "Examples:\n"
      "  crm-metrics generate --customers 1000 -o orders.csv\n"
      "  crm-metrics generate --customers 4300000 --seed 42 -o tx_10m.csv   about 10M rows\n"
      "  crm-metrics generate --customers 500 --start 2024-01-01 --days 365 | crm-metrics report "
      "-\n"
      "  crm-metrics generate --customers 2000 --tables all --output-dir company/ && crm-metrics "
      "report company/\n"
      "  crm-metrics generate --customers 2000 --tables surveys -o surveys.csv   one table of the "
      "same company");
  cmd->add_option("--customers", s->customers, "Customers to simulate (each buys at least once)")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{0xFFFFFFFF}));
  cmd->add_option("--seed", s->seed, "Random seed")->capture_default_str();
  cmd->add_option("--start", s->start, "First day of the window, YYYY-MM-DD")
      ->capture_default_str();
  cmd->add_option("--days", s->days, "Length of the window in days")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  CLI::Option* output =
      cmd->add_option("-o,--output", s->output, "Write here atomically (- = standard output)")
          ->capture_default_str();
  cmd->add_option("--tables", s->tables,
                  "Tables to write, a comma list of orders, customers, surveys, tickets, leads, "
                  "costs, retention_actions, or all (the same simulated company)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "orders", "customers", "surveys", "tickets", "leads", "costs",
                             "retention_actions"}));
  cmd->add_option("--output-dir", s->output_dir,
                  "Write each table to DIR/<table>.csv, atomically (needed for several tables)")
      ->check(CLI::ExistingDirectory)
      ->excludes(output);
  cmd->add_flag("--quiet", s->quiet, "Do not print the summary line on stderr");
  cmd->callback([s] { run_generate(*s); });
}

}  // namespace crm::cli
