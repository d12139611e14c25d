// The config file: JSON read with nlohmann_json, every key checked against the documented
// schema (schema/crm-metrics.schema.json) with its path, and a suggestion for a misspelt key.

#include "crm/io/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "crm/error.hpp"
#include "crm/io/input_error.hpp"

#include "report_labels.hpp"

namespace crm::io {
namespace {

using json = nlohmann::json;

/// A JSON value with its key path, for messages.
struct node {
  const json& value;
  std::string path;
  std::string_view source;

  [[noreturn]] void fail(const std::string& why) const {
    throw invalid_input((path.empty() ? "(top)" : path) + ": " + why,
                        {std::string(source), "", -1, {}});
  }
  [[nodiscard]] node at(const std::string& key) const {
    return {value.at(key), path.empty() ? key : path + "." + key, source};
  }
  [[nodiscard]] node item(std::size_t i) const {
    return {value.at(i), path + "[" + std::to_string(i) + "]", source};
  }
  /// Checks that the object has only `keys`; returns the keys present.
  void only(const std::vector<std::string>& keys) const {
    if (!value.is_object()) fail("expected an object");
    for (const auto& [key, v] : value.items()) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      const std::string near = closest(key, keys);
      const std::string where = path.empty() ? key : path + "." + key;
      throw invalid_input(
          where + ": unknown key" + (near.empty() ? "" : "; did you mean '" + near + "'?"),
          {std::string(source), "", -1, {}});
    }
  }
  [[nodiscard]] bool has(const char* key) const { return value.contains(key); }
  [[nodiscard]] std::string text() const {
    if (!value.is_string()) fail("expected a string");
    return value.get<std::string>();
  }
  [[nodiscard]] double number() const {
    if (!value.is_number()) fail("expected a number");
    return value.get<double>();
  }
  [[nodiscard]] bool boolean() const {
    if (!value.is_boolean()) fail("expected true or false");
    return value.get<bool>();
  }
  [[nodiscard]] std::uint32_t count(std::uint32_t lo, std::uint32_t hi) const {
    if (!value.is_number_integer() || value.get<std::int64_t>() < lo ||
        value.get<std::int64_t>() > hi) {
      fail("expected a whole number " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    return static_cast<std::uint32_t>(value.get<std::int64_t>());
  }
  [[nodiscard]] std::string one_of(const std::vector<std::string>& allowed) const {
    const std::string v = text();
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return v;
    const std::string near = closest(v, allowed);
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail("'" + v + "' is not one of " + list +
         (near.empty() ? "" : "; did you mean '" + near + "'?"));
  }
  [[nodiscard]] std::pair<double, double> scale() const {
    if (value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number() &&
        value[0].get<double>() < value[1].get<double>()) {
      return {value[0].get<double>(), value[1].get<double>()};
    }
    fail("expected [min, max] with min < max");
  }
};

void read_churn(const node& n, report_options& r) {
  n.only({"inactivity_days", "denominator", "include_new"});
  if (n.has("inactivity_days")) r.inactivity_days = n.at("inactivity_days").count(1, 36500);
  if (n.has("denominator")) {
    const std::string d = n.at("denominator").one_of({"start", "start_plus_new", "average"});
    r.churn_denominator = d == "start"            ? churn_base::start
                          : d == "start_plus_new" ? churn_base::start_plus_new
                                                  : churn_base::average;
  }
  if (n.has("include_new")) r.churn_include_new = n.at("include_new").boolean();
}

void read_service(const node& n, report_options& r) {
  n.only({"business_hours", "work_days", "holidays"});
  if (n.has("business_hours")) {
    const node h = n.at("business_hours");
    const auto hours = parse_hours(h.text());
    if (!hours) h.fail("expected HH:MM-HH:MM, e.g. 09:00-18:00");
    r.business_hours = true;
    r.calendar.open_second = hours->first;
    r.calendar.close_second = hours->second;
  }
  if (n.has("work_days")) {
    const node w = n.at("work_days");
    const auto mask = parse_work_days(w.text());
    if (!mask) w.fail("expected ISO weekdays such as 1-5 or 1,2,3,4,5");
    r.calendar.working_days = *mask;
  }
  if (n.has("holidays")) {
    const node list = n.at("holidays");
    if (!list.value.is_array()) list.fail("expected a list of YYYY-MM-DD dates");
    for (std::size_t i = 0; i < list.value.size(); ++i) {
      const node d = list.item(i);
      const auto day = parse_iso_date(d.text());
      if (!day) d.fail("expected YYYY-MM-DD");
      r.calendar.holidays.push_back(*day);
    }
  }
  try {
    validate(r.calendar);
  } catch (const invalid_input& e) {
    n.fail(e.reason());
  }
}

void read_csat(const node& n, report_options& r) {
  n.only({"scale", "method", "satisfied_from"});
  if (n.has("scale")) r.csat_scale = n.at("scale").scale();
  if (n.has("method") && n.at("method").one_of({"top2box", "binary"}) == "binary") {
    r.csat_scale = {0.0, 1.0};
    r.csat_satisfied_from = 1.0;
  }
  if (n.has("satisfied_from")) r.csat_satisfied_from = n.at("satisfied_from").number();
}

void read_csi(const node& n, report_options& r) {
  n.only({"scale", "weights"});
  if (n.has("scale")) r.csi_scale = n.at("scale").scale();
  if (!n.has("weights")) return;
  const node w = n.at("weights");
  if (!w.value.is_object()) w.fail("expected an object of item -> weight");
  for (const auto& [item, v] : w.value.items()) {
    const double weight = w.at(item).number();
    if (!(weight > 0.0)) w.at(item).fail("expected a weight > 0");
    r.csi_weights.emplace_back(item, weight);
  }
}

std::vector<double> thresholds(const node& n) {
  if (!n.value.is_array() || n.value.empty()) n.fail("expected a list of ascending thresholds");
  std::vector<double> out;
  for (std::size_t i = 0; i < n.value.size(); ++i) {
    out.push_back(n.item(i).number());
    if (i > 0 && !(out[i] > out[i - 1])) n.item(i).fail("thresholds must ascend");
  }
  return out;
}

void read_cuts(const node& n, report_options& r) {
  n.only({"recency", "frequency", "monetary"});
  if (n.has("recency")) r.rfm_recency_cuts = rfm_cuts{thresholds(n.at("recency"))};
  if (n.has("frequency")) r.rfm_frequency_cuts = rfm_cuts{thresholds(n.at("frequency"))};
  if (n.has("monetary")) r.rfm_monetary_cuts = rfm_cuts{thresholds(n.at("monetary"))};
}

void read_metrics(const node& n, report_options& r) {
  n.only({"churn", "repeat_within_days", "margin", "csat", "ces", "csi", "survey_type", "rfm",
          "service", "funnel_stages"});
  if (n.has("churn")) read_churn(n.at("churn"), r);
  if (n.has("repeat_within_days"))
    r.repeat_within_days = n.at("repeat_within_days").count(1, 36500);
  if (n.has("margin")) {
    const node m = n.at("margin");
    r.gross_margin = m.number();
    if (!(r.gross_margin >= 0.0 && r.gross_margin <= 1.0)) m.fail("expected a fraction 0..1");
  }
  if (n.has("csat")) read_csat(n.at("csat"), r);
  if (n.has("csi")) read_csi(n.at("csi"), r);
  if (n.has("ces")) {
    const node c = n.at("ces");
    c.only({"scale", "easy_end"});
    if (c.has("scale")) r.ces_scale = c.at("scale").scale();
    if (c.has("easy_end"))
      r.ces_higher_is_easier = c.at("easy_end").one_of({"high", "low"}) == "high";
  }
  if (n.has("survey_type")) r.survey_type = n.at("survey_type").one_of({"nps", "csat", "ces"});
  if (n.has("rfm")) {
    const node f = n.at("rfm");
    f.only({"monetary", "segments", "cuts"});
    if (f.has("monetary")) {
      r.rfm_m = f.at("monetary").one_of({"mean", "total"}) == "total" ? rfm_monetary::total
                                                                      : rfm_monetary::mean;
    }
    if (f.has("segments")) r.rfm_segments = f.at("segments").one_of({"default", "rfm"});
    if (f.has("cuts")) read_cuts(f.at("cuts"), r);
  }
  if (n.has("service")) read_service(n.at("service"), r);
  if (n.has("funnel_stages")) {
    const node list = n.at("funnel_stages");
    if (!list.value.is_array()) list.fail("expected a list of stage names");
    for (std::size_t i = 0; i < list.value.size(); ++i) {
      r.funnel_stages.push_back(list.item(i).text());
    }
  }
}

std::vector<std::string> metric_ids() {
  std::vector<std::string> ids;
  for (const detail::metric_info& m : detail::metric_catalog()) ids.emplace_back(m.id);
  return ids;
}

kpi read_kpi(const node& n, bool& on_last_period) {
  n.only({"metric", "weight", "target", "direction", "warn", "alert", "relative", "consecutive",
          "max_change", "on"});
  kpi k;
  if (!n.has("metric")) n.fail("a KPI needs \"metric\"");
  if (!n.has("target")) n.fail("a KPI needs \"target\"");
  k.metric = n.at("metric").one_of(metric_ids());
  k.target = n.at("target").number();
  if (n.has("weight")) {
    k.weight = n.at("weight").number();
    if (!(k.weight > 0.0)) n.at("weight").fail("expected a weight > 0");
  }
  if (n.has("direction")) {
    k.direction = n.at("direction").one_of({"higher", "lower"}) == "lower"
                      ? kpi_direction::lower_is_better
                      : kpi_direction::higher_is_better;
  }
  if (n.has("warn")) k.warn = n.at("warn").number();
  if (n.has("alert")) k.alert = n.at("alert").number();
  if (n.has("relative")) k.relative = n.at("relative").boolean();
  if (n.has("consecutive")) k.consecutive = n.at("consecutive").count(1, 1000);
  if (n.has("max_change")) k.max_change = n.at("max_change").number();
  on_last_period = n.has("on") && n.at("on").one_of({"range", "last_period"}) == "last_period";
  return k;
}

void read_scorecard(const node& n, config& c) {
  n.only({"achievement_cap", "kpis"});
  if (n.has("achievement_cap")) {
    c.scorecard.achievement_cap = n.at("achievement_cap").number();
    if (!(c.scorecard.achievement_cap > 0.0)) n.at("achievement_cap").fail("expected a cap > 0");
  }
  if (!n.has("kpis")) return;
  const node list = n.at("kpis");
  if (!list.value.is_array()) list.fail("expected a list of KPIs");
  for (std::size_t i = 0; i < list.value.size(); ++i) {
    bool last = false;
    c.kpis.push_back(read_kpi(list.item(i), last));
    c.kpi_on_last_period.push_back(last ? 1 : 0);
  }
}

void read_top(const node& top, config& c) {
  top.only({"$schema", "as_of", "period", "tz", "currency", "map", "metrics", "scorecard"});
  if (top.has("as_of")) {
    const node a = top.at("as_of");
    const auto day = parse_iso_date(a.text());
    if (!day) a.fail("expected YYYY-MM-DD");
    c.report.as_of = *day;
  }
  if (top.has("period")) {
    c.report.period =
        *parse_period_kind(top.at("period").one_of({"day", "week", "month", "quarter", "year"}));
  }
  if (top.has("tz")) c.tz = top.at("tz").text();
  if (top.has("currency")) c.currency = top.at("currency").text();
  if (top.has("map")) {
    const node m = top.at("map");
    if (!m.value.is_object()) m.fail("expected an object of canonical column -> header");
    for (const auto& [key, v] : m.value.items()) c.map.emplace_back(key, m.at(key).text());
  }
  if (top.has("metrics")) read_metrics(top.at("metrics"), c.report);
  if (top.has("scorecard")) read_scorecard(top.at("scorecard"), c);
}

}  // namespace

std::optional<std::pair<double, double>> parse_scale(std::string_view text) {
  const std::size_t dash = text.find('-', 1);
  if (dash == std::string_view::npos) return std::nullopt;
  double lo = 0.0;
  double hi = 0.0;
  const auto a = std::from_chars(text.data(), text.data() + dash, lo);
  const auto b = std::from_chars(text.data() + dash + 1, text.data() + text.size(), hi);
  if (a.ec != std::errc{} || a.ptr != text.data() + dash || b.ec != std::errc{} ||
      b.ptr != text.data() + text.size() || !(lo < hi)) {
    return std::nullopt;
  }
  return std::pair{lo, hi};
}

namespace {

std::optional<std::int32_t> clock_of(std::string_view t) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (t.size() != 5 || t[2] != ':' || !digit(t[0]) || !digit(t[1]) || !digit(t[3]) ||
      !digit(t[4])) {
    return std::nullopt;
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (m >= 60 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 3600 + m * 60;
}

}  // namespace

std::optional<std::pair<std::int32_t, std::int32_t>> parse_hours(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto open = clock_of(text.substr(0, dash));
  const auto close = clock_of(text.substr(dash + 1));
  if (!open || !close) return std::nullopt;
  return std::pair{*open, *close};
}

std::optional<std::uint8_t> parse_work_days(std::string_view text) {
  unsigned mask = 0;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find(',', at), text.size());
    const std::string_view part = text.substr(at, end - at);
    const std::size_t d = part.find('-');
    const auto day = [](std::string_view t) -> int {
      return t.size() == 1 && t[0] >= '1' && t[0] <= '7' ? t[0] - '0' : 0;
    };
    const int lo = day(d == std::string_view::npos ? part : part.substr(0, d));
    const int hi = d == std::string_view::npos ? lo : day(part.substr(d + 1));
    if (lo == 0 || hi == 0 || hi < lo) return std::nullopt;
    for (int w = lo; w <= hi; ++w) mask |= 1U << (w - 1);
    at = end + 1;
  }
  return static_cast<std::uint8_t>(mask);
}

std::string closest(std::string_view key, const std::vector<std::string>& valid) {
  std::string best;
  std::size_t best_distance = key.size() / 3 + 1;
  for (const std::string& v : valid) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(v.size() + 1);
    for (std::size_t j = 0; j <= v.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= key.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= v.size(); ++j) {
        const std::size_t up = row[j];
        row[j] =
            std::min({row[j] + 1, row[j - 1] + 1, diagonal + (key[i - 1] == v[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    // A key cut short or run on ("inactivity" for "inactivity_days") is close too.
    const bool prefix = key.size() >= 4 && (std::string_view(v).starts_with(key) ||
                                            key.starts_with(std::string_view(v)));
    if (prefix && row[v.size()] >= best_distance) row[v.size()] = best_distance - 1;
    if (row[v.size()] < best_distance) {
      best_distance = row[v.size()];
      best = v;
    }
  }
  return best;
}

config parse_config(std::string_view json_text, std::string_view source) {
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const json::parse_error& e) {
    throw invalid_input(std::string("not valid JSON (") + e.what() + ")",
                        {std::string(source), "", -1, {}});
  }
  config c;
  c.source = std::string(source);
  read_top(node{doc, "", source}, c);
  return c;
}

config load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw file_error("cannot open the config " + path, exit_code::no_input);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace crm::io
