// The text (aligned terminal tables) and Markdown renderers of a report.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crm/io/output.hpp"

#include "report_labels.hpp"
#include "report_render.hpp"

namespace crm::io::detail {

namespace {

/// Numbers, percentages and money are right-aligned; text is left-aligned.
bool looks_numeric(const std::string& cell) {
  if (cell.empty() || cell == "-") return true;
  const char first = cell[0];
  return (first >= '0' && first <= '9') || ((first == '-' || first == '+') && cell.size() > 1);
}

std::string table_line(const std::vector<std::string>& cells, const std::vector<std::size_t>& width,
                       bool markdown, bool header) {
  std::string out = markdown ? "|" : " ";
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const std::size_t w = display_width(cells[c]);
    const std::string pad(width[c] > w ? width[c] - w : 0, ' ');
    const bool right = c > 0 && !header && looks_numeric(cells[c]);
    if (markdown) {
      out += " " + cells[c] + " |";
    } else {
      out += " " + (right ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : ""));
    }
  }
  while (!markdown && !out.empty() && out.back() == ' ') out.pop_back();
  return out + "\n";
}

}  // namespace

std::string text_table::render(bool markdown) const {
  std::vector<std::size_t> width(header_.size(), 3);
  for (std::size_t c = 0; c < header_.size(); ++c) {
    width[c] = std::max(width[c], display_width(header_[c]));
    for (const auto& row : rows_) width[c] = std::max(width[c], display_width(row[c]));
  }
  std::string out = table_line(header_, width, markdown, true);
  if (markdown) {
    out += "|";
    for (std::size_t c = 0; c < width.size(); ++c) out += c == 0 ? " --- |" : " ---: |";
    out += "\n";
  }
  for (const auto& row : rows_) out += table_line(row, width, markdown, false);
  return out;
}

