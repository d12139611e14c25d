#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <optional>

#include "crm/error.hpp"
#include "crm/io/config.hpp"
#include "crm/io/input_error.hpp"
#include "crm/io/output.hpp"
#include "crm/io/report.hpp"

#include "cli.hpp"

namespace crm::cli {
namespace {

/// Options of the commands that compute metrics (report, rfm, cohorts).
struct metric_settings {
  std::vector<std::string> files;
  std::string as_of;
  std::string period = "month";
  std::vector<std::string> by;
  std::string format = "text";
  std::string output = "-";
  std::string lang = "en";
  std::uint32_t inactivity_days = 90;
  std::string churn_base = "start";
  bool churn_include_new = false;
  std::uint32_t repeat_within = 0;
  std::string rfm_monetary = "mean";
  std::string segments = "default";
  double margin = 1.0;
  std::string survey_type;
  std::string csat_scale = "1-5";
  std::string csi_scale = "1-10";
  std::string ces_scale = "1-7";
  std::string ces_easy_end = "high";
  std::string business_hours;
  std::string work_days = "1-5";
  std::vector<std::string> holidays;
  std::vector<std::string> funnel_stages;
  std::string config;
  input_settings input;
  CLI::App* command = nullptr;  ///< to tell options given on the command line from defaults

