#include <cstdio>
#include <memory>

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
  bool quiet = false;
};

/// Generates into the output file (published only when complete) and prints the summary line.
void run_generate(const generate_settings& s) {
  const auto start = parse_iso_date(s.start);
  if (!start) throw CLI::ValidationError("--start", "expects YYYY-MM-DD, got '" + s.start + "'");
  io::generate_options o;
  o.customers = s.customers;
  o.seed = s.seed;
  o.start = *start;
  o.days = s.days;
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
      "-");
  cmd->add_option("--customers", s->customers, "Customers to simulate (each buys at least once)")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{0xFFFFFFFF}));
  cmd->add_option("--seed", s->seed, "Random seed")->capture_default_str();
  cmd->add_option("--start", s->start, "First day of the window, YYYY-MM-DD")
      ->capture_default_str();
  cmd->add_option("--days", s->days, "Length of the window in days")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  cmd->add_option("-o,--output", s->output, "Write here atomically (- = standard output)")
      ->capture_default_str();
  cmd->add_flag("--quiet", s->quiet, "Do not print the summary line on stderr");
  cmd->callback([s] { run_generate(*s); });
}

}  // namespace crm::cli
