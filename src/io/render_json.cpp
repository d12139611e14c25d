// The JSON and CSV renderers of a report (METRICS.md "JSON report shape"; docs/cli.md).

#include <string>

#include <nlohmann/json.hpp>

#include "crm/io/report.hpp"

#include "report_labels.hpp"
#include "report_render.hpp"

namespace crm::io::detail {
namespace {

using json = nlohmann::ordered_json;

json metric_json(const metric_result& m, std::string_view lang) {
  const metric_info info = metric_label(m.id);
  json j;
  j["id"] = m.id;
  j["label"] = std::string(lang == "zh" ? info.zh : info.en);
  j["value"] = m.value ? json(*m.value) : json(nullptr);
  j["unit"] = m.unit;
  j["n"] = m.n;
  j["ci"] = m.ci ? json::array({m.ci->low, m.ci->high}) : json(nullptr);
  j["period"] = m.period ? json(*m.period) : json(nullptr);
  if (m.group.empty()) {
    j["group"] = nullptr;
  } else {
    json g = json::object();
    for (const auto& [k, v] : m.group) g[k] = v;
    j["group"] = g;
  }
  j["variant"] = m.variant;
  j["status"] = std::string(to_string(m.status));
  j["reason"] = m.reason.empty() ? json(nullptr) : json(m.reason);
  if (m.period) {
    j["change"] = m.change
                      ? json{{"from", *m.previous_period},
                             {"absolute", *m.change},
                             {"relative", m.change_ratio ? json(*m.change_ratio) : json(nullptr)}}
                      : json(nullptr);
  }
  return j;
}

json cohorts_json(const report_cohorts& c) {
  json rows = json::array();
  for (const cohort_row& row : c.rows) {
    json r;
    r["cohort"] = period_label(row.cohort, c.period);
    r["size"] = row.size;
    json retention = json::array();
    for (std::size_t k = 0; k < row.active.size(); ++k) retention.push_back(row.retention(k));
    r["retention"] = retention;
    r["active"] = row.active;
    if (c.has_revenue) {
      json revenue = json::array();
      for (const std::int64_t v : row.revenue_e4) revenue.push_back(money_from_e4(v));
      r["revenue"] = revenue;
    }
    rows.push_back(std::move(r));
  }
  json j;
  j["period"] = std::string(to_string(c.period));
  j["rows"] = rows;
  return j;
}

json rfm_json(const report_rfm& f) {
  json j;
  j["as_of"] = format_date(f.as_of);
  j["preset"] = f.preset;
  j["mean"] = {{"recency_days", f.mean_recency_days},
               {"frequency", f.mean_frequency},
               {"monetary", f.mean_monetary}};
  json cells = json::array();
  std::uint64_t total = 0;
  for (const rfm_cell& c : f.cells) {
    cells.push_back({c.r, c.f, c.m, c.customers});
    total += c.customers;
  }
  j["cells"] = cells;
  json segments = json::array();
  for (const auto& [name, n] : f.segments) {
    segments.push_back(
        {{"name", name},
         {"customers", n},
         {"share", total > 0 ? static_cast<double>(n) / static_cast<double>(total) : 0.0}});
  }
  j["segments"] = segments;
  j["unmatched"] = f.unmatched;
  return j;
}

}  // namespace

json scorecard_json(const report_scorecard& c) {
  json kpis = json::array();
  for (const report_kpi& k : c.kpis) {
    json j;
    j["metric"] = k.spec.metric;
    j["weight"] = k.spec.weight;
    j["target"] = k.spec.target;
    j["direction"] = k.spec.direction == kpi_direction::lower_is_better ? "lower" : "higher";
    j["period"] = k.period ? json(*k.period) : json(nullptr);
    j["actual"] = k.result.actual ? json(*k.result.actual) : json(nullptr);
    j["achievement"] = k.result.achievement ? json(*k.result.achievement) : json(nullptr);
    j["status"] = to_string(k.result.status);
    j["reason"] = k.result.reason.empty() ? json(nullptr) : json(k.result.reason);
    kpis.push_back(std::move(j));
  }
  json j;
  j["score"] = c.score ? json(*c.score) : json(nullptr);
  j["status"] = to_string(c.worst);
  j["achievement_cap"] = c.achievement_cap;
  j["kpis"] = kpis;
  return j;
}

std::string render_json(const report& r, std::string_view lang) {
  json j;
  j["schema_version"] = 1;
  j["generator"] = r.generator;
  j["as_of"] = format_date(r.as_of);
  j["period"] = std::string(to_string(r.period));
  j["currency"] = r.currency.empty() ? json(nullptr) : json(r.currency);
  json inputs = json::array();
  for (const report_input& in : r.inputs) {
    inputs.push_back(
        {{"path", in.path}, {"table", in.table}, {"rows", in.rows}, {"rejected", in.rejected}});
  }
  j["inputs"] = inputs;
  json metrics = json::array();
  for (const metric_result& m : r.metrics) metrics.push_back(metric_json(m, lang));
  j["metrics"] = metrics;
  j["cohorts"] = r.cohorts ? cohorts_json(*r.cohorts) : json(nullptr);
  j["rfm"] = r.rfm ? rfm_json(*r.rfm) : json(nullptr);
  if (r.scorecard) j["scorecard"] = scorecard_json(*r.scorecard);
  j["notes"] = r.notes;
  return j.dump(1) + "\n";
}

std::string render_cohorts_json(const report& r) {
  json j;
  j["as_of"] = format_date(r.as_of);
  j["cohorts"] = r.cohorts ? cohorts_json(*r.cohorts) : json(nullptr);
  return j.dump(1) + "\n";
}

std::string csv_cell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
    cell.insert(0, 1, '\'');  // against formula injection in spreadsheets
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char ch : cell) {
    quoted += ch;
    if (ch == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string render_csv(const report& r, std::string_view lang) {
  std::string out = "id,label,period,group,value,unit,n,variant,status,reason\n";
  for (const metric_result& m : r.metrics) {
    const metric_info info = metric_label(m.id);
    std::string group;
    for (const auto& [k, v] : m.group) group += (group.empty() ? "" : ";") + k + "=" + v;
    out += m.id + "," + csv_cell(lang == "zh" ? info.zh : info.en) + "," +
           csv_cell(m.period.value_or("")) + "," + csv_cell(group) + "," +
           (m.value ? number_text(*m.value) : std::string()) + "," + csv_cell(m.unit) + "," +
           std::to_string(m.n) + "," + csv_cell(m.variant) + "," +
           std::string(to_string(m.status)) + "," + csv_cell(m.reason) + "\n";
  }
  return out;
}

}  // namespace crm::io::detail

namespace crm::io {

std::string render_report(const report& r, report_format format, std::string_view lang) {
  switch (format) {
    case report_format::json:
      return detail::render_json(r, lang);
    case report_format::csv:
      return detail::render_csv(r, lang);
    case report_format::markdown:
      return detail::render_text(r, lang, true);
    case report_format::text:
      break;
  }
  return detail::render_text(r, lang, false);
}

}  // namespace crm::io