  [[nodiscard]] bool given(const char* option) const {
    return command != nullptr && command->count(option) > 0;
  }
};

void add_metric_options(CLI::App& cmd, metric_settings& s, bool full) {
  cmd.add_option("files", s.files, "Input files or directories (CSV, TSV, JSON; - for stdin)")
      ->required();
  cmd.add_option("--as-of", s.as_of,
                 "Analysis date YYYY-MM-DD (default: the day after the latest order); later "
                 "orders are left out");
  cmd.add_option("--period", s.period, "day, week, month, quarter or year")
      ->capture_default_str()
      ->check(CLI::IsMember({"day", "week", "month", "quarter", "year"}));
  cmd.add_option("-o,--output", s.output, "Write here atomically (- = standard output)")
      ->capture_default_str();
  cmd.add_option("--lang", s.lang, "Labels: en or zh")
      ->capture_default_str()
      ->check(CLI::IsMember({"en", "zh"}));
  cmd.add_option("--inactivity-days", s.inactivity_days,
                 "Churn of order-only data: lost after this many days without an order")
      ->capture_default_str()
      ->check(CLI::Range(1U, 36500U));
  cmd.add_option("--churn-base", s.churn_base,
                 "Churn denominator: start, start_plus_new or average")
      ->capture_default_str()
      ->check(CLI::IsMember({"start", "start_plus_new", "average"}));
  cmd.add_flag("--churn-include-new", s.churn_include_new,
               "Count customers who join and are lost in the same period as churned");
  cmd.add_option("--rfm-monetary", s.rfm_monetary, "M of RFM: mean (per order) or total spend")
      ->capture_default_str()
      ->check(CLI::IsMember({"mean", "total"}));
  cmd.add_option("--segments", s.segments,
                 "RFM segment rules: default (recency x frequency grid) or rfm (R package)")
      ->capture_default_str()
      ->check(CLI::IsMember({"default", "rfm"}));
  if (full) {
    cmd.add_option("--config", s.config,
                   "A crm-metrics.json config (docs/config.md): variants, parameters, scorecard; "
                   "command-line options override it")
        ->check(CLI::ExistingFile);
    cmd.add_option("--by", s.by, "Every whole-range metric per value of this column (repeatable)");
    cmd.add_option("--repeat-within", s.repeat_within,
                   "Also report the repeat purchase rate within N days of the first order");
    cmd.add_option("--margin", s.margin, "Gross margin (0..1) applied to clv_simple")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd.add_option("--survey-type", s.survey_type,
                   "What a bare surveys `score` column answers: nps, csat or ces (default: "
                   "inferred from its values, said in the notes)")
        ->check(CLI::IsMember({"nps", "csat", "ces"}));
    cmd.add_option("--csat-scale", s.csat_scale,
                   "CSAT answer scale MIN-MAX (top-2-box = MAX-1..MAX)")
        ->capture_default_str();
    cmd.add_option("--ces-scale", s.ces_scale, "CES answer scale MIN-MAX")->capture_default_str();
    cmd.add_option("--ces-easy-end", s.ces_easy_end,
                   "Which end of the CES scale means least effort: high (the 1..7 agree scale) or "
                   "low (the older 1..5 'how much effort' scale)")
        ->capture_default_str()
        ->check(CLI::IsMember({"high", "low"}));
    cmd.add_option("--csi-scale", s.csi_scale, "Scale MIN-MAX of every CSI item (q_ columns)")
        ->capture_default_str();
    cmd.add_option("--funnel-stages", s.funnel_stages,
                   "Lead pipeline stages in order, a comma list (e.g. "
                   "lead,qualified,proposal,won): the funnel from the leads' stage column")
        ->delimiter(',');
    cmd.add_option("--business-hours", s.business_hours,
                   "Also report ticket times in working hours HH:MM-HH:MM, e.g. 09:00-18:00");
    cmd.add_option("--work-days", s.work_days,
                   "Working weekdays for --business-hours, ISO numbers: 1-5 (Mon-Fri), 1-6, "
                   "1,2,3,4,5,7")
        ->capture_default_str();
    cmd.add_option("--holiday", s.holidays,
                   "A non-working date YYYY-MM-DD for --business-hours (repeatable, or a comma "
                   "list)")
        ->delimiter(',');
  }
  add_input_options(cmd, s.input);
}

/// "MIN-MAX" (e.g. 1-5, 0-10) as a pair with MIN < MAX.
std::pair<double, double> scale_of(const std::string& text, const char* option) {
  const std::size_t dash = text.find('-', 1);
  try {
    if (dash != std::string::npos) {
      std::size_t used_lo = 0;
      std::size_t used_hi = 0;
      const double lo = std::stod(text.substr(0, dash), &used_lo);
      const double hi = std::stod(text.substr(dash + 1), &used_hi);
      if (used_lo == dash && used_hi == text.size() - dash - 1 && lo < hi) return {lo, hi};
    }
  } catch (const std::exception&) {
  }
  throw CLI::ValidationError(option,
                             "expects MIN-MAX with MIN < MAX, e.g. 1-5; got '" + text + "'");
}

/// Seconds after midnight of HH:MM (24:00 allowed as the end of the day).
std::int32_t clock_of(const std::string& text, const char* option) {
  if (text.size() == 5 && text[2] == ':' && std::isdigit(static_cast<unsigned char>(text[0])) &&
      std::isdigit(static_cast<unsigned char>(text[1])) &&
      std::isdigit(static_cast<unsigned char>(text[3])) &&
      std::isdigit(static_cast<unsigned char>(text[4]))) {
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (m < 60 && (h < 24 || (h == 24 && m == 0))) return h * 3600 + m * 60;
  }
  throw CLI::ValidationError(option, "expects HH:MM-HH:MM, e.g. 09:00-18:00; got '" + text + "'");
}

business_calendar calendar_of(const metric_settings& s) {
  business_calendar c;
  const std::size_t dash = s.business_hours.find('-');
  if (dash == std::string::npos) {
    throw CLI::ValidationError("--business-hours", "expects HH:MM-HH:MM, e.g. 09:00-18:00");
  }
  c.open_second = clock_of(s.business_hours.substr(0, dash), "--business-hours");
  c.close_second = clock_of(s.business_hours.substr(dash + 1), "--business-hours");
  c.working_days = 0;
  std::size_t at = 0;
  while (at <= s.work_days.size()) {
    const std::size_t end = std::min(s.work_days.find(',', at), s.work_days.size());
    const std::string part = s.work_days.substr(at, end - at);
    const std::size_t d = part.find('-');
    const auto day = [&](const std::string& t) {
      if (t.size() != 1 || t[0] < '1' || t[0] > '7') {
        throw CLI::ValidationError(
            "--work-days", "expects ISO weekdays 1..7, e.g. 1-5; got '" + s.work_days + "'");
      }
      return t[0] - '0';
    };
    const int lo = day(d == std::string::npos ? part : part.substr(0, d));
    const int hi = d == std::string::npos ? lo : day(part.substr(d + 1));
    for (int w = lo; w <= hi; ++w)
      c.working_days = static_cast<std::uint8_t>(c.working_days | (1U << (w - 1)));
    at = end + 1;
  }
  for (const std::string& h : s.holidays) c.holidays.push_back(date_option(h, "--holiday"));
  try {
    validate(c);
  } catch (const ::crm::invalid_input& bad) {
    throw CLI::ValidationError("--business-hours", bad.reason());
  }
  return c;
}

/// The config file of --config, read once; nullopt without one. Config errors are usage errors.
std::optional<io::config> config_of(const metric_settings& s) {
  if (s.config.empty()) return std::nullopt;
  try {
    return io::load_config(s.config);
  } catch (const io::file_error&) {
    throw;
  } catch (const ::crm::invalid_input& bad) {
    throw CLI::ValidationError("--config", bad.what());
  }
}

/// The config's options, overridden by every option given on the command line.
io::report_options to_report_options(const metric_settings& s,
                                     const std::optional<io::config>& file = std::nullopt) {
  io::report_options o = file ? file->report : io::report_options{};
  const bool no_file = !file;
  const auto use = [&](const char* option) { return no_file || s.given(option); };
  if (!s.as_of.empty()) o.as_of = date_option(s.as_of, "--as-of");
  if (use("--period")) o.period = *parse_period_kind(s.period);
  if (use("--by")) o.by = s.by;
  if (use("--inactivity-days")) o.inactivity_days = s.inactivity_days;
  if (use("--churn-base")) {
    o.churn_denominator = s.churn_base == "start"            ? churn_base::start
                          : s.churn_base == "start_plus_new" ? churn_base::start_plus_new
                                                             : churn_base::average;
  }
  if (use("--churn-include-new")) o.churn_include_new = s.churn_include_new;
  if (use("--repeat-within")) o.repeat_within_days = s.repeat_within;
  if (use("--rfm-monetary")) {
    o.rfm_m = s.rfm_monetary == "total" ? rfm_monetary::total : rfm_monetary::mean;
  }
  if (use("--segments")) o.rfm_segments = s.segments;
  if (use("--margin")) o.gross_margin = s.margin;
  if (use("--survey-type")) o.survey_type = s.survey_type;
  if (use("--csat-scale")) o.csat_scale = scale_of(s.csat_scale, "--csat-scale");
  if (use("--csi-scale")) o.csi_scale = scale_of(s.csi_scale, "--csi-scale");
  if (use("--ces-scale")) o.ces_scale = scale_of(s.ces_scale, "--ces-scale");
  if (use("--ces-easy-end")) o.ces_higher_is_easier = s.ces_easy_end == "high";
  if (!s.business_hours.empty()) {
    o.business_hours = true;
    o.calendar = calendar_of(s);
  }
  if (use("--funnel-stages")) o.funnel_stages = s.funnel_stages;
  o.skip_bad_rows = s.input.on_error == "skip";
  return o;
}

std::vector<io::read_result> read_inputs(const metric_settings& s,
                                         const std::optional<io::config>& cfg = std::nullopt) {
  input_settings input = s.input;
  if (cfg && cfg->tz && !s.given("--tz")) input.tz = *cfg->tz;
  if (cfg) {
    for (const auto& [canonical, header] : cfg->map) input.maps.push_back(canonical + "=" + header);
  }
  return read_inputs(s.files, input);
}

/// Registers a command that reads inputs and computes metrics: shared options plus --format.
CLI::App* metric_command(CLI::App& app, metric_settings& s, const char* name, const char* about,
                         const char* examples, const std::vector<std::string>& formats,
                         const char* format_help, bool full) {
  CLI::App* cmd = app.add_subcommand(name, about);
  cmd->footer(std::string("Examples:\n") + examples);
  add_metric_options(*cmd, s, full);
  s.command = cmd;
  s.format = formats.front();
  cmd->add_option("--format", s.format, format_help)
      ->capture_default_str()
      ->check(CLI::IsMember(formats));
  return cmd;
}

/// Reads the inputs, builds the report and writes what `render` makes of it.
/// Reads the inputs and builds the report, with the config's scorecard when it has one.
io::report build(const metric_settings& s) {
  const std::optional<io::config> file = config_of(s);
  const io::report_options options = to_report_options(s, file);
  io::report r = io::build_report(read_inputs(s, file), options);
  if (file && file->currency && r.currency.empty()) r.currency = *file->currency;
  if (file && !file->kpis.empty()) {
    io::add_scorecard(r, file->kpis, file->kpi_on_last_period, file->scorecard);
  }
  return r;
}

template <typename Render>
void write_report(const metric_settings& s, Render render) {
  io::write_file_atomic(s.output, render(build(s)));
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto s = std::make_shared<metric_settings>();
  metric_command(app, *s, "report",
                 "Compute every metric the inputs allow; say why the others cannot be computed",
                 "  crm-metrics report examples/data/orders.csv\n"
                 "  crm-metrics report --format json -o report.json exports/\n"
                 "  crm-metrics report --period quarter --by channel --lang zh orders.csv\n"
                 "  crm-metrics report --as-of 2024-07-01 --inactivity-days 60 orders.csv",
                 {"text", "json", "csv", "md"}, "text, json, csv (long format) or md", true)
      ->callback([s] {
        write_report(*s, [&](const io::report& r) {
          return io::render_report(r, format_of(s->format), s->lang);
        });
      });
}

void add_check_command(CLI::App& app) {
  auto s = std::make_shared<metric_settings>();
  metric_command(app, *s, "check",
                 "Judge the KPI scorecard of --config: exit 0 all ok, 1 a warning, 2 an alert",
                 "  crm-metrics check --config crm-metrics.json examples/data/\n"
                 "  crm-metrics check --config kpis.json --format json -o scorecard.json exports/\n"
                 "  crm-metrics check --config kpis.json exports/ || mail -s 'KPI breach' ops",
                 {"text", "json", "md"}, "text, json or md", true)
      ->callback([s] {
        if (s->config.empty()) {
          throw CLI::ValidationError("check", "needs --config FILE with a scorecard");
        }
        const io::report r = build(*s);
        if (!r.scorecard) {
          throw CLI::ValidationError("--config", s->config + " has no scorecard.kpis");
        }
        io::write_file_atomic(s->output, io::render_scorecard(r, format_of(s->format), s->lang));
        int code = 0;
        for (const io::report_kpi& k : r.scorecard->kpis) {
          if (k.result.status == kpi_status::ok) continue;
          const std::string line = std::string("crm-metrics check: ") + to_string(k.result.status) +
                                   ": " + k.result.reason + "\n";
          std::fputs(line.c_str(), stderr);
          code = std::max(code, k.result.status == kpi_status::alert ? 2 : 1);
        }
        completed_exit_code() = code;
      });
}

void add_cohorts_command(CLI::App& app) {
  auto s = std::make_shared<metric_settings>();
  metric_command(app, *s, "cohorts",
                 "The cohort retention matrix (customers and revenue) of an orders export",
                 "  crm-metrics cohorts examples/data/orders.csv\n"
                 "  crm-metrics cohorts --period quarter --format csv -o cohorts.csv orders.csv\n"
                 "  crm-metrics cohorts --format json orders.csv",
                 {"text", "csv", "json"}, "text, csv or json", false)
      ->callback([s] {
        write_report(*s, [&](const io::report& r) {
          return io::render_cohorts(r, format_of(s->format), s->lang);
        });
      });
}

void add_rfm_command(CLI::App& app) {
  auto s = std::make_shared<metric_settings>();
  metric_command(app, *s, "rfm",
                 "Per customer: recency, frequency, monetary, R/F/M scores and segment",
                 "  crm-metrics rfm examples/data/orders.csv\n"
                 "  crm-metrics rfm --segments rfm --format json -o rfm.json orders.csv\n"
                 "  crm-metrics rfm --as-of 2024-12-31 --rfm-monetary total orders.csv",
                 {"csv", "json"}, "csv or json", false)
      ->callback([s] {
        const io::report_options options = to_report_options(*s);
        const std::vector<io::read_result> inputs = read_inputs(*s);
        io::write_file_atomic(s->output, io::rfm_customers(inputs, options, format_of(s->format)));
      });
}

}  // namespace crm::cli
