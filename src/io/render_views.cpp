// The `cohorts` and `rfm` commands' outputs: one section of the report model, or per-customer
// rows.

#include <algorithm>
#include <numeric>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crm/error.hpp"
#include "crm/io/report.hpp"
#include "crm/orders.hpp"
#include "crm/rfm.hpp"

#include "report_orders.hpp"
#include "report_render.hpp"

namespace crm::io {
namespace {

using json = nlohmann::ordered_json;

std::string cohorts_csv(const report_cohorts& c) {
  std::string out = "cohort,k,period,size,active,retention";
  out += c.has_revenue ? ",revenue\n" : "\n";
  for (const cohort_row& row : c.rows) {
    for (std::size_t k = 0; k < row.active.size(); ++k) {
      out += period_label(row.cohort, c.period) + "," + std::to_string(k) + "," +
             period_label(row.cohort + static_cast<std::int32_t>(k), c.period) + "," +
             std::to_string(row.size) + "," + std::to_string(row.active[k]) + "," +
             detail::number_text(row.retention(k));
      if (c.has_revenue) out += "," + detail::number_text(money_from_e4(row.revenue_e4[k]));
      out += "\n";
    }
  }
  return out;
}

const read_result& orders_input(std::span<const read_result> inputs) {
  const auto it = std::find_if(inputs.begin(), inputs.end(), [](const read_result& r) {
    return r.data.kind() == table_kind::orders;
  });
  if (it == inputs.end()) {
    throw invalid_input(
        "no input is an orders table (customer id + order date); `inspect` shows "
        "what each input was recognised as",
        {inputs.empty() ? "" : inputs.front().data.source, "", -1, ""});
  }
  return *it;
}

}  // namespace

std::string render_cohorts(const report& r, report_format format, std::string_view lang) {
  if (!r.cohorts) return {};
  if (format == report_format::csv) return cohorts_csv(*r.cohorts);
  if (format == report_format::json) return detail::render_cohorts_json(r);
  report only;
  only.as_of = r.as_of;
  only.period = r.period;
  only.cohorts = r.cohorts;
  only.inputs = r.inputs;
  return detail::render_text(only, lang, format == report_format::markdown);
}

std::string render_scorecard(const report& r, report_format format, std::string_view lang) {
  if (!r.scorecard) return {};
  report only;
  only.generator = r.generator;
  only.as_of = r.as_of;
  only.period = r.period;
  only.currency = r.currency;
  only.inputs = r.inputs;
  only.scorecard = r.scorecard;
  for (const metric_result& m : r.metrics) {
    if (m.id == "kpi_score") only.metrics.push_back(m);
  }
  only.notes = r.notes;
  if (format == report_format::json) return render_report(only, format, lang);
  return detail::render_text(only, lang, format == report_format::markdown);
}

std::string rfm_customers(std::span<const read_result> inputs, const report_options& options,
                          report_format format) {
  const read_result& in = orders_input(inputs);
  detail::order_data orders = detail::extract_orders(in.data);
  if (options.as_of) {  // as in `report`: orders on or after the as-of date are left out
    std::size_t left_out = 0;
    orders = orders.before(*options.as_of, left_out);
  }
  customer_summary summary(orders.customer_count);
  summary.update(orders.view());
  rfm_options o;
  o.as_of = options.as_of.value_or(summary.max_day() + 1);
  o.monetary = options.rfm_m;
  o.recency_cuts = options.rfm_recency_cuts;
  o.frequency_cuts = options.rfm_frequency_cuts;
  o.monetary_cuts = options.rfm_monetary_cuts;
  const rfm_table t = rfm_scores(summary, o, orders.tie_rank);
  const std::vector<rfm_rule> rules =
      options.rfm_segments == "rfm" ? r_rfm_segments() : default_segments();
  const std::vector<std::int32_t> segment = assign_segments(t, rules);
  std::vector<std::size_t> order(t.customer.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (!orders.tie_rank.empty()) {
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return orders.tie_rank[t.customer[a]] < orders.tie_rank[t.customer[b]];
    });
  }
  const column& key = *in.data.customer_key();
  const auto seg_name = [&](std::size_t i) {
    return segment[i] < 0 ? std::string() : rules[static_cast<std::size_t>(segment[i])].name;
  };
  if (format == report_format::json) {
    json rows = json::array();
    for (const std::size_t i : order) {
      rows.push_back({{"customer_id", key.key_text(t.customer[i])},
                      {"recency_days", t.recency_days[i]},
                      {"frequency", t.frequency[i]},
                      {"monetary", t.monetary[i]},
                      {"r", t.r[i]},
                      {"f", t.f[i]},
                      {"m", t.m[i]},
                      {"segment", seg_name(i)}});
    }
    json j;
    j["as_of"] = format_date(o.as_of);
    j["customers"] = rows;
    return j.dump(1) + "\n";
  }
  std::string out = "customer_id,recency_days,frequency,monetary,r,f,m,segment\n";
  for (const std::size_t i : order) {
    out += detail::csv_cell(key.key_text(t.customer[i])) + "," + std::to_string(t.recency_days[i]) +
           "," + std::to_string(t.frequency[i]) + "," + detail::number_text(t.monetary[i]) + "," +
           std::to_string(t.r[i]) + "," + std::to_string(t.f[i]) + "," + std::to_string(t.m[i]) +
           "," + detail::csv_cell(seg_name(i)) + "\n";
  }
  return out;
}

}  // namespace crm::io
