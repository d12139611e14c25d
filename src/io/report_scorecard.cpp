// The scorecard of a report: each KPI's value and per-period series taken from the metrics, then
// judged by crm::evaluate_scorecard.

#include <algorithm>
#include <map>
#include <string>

#include "crm/io/report.hpp"
#include "crm/scorecard.hpp"

namespace crm::io {
namespace {

/// The per-period values of a metric (first variant of each period, no group), by period label
/// (labels sort in time order), and whether each period is partial.
std::map<std::string, const metric_result*> series_of(const report& r, const std::string& id) {
  std::map<std::string, const metric_result*> out;
  for (const metric_result& m : r.metrics) {
    if (m.id == id && m.period && m.group.empty()) out.try_emplace(*m.period, &m);
  }
  return out;
}

const metric_result* whole_of(const report& r, const std::string& id) {
  for (const metric_result& m : r.metrics) {
    if (m.id == id && !m.period && m.group.empty() && m.value) return &m;
  }
  return nullptr;
}

/// The last complete period: the as-of date's own period is partial unless as-of starts the next.
bool complete(const std::string& label, const report& r) {
  return label < period_label(period_index(r.as_of - 1, r.period), r.period) ||
         period_start(period_index(r.as_of, r.period), r.period) == r.as_of;
}

}  // namespace

void add_scorecard(report& r, std::span<const kpi> kpis,
                   std::span<const std::uint8_t> on_last_period, const scorecard_options& options) {
  std::vector<kpi_values> values;
  report_scorecard card;
  card.achievement_cap = options.achievement_cap;
  for (std::size_t i = 0; i < kpis.size(); ++i) {
    const kpi& k = kpis[i];
    kpi_values v;
    report_kpi rk{k, {}, {}, std::nullopt};
    for (const auto& [label, m] : series_of(r, k.metric)) {
      if (!complete(label, r)) continue;
      v.periods.push_back(m->value);
      rk.unit = m->unit;
      if (i < on_last_period.size() && on_last_period[i] != 0) {
        v.current = m->value;
        rk.period = label;
      }
    }
    if (i >= on_last_period.size() || on_last_period[i] == 0) {
      const metric_result* whole = whole_of(r, k.metric);
      if (whole != nullptr) {
        v.current = whole->value;
        rk.unit = whole->unit;
      }
    }
    values.push_back(std::move(v));
    card.kpis.push_back(std::move(rk));
  }
  const scorecard_result s = evaluate_scorecard(kpis, values, options);
  for (std::size_t i = 0; i < kpis.size(); ++i) card.kpis[i].result = s.kpis[i];
  card.score = s.score;
  card.worst = s.worst;
  metric_result score =
      s.score ? metric_result::ok("kpi_score", *s.score, "points",
                                  static_cast<std::int64_t>(kpis.size()))
              : metric_result::insufficient("kpi_score", "points", 0, "no KPI has a value");
  score.variant = "weighted achievement, capped at " +
                  std::to_string(static_cast<int>(options.achievement_cap * 100.0)) + " %";
  std::erase_if(r.metrics, [](const metric_result& m) { return m.id == "kpi_score"; });
  r.metrics.insert(r.metrics.begin(), std::move(score));
  r.scorecard = std::move(card);
}

}  // namespace crm::io