namespace {

std::string grouped(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

std::string with_commas(std::string digits) {
  // Thousands separators, independent of the machine's locale.
  const std::size_t point = std::min(digits.find('.'), digits.size());
  const std::size_t start = (!digits.empty() && digits[0] == '-') ? 1 : 0;
  for (std::size_t i = point; i > start + 3; i -= 3) digits.insert(i - 3, 1, ',');
  return digits;
}

bool is_count(const std::string& unit) {
  return unit == "customers" || unit == "orders" || unit == "tickets" || unit == "leads";
}

/// A value in its unit: rates as percentages, money with the currency, durations with theirs.
std::string value_text(const metric_result& m, const std::string& currency) {
  if (!m.value) return "-";
  const double v = *m.value;
  if (m.unit == "ratio") return fmt::format("{:.1f} %", v * 100.0);
  if (m.unit == "currency") {
    return with_commas(grouped(v, 2)) + (currency.empty() ? "" : " " + currency);
  }
  if (is_count(m.unit)) return with_commas(grouped(v, 0));
  if (m.unit == "multiple") return with_commas(grouped(v, 2)) + "x";
  if (m.unit == "minutes") return with_commas(grouped(v, 1)) + " min";
  if (m.unit == "hours") return with_commas(grouped(v, 2)) + " h";
  if (m.unit == "days" || m.unit == "months") return with_commas(grouped(v, 1)) + " " + m.unit;
  return with_commas(grouped(v, 2));
}

/// The value with its 95 % interval, e.g. `10.86 [9.52, 12.20]` or `39.0 % [37.5, 40.6]`.
std::string value_with_ci(const metric_result& m, const std::string& currency) {
  std::string out = value_text(m, currency);
  if (!m.ci || !m.value) return out;
  if (m.unit == "ratio") {
    return out + fmt::format(" [{:.1f}, {:.1f}]", m.ci->low * 100.0, m.ci->high * 100.0);
  }
  return out + fmt::format(" [{:.2f}, {:.2f}]", m.ci->low, m.ci->high);
}

std::string heading(std::string_view text, bool markdown) {
  return markdown ? "\n## " + std::string(text) + "\n\n" : "\n" + std::string(text) + "\n";
}

void whole_range(const report& r, std::string_view lang, bool md, std::string& out) {
  static constexpr std::string_view families[] = {
      "orders", "retention", "value", "satisfaction", "loyalty", "service", "acquisition", "cost"};
  std::map<std::string, int> seen;
  for (const metric_result& m : r.metrics) {
    if (!m.period && m.group.empty() && m.status != metric_status::not_computable) ++seen[m.id];
  }
  for (const std::string_view family : families) {
    text_table t({std::string(phrase("metric", lang)), std::string(phrase("value", lang)),
                  std::string(phrase("n", lang))});
    for (const metric_result& m : r.metrics) {
      const metric_info info = metric_label(m.id);
      if (m.period || !m.group.empty() || info.family != family ||
          m.status == metric_status::not_computable) {
        continue;
      }
      std::string label(lang == "zh" ? info.zh : info.en);
      if (!m.variant.empty() && (seen[m.id] > 1 || m.variant.size() <= 32)) {
        label += " (" + m.variant + ")";
      }
      t.add({label,
             m.status == metric_status::ok ? value_with_ci(m, r.currency)
                                           : std::string(phrase("insufficient data", lang)),
             with_commas(std::to_string(m.n))});
    }
    if (!t.empty()) out += heading(family_heading(family, lang), md) + t.render(md);
  }
}

/// One per-period table: its title (a family heading) and its columns.
struct period_columns {
  std::string_view family;
  std::initializer_list<std::string_view> ids;
  std::initializer_list<std::string_view> en;
  std::initializer_list<std::string_view> zh;
};

const period_columns period_tables[] = {
    {"orders",
     {"active_customers", "new_customers", "orders", "revenue", "aov", "retained_customers",
      "active_retention_rate", "churned_customers", "churn_rate"},
     {"active", "new", "orders", "revenue", "aov", "retained", "retention", "churned", "churn"},
     {"活跃", "新客", "订单", "销售额", "客单价", "留存", "留存率", "流失", "流失率"}},
    {"satisfaction",
     {"nps", "promoters_share", "detractors_share", "csat", "csat_mean", "ces", "csi"},
     {"nps", "promoters", "detractors", "csat", "csat mean", "ces", "csi"},
     {"NPS", "推荐者", "贬损者", "CSAT", "满意度均分", "CES", "CSI"}},
    {"service",
     {"tickets", "first_response_time_median", "resolution_time_median", "resolution_rate",
      "open_tickets", "complaint_rate", "service_satisfaction"},
     {"tickets", "first response", "resolution", "resolved", "open", "complaints", "satisfaction"},
     {"工单", "首次响应", "解决时长", "解决率", "未结", "投诉率", "满意度"}},
    {"acquisition",
     {"leads", "conversion_rate", "time_to_convert_median", "new_customer_growth",
      "customer_base_growth"},
     {"leads", "conversion", "days to convert", "new-customer growth", "base growth"},
     {"线索", "转化率", "转化天数", "新客增长", "客户增长"}},
    {"cost",
     {"cac", "crc", "marketing_roi", "roas", "retention_success_rate"},
     {"cac", "crc", "roi", "roas", "retention success"},
     {"CAC", "CRC", "ROI", "ROAS", "挽留成功率"}},
};

void period_table(const report& r, std::string_view lang, bool md, std::string& out) {
  // The first result of an id in a period wins (later ones are other variants).
  std::map<std::string, std::map<std::string, std::string>> cells;
  for (const metric_result& m : r.metrics) {
    if (m.period && m.group.empty() && m.status == metric_status::ok) {
      cells[*m.period].try_emplace(m.id, value_text(m, {}));
    }
  }
  for (const metric_result& m : r.metrics) {  // insufficient data shows as "-"
    if (m.period && m.group.empty()) cells[*m.period].try_emplace(m.id, "-");
  }
  for (const period_columns& spec : period_tables) {
    std::vector<std::string> header{std::string(phrase("period", lang))};
    for (const std::string_view h : lang == "zh" ? spec.zh : spec.en) header.emplace_back(h);
    text_table t(header);
    bool any = false;
    for (const auto& [period, row] : cells) {
      std::vector<std::string> line{period};
      bool has = false;
      for (const std::string_view id : spec.ids) {
        const auto it = row.find(std::string(id));
        has = has || it != row.end();
        line.push_back(it == row.end() ? "-" : it->second);
      }
      if (!has) continue;
      any = true;
      t.add(std::move(line));
    }
    if (!any) continue;
    const std::string title = spec.family == "orders"
                                  ? std::string(phrase("Per period", lang))
                                  : std::string(family_heading(spec.family, lang));
    out += heading(title + " (" + std::string(to_string(r.period)) + ")", md);
    out += t.render(md);
  }
}

/// The last period of each per-period metric against the period before (first variant, no group).
void trend_table(const report& r, std::string_view lang, bool md, std::string& out) {
  std::string last;
  for (const metric_result& m : r.metrics) {
    if (m.period && m.group.empty() && *m.period > last) last = *m.period;
  }
  if (last.empty()) return;
  const bool zh = lang == "zh";
  text_table t({std::string(phrase("metric", lang)), zh ? "上期" : "previous", last,
                zh ? "变化" : "change", zh ? "变化率" : "relative"});
  std::set<std::string> seen;
  for (const metric_result& m : r.metrics) {
    if (!m.period || *m.period != last || !m.group.empty() || !m.change) continue;
    if (!seen.insert(m.id).second) continue;
    const metric_info info = metric_label(m.id);
    metric_result before = m;
    before.value = *m.value - *m.change;
    metric_result delta = m;
    delta.value = m.change;
    std::string change = m.unit == "ratio" ? fmt::format("{:+.1f} pt", *m.change * 100.0)
                                           : value_text(delta, r.currency);
    if (*m.change > 0 && change[0] != '+') change = "+" + change;
    t.add({std::string(zh ? info.zh : info.en) + " (" + *m.previous_period + ")",
           value_text(before, r.currency), value_text(m, r.currency), change,
           m.change_ratio ? fmt::format("{:+.1f} %", *m.change_ratio * 100.0) : "-"});
  }
  if (t.empty()) return;
  out += heading(std::string(zh ? "趋势" : "Trend") + " (" + last +
                     (zh ? " 对比上期)" : " vs the period before)"),
                 md);
  out += t.render(md);
}

void cohort_table(const report& r, std::string_view lang, bool md, std::string& out) {
  if (!r.cohorts || r.cohorts->rows.empty()) return;
  constexpr std::size_t max_k = 12;
  std::size_t k_count = 0;
  for (const cohort_row& c : r.cohorts->rows) k_count = std::max(k_count, c.active.size());
  k_count = std::min(k_count, max_k + 1);
  std::vector<std::string> header{std::string(phrase("cohort", lang)),
                                  std::string(phrase("size", lang))};
  for (std::size_t k = 0; k < k_count; ++k) header.push_back("+" + std::to_string(k));
  text_table t(header);
  for (const cohort_row& c : r.cohorts->rows) {
    std::vector<std::string> line{period_label(c.cohort, r.cohorts->period),
                                  with_commas(std::to_string(c.size))};
    for (std::size_t k = 0; k < k_count; ++k) {
      line.push_back(k < c.active.size() ? fmt::format("{:.1f}", c.retention(k) * 100.0) : "");
    }
    t.add(std::move(line));
  }
  out += heading(std::string(phrase("Cohort retention", lang)) + " (% " +
                     std::string(to_string(r.cohorts->period)) + ")",
                 md);
  out += t.render(md);
}

void rfm_table(const report& r, std::string_view lang, bool md, std::string& out) {
  if (!r.rfm) return;
  std::uint64_t total = r.rfm->unmatched;
  for (const auto& s : r.rfm->segments) total += s.second;
  text_table t({std::string(phrase("segment", lang)), std::string(phrase("customers", lang)),
                std::string(phrase("share", lang))});
  for (const auto& [name, n] : r.rfm->segments) {
    t.add({name, with_commas(std::to_string(n)),
           fmt::format("{:.1f} %",
                       total ? 100.0 * static_cast<double>(n) / static_cast<double>(total) : 0.0)});
  }
  if (r.rfm->unmatched > 0) {
    t.add({std::string(phrase("unmatched", lang)), with_commas(std::to_string(r.rfm->unmatched)),
           ""});
  }
  out += heading(std::string(phrase("RFM segments", lang)) + " (" + r.rfm->preset + ")", md);
  out += t.render(md);
}

void group_tables(const report& r, std::string_view lang, bool md, std::string& out) {
  static constexpr std::string_view preferred[] = {"customers",
                                                   "orders",
                                                   "revenue",
                                                   "aov",
                                                   "repeat_purchase_rate",
                                                   "churn_rate",
                                                   "monthly_charges",
                                                   "tenure_months_mean",
                                                   "nps",
                                                   "csat",
                                                   "tickets",
                                                   "resolution_rate",
                                                   "first_response_time_median",
                                                   "leads",
                                                   "conversion_rate",
                                                   "cac",
                                                   "funnel_reached",
                                                   "funnel_step_conversion",
                                                   "funnel_conversion"};
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> by;
  std::map<std::string, std::set<std::string>> present;
  for (const metric_result& m : r.metrics) {
    if (m.group.empty() || m.period) continue;
    auto& slot = by[m.group[0].first][m.group[0].second];
    if (!slot.contains(m.id)) slot[m.id] = value_text(m, r.currency);
    if (m.status == metric_status::ok) present[m.group[0].first].insert(m.id);
  }
  for (const auto& [dim, groups] : by) {
    std::vector<std::string_view> ids;
    for (const std::string_view id : preferred) {
      if (present[dim].contains(std::string(id))) ids.push_back(id);
    }
    std::vector<std::string> header{dim};
    for (const std::string_view id : ids) {
      const metric_info info = metric_label(id);
      header.emplace_back(lang == "zh" ? info.zh : info.en);
    }
    text_table t(header);
    for (const auto& [value, cells] : groups) {
      std::vector<std::string> line{value};
      for (const std::string_view id : ids) {
        const auto it = cells.find(std::string(id));
        line.push_back(it == cells.end() ? "-" : it->second);
      }
      t.add(std::move(line));
    }
    out += heading((lang == "zh" ? "按 " : "By ") + dim, md) + t.render(md);
  }
}

void not_computed(const report& r, std::string_view lang, bool md, std::string& out) {
  // One line per reason, listing the metric ids that share it (in catalog order).
  std::vector<std::pair<std::string, std::string>> by_reason;
  std::set<std::string> listed;
  for (const metric_result& m : r.metrics) {
    if (m.status != metric_status::not_computable || m.period || !m.group.empty()) continue;
    if (!listed.insert(m.id).second) continue;
    const auto it = std::find_if(by_reason.begin(), by_reason.end(),
                                 [&](const auto& e) { return e.first == m.reason; });
    if (it == by_reason.end()) {
      by_reason.emplace_back(m.reason, m.id);
    } else {
      it->second += ", " + m.id;
    }
  }
  if (by_reason.empty()) return;
  out += heading(phrase("Not computed", lang), md);
  for (const auto& [reason, ids] : by_reason) {
    out += (md ? "- " : "  - ") + reason + ": " + ids + "\n";
  }
}

void scorecard_table(const report& r, std::string_view lang, bool md, std::string& out) {
  if (!r.scorecard) return;
  const bool zh = lang == "zh";
  text_table t({zh ? "KPI" : "KPI", zh ? "实际" : "actual", zh ? "目标" : "target",
                zh ? "达成率" : "achievement", zh ? "状态" : "status", zh ? "原因" : "reason"});
  for (const report_kpi& k : r.scorecard->kpis) {
    const metric_info info = metric_label(k.spec.metric);
    metric_result actual;
    actual.unit = k.unit;
    actual.value = k.result.actual;
    metric_result target;
    target.unit = k.unit;
    target.value = k.spec.target;
    t.add({std::string(zh ? info.zh : info.en) + (k.period ? " (" + *k.period + ")" : ""),
           value_text(actual, r.currency), value_text(target, r.currency),
           k.result.achievement ? fmt::format("{:.1f} %", *k.result.achievement * 100.0) : "-",
           to_string(k.result.status), k.result.reason.empty() ? "-" : k.result.reason});
  }
  const std::string score =
      r.scorecard->score ? fmt::format("{:.1f}", *r.scorecard->score) : std::string("-");
  out += heading(std::string(family_heading("scorecard", lang)) + " (" +
                     (zh ? "综合得分 " : "score ") + score + ", " + to_string(r.scorecard->worst) +
                     ")",
                 md);
  out += t.render(md);
}

}  // namespace

std::string number_text(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, res.ptr};
}

std::string render_text(const report& r, std::string_view lang, bool md) {
  std::string out = md ? "# " : "";
  out += std::string(phrase("crm-metrics report", lang)) + " · " +
         std::string(phrase("as of", lang)) + " " + format_date(r.as_of) + "\n";
  out += heading(phrase("Inputs", lang), md);
  text_table inputs(
      {"path", "table", std::string(phrase("rows", lang)), std::string(phrase("rejected", lang))});
  for (const report_input& in : r.inputs) {
    inputs.add({in.path, in.table, with_commas(std::to_string(in.rows)),
                with_commas(std::to_string(in.rejected))});
  }
  out += inputs.render(md);
  scorecard_table(r, lang, md, out);
  whole_range(r, lang, md, out);
  period_table(r, lang, md, out);
  trend_table(r, lang, md, out);
  cohort_table(r, lang, md, out);
  rfm_table(r, lang, md, out);
  group_tables(r, lang, md, out);
  not_computed(r, lang, md, out);
  if (!r.notes.empty()) {
    out += heading(phrase("Notes", lang), md);
    for (const std::string& n : r.notes) out += (md ? "- " : "  - ") + n + "\n";
  }
  return out;
}

}  // namespace crm::io::detail
