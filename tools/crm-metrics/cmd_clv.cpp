// `crm-metrics clv`: probabilistic customer-lifetime models (options and output only; the work
// is crm::io::analyze_clv).

#include <memory>
#include <string>
#include <vector>

#include "crm/dates.hpp"
#include "crm/io/clv.hpp"
#include "crm/io/output.hpp"

#include "cli.hpp"

namespace crm::cli {
namespace {

struct clv_settings {
  std::vector<std::string> files;
  std::string model = "bgnbd";
  std::string unit = "week";
  std::string calibration_end;
  std::string holdout_end;
  double holdout_length = 0.0;
  unsigned horizon = 12;
  double discount = 0.10;
  double margin = 1.0;
  std::size_t at_risk = 20;
  double at_risk_alive = 0.5;
  std::string format = "text";
  std::string output = "-";
  std::string customers;
  std::string customers_format;
  input_settings input;
};

io::clv_options to_options(const clv_settings& s) {
  io::clv_options o;
  o.model = s.model == "mbgnbd" ? io::clv_model::mbgnbd
            : s.model == "pnbd" ? io::clv_model::pareto_nbd
                                : io::clv_model::bgnbd;
  o.unit = s.unit == "day"     ? clv::time_unit::day
           : s.unit == "month" ? clv::time_unit::month
                               : clv::time_unit::week;
  if (!s.calibration_end.empty()) {
    o.calibration_end = date_option(s.calibration_end, "--calibration-end");
  }
  if (!s.holdout_end.empty()) o.holdout_end = date_option(s.holdout_end, "--holdout-end");
  if (o.holdout_end != no_day && o.calibration_end == no_day) {
    throw CLI::ValidationError("--holdout-end", "needs --calibration-end");
  }
  if (o.holdout_end != no_day && o.holdout_end <= o.calibration_end) {
    throw CLI::ValidationError("--holdout-end", "must be after --calibration-end");
  }
  o.holdout_length = s.holdout_length;
  o.horizon_months = s.horizon;
  o.annual_discount = s.discount;
  o.margin = s.margin;
  o.at_risk = s.at_risk;
  o.at_risk_alive = s.at_risk_alive;
  return o;
}

void run(const clv_settings& s) {
  const io::clv_options options = to_options(s);
  const io::clv_analysis a = io::analyze_clv(read_inputs(s.files, s.input), options);
  if (!s.customers.empty()) {
    std::string f = s.customers_format;
    if (f.empty()) f = s.customers.ends_with(".json") ? "json" : "csv";
    io::atomic_file out(s.customers);
    io::write_clv_customers(a, format_of(f), out);
    out.commit();
  }
  io::write_file_atomic(s.output, io::render_clv(a, format_of(s.format)));
}

}  // namespace

void add_clv_command(CLI::App& app) {
  auto s = std::make_shared<clv_settings>();
  CLI::App* cmd = app.add_subcommand(
      "clv",
      "Fit BG/NBD, MBG/NBD or Pareto/NBD (purchases) and Gamma-Gamma (spend); predict purchases, "
      "P(alive) and CLV per customer");
  cmd->footer(
      "Input: an orders export (summarised per customer in --unit), or a per-customer summary:\n"
      "lifetimes ID,frequency,recency,T[,monetary_value]; Hardie x,t_x,T,zbar; BTYD\n"
      "cust,x,t.x,T.cal[,m.x,x.star].\n"
      "Examples:\n"
      "  crm-metrics clv examples/data/orders.csv\n"
      "  crm-metrics clv --model pnbd --format json -o clv.json summary.csv\n"
      "  crm-metrics clv --calibration-end 1997-09-30 --holdout-end 1998-06-30 orders.csv\n"
      "  crm-metrics clv --customers predictions.csv --horizon 24 --discount 0.08 orders.csv");
  cmd->add_option("files", s->files, "Input files or directories (CSV, TSV, JSON; - for stdin)")
      ->required();
  cmd->add_option("--model", s->model,
                  "Purchase model: bgnbd (BG/NBD), mbgnbd (MBG/NBD) or pnbd (Pareto/NBD)")
      ->capture_default_str()
      ->check(CLI::IsMember({"bgnbd", "mbgnbd", "pnbd"}));
  cmd->add_option("--unit", s->unit,
                  "Time unit of frequency/recency/age: day, week or month (365.25/12 days); orders "
                  "are summarised in it, a summary is read in it")
      ->capture_default_str()
      ->check(CLI::IsMember({"day", "week", "month"}));
  cmd->add_option("--calibration-end", s->calibration_end,
                  "Orders: last day of the calibration period, YYYY-MM-DD (default: the last "
                  "order day)");
  cmd->add_option("--holdout-end", s->holdout_end,
                  "Orders: last day of the holdout period; turns on the holdout check");
  cmd->add_option("--holdout-length", s->holdout_length,
                  "Summary with a holdout frequency column but no holdout length: its length in "
                  "--unit")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--horizon", s->horizon, "Prediction horizon in months")
      ->capture_default_str()
      ->check(CLI::Range(1U, 1200U));
  cmd->add_option("--discount", s->discount, "Annual discount rate of the CLV (0.10 = 10 %)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--margin", s->margin, "Gross margin applied to the expected spend, in (0, 1]")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--at-risk", s->at_risk, "Length of the at-risk list (0 = none)")
      ->capture_default_str();
  cmd->add_option("--at-risk-alive", s->at_risk_alive,
                  "At risk: repeat customers with P(alive) below this, most valuable first")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--format", s->format, "Model report: text, json or md")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "md"}));
  cmd->add_option("-o,--output", s->output, "Write the model report here atomically (- = stdout)")
      ->capture_default_str();
  cmd->add_option("--customers", s->customers,
                  "Write per-customer predictions here atomically (customer_id, x, t_x, T, m_x, "
                  "p_alive, expected_purchases, expected_spend, clv)");
  cmd->add_option("--customers-format", s->customers_format,
                  "csv or json (default: json for a .json file, else csv)")
      ->check(CLI::IsMember({"csv", "json"}));
  add_input_options(*cmd, s->input);
  cmd->callback([s] { run(*s); });
}

}  // namespace crm::cli
