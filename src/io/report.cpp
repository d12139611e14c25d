#include "crm/io/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>

#include "crm/error.hpp"
#include "crm/io/table.hpp"
#include "crm/orders.hpp"
#include "crm/value.hpp"
#include "crm/version.hpp"

#include "report_detail.hpp"
#include "report_labels.hpp"
#include "report_orders.hpp"
#include "report_tables.hpp"

namespace crm::io {
namespace {

using detail::order_data;

/// The metric families a table kind feeds, for the "not computable" list.
struct family_need {
  std::string_view family;
  std::string_view needs;
};

constexpr family_need family_needs[] = {
    {"satisfaction", "needs a surveys table (csat, ces, q_ items) or tickets (is_complaint)"},
    {"loyalty", "needs a surveys table with NPS answers (0..10)"},
    {"service", "needs a tickets table (ticket_id, created_at)"},
    {"acquisition", "needs a leads table (lead_id, created_at) or orders over several periods"},
    {"cost", "needs a costs table (period, category, amount) or retention actions"},
    {"scorecard", "needs a KPI config (`check --config`)"},
};

/// The single currency of an orders table, or "" when it names none; two currencies are an
/// error (a report never sums two currencies).
std::string currency_of(const table& t) {
  const column* c = t.find("currency");
  if (c == nullptr || c->storage != column_storage::dictionary) return {};
  if (c->dictionary.size() > 1) {
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < c->dictionary.size(); ++i) {
      names.emplace_back(c->dictionary[i]);
    }
    std::sort(names.begin(), names.end());
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    throw invalid_input("the orders mix currencies (" + list +
                            "); a report never sums two currencies: split the file by currency",
                        {t.source, c->header, -1, ""});
  }
  return c->dictionary.size() == 1 ? std::string(c->dictionary[0]) : std::string();
}

/// Orders on or after the as-of date are outside the report: keep the others, and say so.
order_data before_as_of(order_data orders, day_t as_of, std::vector<std::string>& notes) {
  if (std::all_of(orders.day.begin(), orders.day.end(), [as_of](day_t d) { return d < as_of; })) {
    return orders;
  }
  std::size_t late = 0;
  order_data kept = orders.before(as_of, late);
  notes.push_back(std::to_string(late) + " orders on or after the as-of date " +
                  format_date(as_of) + " are left out");
  return kept;
}

void note_exclusions(const order_data& o, const table& t, std::vector<std::string>& notes) {
  const auto add = [&](std::size_t count, const char* what) {
    if (count > 0) {
      notes.push_back(t.source + ": " + std::to_string(count) + " rows " + what +
                      " are left out of every order metric");
    }
  };
  add(o.no_customer, "without a customer id");
  add(o.no_date, "without an order date");
  add(o.no_amount, "without an amount");
  if (o.lines_combined > 0) {
    notes.push_back(t.source + ": " + std::to_string(o.lines_combined) +
                    " lines were combined into orders by order id");
  }
  if (o.refund_rows > 0) {
    notes.push_back(t.source + ": " + std::to_string(o.refund_rows) +
                    " orders with a negative total are counted as refunds (refund_rate), not "
                    "as orders");
  }
  if (o.amount_source == "quantity × unit_price") {
    notes.push_back(t.source + ": order amounts computed as quantity × unit_price");
  }
}

/// The values of a dimension, sorted, with the orders of each.
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> groups_of(
    const std::vector<std::string>& label_of_row, const order_data& o) {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> groups;
  std::vector<std::string> labels = label_of_row;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  for (const std::string& label : labels) {
    std::vector<std::uint8_t> keep(o.customer.size());
    for (std::size_t k = 0; k < keep.size(); ++k) {
      keep[k] = label_of_row[o.row_of(k)] == label ? 1 : 0;
    }
    groups.emplace_back(label.empty() ? std::string("(blank)") : label, std::move(keep));
  }
  return groups;
}

/// Frees the columns of the orders table that nothing reads after the orders are extracted
/// (`owned` is that table, owned by the caller of build_report); columns `o` borrows stay.
void release_consumed_columns(table& owned, const report_options& options, const order_data& o) {
  const bool cross_sell =
      owned.find("category") != nullptr || owned.find("product_category") != nullptr;
  for (column& c : owned.columns) {
    const bool consumed =
        (c.canonical == "order_id" || (c.canonical == "order_at" && !cross_sell)) && !o.borrows(c);
    const bool grouped_by = std::any_of(
        options.by.begin(), options.by.end(),
        [&](const std::string& by) { return by == c.canonical || owned.find_header(by) == &c; });
    if (!consumed || grouped_by || !c.integral()) continue;
    std::vector<std::int64_t>().swap(c.ints);
    std::vector<std::int32_t>().swap(c.ints32);
  }
}

/// True when a metric of the report reads the orders in row order after they are grouped:
/// --by groups, --repeat-within, cross-sell (a category), refunds from refunded_amount or status.
bool rows_read_after_grouping(const table& t, const report_options& options) {
  return !options.by.empty() || options.repeat_within_days > 0 ||
         std::any_of(t.columns.begin(), t.columns.end(), [](const column& c) {
           return c.canonical == "category" || c.canonical == "product_category" ||
                  c.canonical == "refunded_amount" || c.canonical == "status";
         });
}

/// Frees the orders table's per-row customer codes, dates and amounts (the grouping holds the
/// orders now); the customer ids themselves stay.
void release_row_columns(table& owned) {
  for (column& c : owned.columns) {
    const bool key = &c == owned.customer_key();
    if (!key && c.canonical != "order_at" && c.canonical != "amount") continue;
    std::vector<std::uint32_t>().swap(c.codes);
    if (key) continue;
    std::vector<std::int64_t>().swap(c.ints);
    std::vector<std::int32_t>().swap(c.ints32);
  }
}

void add_orders_report(const read_result& in, std::span<const read_result> inputs,
                       const report_options& options, report& r, table* owned) {
  const table& t = in.data;
  order_data all = detail::extract_orders(t, true);
  note_exclusions(all, t, r.notes);
  detail::join_payments(all, t, inputs, r.notes);
  detail::join_persons(all, t, inputs, r.notes);
  if (owned != nullptr) release_consumed_columns(*owned, options, all);
  r.currency = currency_of(t);
  if (all.day.empty()) {
    throw invalid_input("the orders table has no usable order (see the notes on excluded rows)",
                        {t.source, "", -1, ""});
  }
  r.as_of = options.as_of.value_or(*std::max_element(all.day.begin(), all.day.end()) + 1);
  order_data orders = before_as_of(std::move(all), r.as_of, r.notes);
  // Once grouped, the orders are read in row order only by the metrics rows_read_after_grouping
  // names: otherwise their rows are freed before the summary is built.
  const bool release = owned != nullptr && !rows_read_after_grouping(t, options);
  detail::order_section section{orders, options, r.as_of, t, [&] {
                                  if (!release) return;
                                  orders.release_rows();
                                  release_row_columns(*owned);
                                }};
  const auto first_period_metric = static_cast<std::ptrdiff_t>(r.metrics.size());
  detail::add_periods(section, r);  // also sets section.annual_churn
  const auto first_whole_metric = static_cast<std::ptrdiff_t>(r.metrics.size());
  // RFM reads the summary and writes only r.rfm; the whole range runs beside it on a second
  // thread. RFM stays on this thread: its arrays reuse the heap memory add_periods freed here.
  detail::run_beside([&section, &r] { detail::add_whole_range(section, {}, r.metrics); },
                     [&section, &r] { detail::add_rfm(section, r); });
  // The model lists whole-range metrics first, then the periods.
  std::rotate(r.metrics.begin() + first_period_metric, r.metrics.begin() + first_whole_metric,
              r.metrics.end());
  for (const std::string& by : options.by) {
    std::string joined;
    const auto labels = detail::dimension_labels(t, by, inputs, &joined);
    if (!labels) continue;
    if (!joined.empty()) {
      r.notes.push_back(t.source + ": --by " + by + " joined by customer id from " + joined);
    }
    for (auto& [label, keep] : groups_of(*labels, orders)) {
      const order_data part = orders.subset(keep);
      if (part.customer.empty()) continue;
      detail::order_section sub{part, options, r.as_of, t};
      detail::add_whole_range(sub, {{by, label}}, r.metrics);
    }
  }
}

/// Every catalog metric with no whole-range result gets one not_computable entry saying what
/// it needs; not_computable entries of metrics computed elsewhere (another table, another
/// variant) are dropped.
void settle_not_computable(report& r, bool has_orders) {
  std::set<std::string> computed;
  for (const metric_result& m : r.metrics) {
    if (m.status != metric_status::not_computable) computed.insert(m.id);
  }
  std::set<std::string> listed;
  std::erase_if(r.metrics, [&](const metric_result& m) {
    return m.status == metric_status::not_computable &&
           (computed.contains(m.id) || !listed.insert(m.id).second);
  });
  for (const detail::metric_info& m : detail::metric_catalog()) {
    const std::string id(m.id);
    if (computed.contains(id) || listed.contains(id)) continue;
    std::string reason = has_orders ? "not defined for these orders"
                                    : "needs an orders table (customer id + order date)";
    for (const family_need& f : family_needs) {
      if (m.family == f.family) reason = std::string(f.needs);
    }
    if (id == "monthly_charges" || id == "tenure_months_mean") {
      reason = "needs a customer summary table (monthly_charges, tenure)";
    }
    r.metrics.push_back(metric_result::not_computable(id, "", reason));
  }
  // Whole range first, then periods, then groups (each in the order computed).
  const auto whole_end =
      std::stable_partition(r.metrics.begin(), r.metrics.end(),
                            [](const metric_result& m) { return !m.period && m.group.empty(); });
  std::stable_partition(whole_end, r.metrics.end(),
                        [](const metric_result& m) { return m.group.empty(); });
}

/// The main date column of a table (for the default as-of date without orders).
const column* event_time(const table& t) {
  for (const char* name : {"order_at", "responded_at", "created_at", "entered_at", "resolved_at",
                           "first_response_at"}) {
    const column* c = t.find(name);
    if (c != nullptr && c->integral()) return c;
  }
  return nullptr;
}

/// The day after the latest dated event of any input.
day_t default_as_of(std::span<const read_result> inputs) {
  std::int64_t latest = missing_int64;
  for (const read_result& in : inputs) {
    const column* c = event_time(in.data);
    if (c == nullptr) continue;
    for (std::size_t i = 0; i < c->size(); ++i) latest = std::max(latest, c->int_at(i));
  }
  return latest == missing_int64 ? 0 : day_of_seconds(latest) + 1;
}

bool is_conversion_source(const table& t) {
  return t.find("lead_id") != nullptr && t.find("converted_at") != nullptr;
}

/// --by must name a column of some input.
void check_by(std::span<const read_result> inputs, const report_options& options) {
  for (const std::string& by : options.by) {
    const bool found = std::any_of(inputs.begin(), inputs.end(), [&](const read_result& in) {
      return in.data.find(by) != nullptr || in.data.find_header(by) != nullptr;
    });
    if (!found) {
      throw invalid_input(
          "--by names no column of the inputs (give a header or a canonical name; `inspect` "
          "lists them)",
          {inputs.empty() ? std::string() : inputs.front().data.source, by, -1, ""});
    }
  }
}

void add_table_section(const table& t, const detail::section_context& ctx, report& r) {
  switch (t.kind()) {
    case table_kind::customers:
      detail::add_customer_section(t, ctx, r);
      break;
    case table_kind::customer_summary:
      detail::add_summary_section(t, ctx, r);
      break;
    case table_kind::surveys:
      detail::add_survey_section(t, ctx, r);
      break;
    case table_kind::tickets:
      detail::add_ticket_section(t, ctx, r);
      break;
    case table_kind::leads:
      detail::add_lead_section(t, ctx, r);
      break;
    case table_kind::unknown:
      if (!is_conversion_source(t)) {
        r.notes.push_back(t.source +
                          ": not recognised as any table kind; not used (`inspect` says what it "
                          "lacks)");
      }
      break;
    case table_kind::orders:
    case table_kind::costs:
    case table_kind::retention_actions:
    case table_kind::payments:
      break;
  }
}

/// Every per-period value gets its change from the previous period of the same id, variant and
/// group that has a value (issue 5: trends).
void add_trends(report& r) {
  std::map<std::tuple<std::string, std::string, detail::group_t>, std::vector<metric_result*>>
      series;
  for (metric_result& m : r.metrics) {
    if (m.period && m.value) series[{m.id, m.variant, m.group}].push_back(&m);
  }
  for (auto& [key, list] : series) {
    std::stable_sort(list.begin(), list.end(), [](const metric_result* a, const metric_result* b) {
      return *a->period < *b->period;
    });
    for (std::size_t i = 1; i < list.size(); ++i) {
      const double before = *list[i - 1]->value;
      list[i]->change = *list[i]->value - before;
      if (before != 0.0) list[i]->change_ratio = *list[i]->change / std::fabs(before);
      list[i]->previous_period = list[i - 1]->period;
    }
  }
}

/// build_report; `owned` is the orders input when the caller handed the inputs over.
report build(std::span<const read_result> inputs, const report_options& options,
             read_result* owned) {
  check_by(inputs, options);
  report r;
  r.generator = std::string("crm-metrics ") + version_string;
  r.period = options.period;
  const read_result* orders = nullptr;
  for (const read_result& in : inputs) {
    r.inputs.push_back({in.data.source, std::string(to_string(in.data.kind())), in.report.rows_ok,
                        in.report.rows_rejected});
    if (in.data.kind() != table_kind::orders) continue;
    if (orders != nullptr) {
      r.notes.push_back(in.data.source +
                        ": a second orders table is not combined with the first; report it "
                        "separately");
      continue;
    }
    orders = &in;
  }
  if (orders != nullptr) {
    add_orders_report(*orders, inputs, options, r, owned == orders ? &owned->data : nullptr);
  } else {
    r.as_of = options.as_of.value_or(default_as_of(inputs));
  }
  const detail::section_context ctx{inputs, options, r.as_of, orders != nullptr ? &r : nullptr};
  std::vector<const table*> costs;
  std::vector<const table*> actions;
  for (const read_result& in : inputs) {
    add_table_section(in.data, ctx, r);
    if (in.data.kind() == table_kind::costs) costs.push_back(&in.data);
    if (in.data.kind() == table_kind::retention_actions) actions.push_back(&in.data);
  }
  if (!costs.empty() || !actions.empty()) detail::add_cost_section(costs, actions, ctx, r);
  add_trends(r);
  settle_not_computable(r, orders != nullptr);
  return r;
}

}  // namespace

report build_report(std::span<const read_result> inputs, const report_options& options) {
  return build(inputs, options, nullptr);
}

report build_report(std::vector<read_result>&& inputs, const report_options& options) {
  std::vector<read_result> owned = std::move(inputs);
  // The first orders table is the one the report reads.
  const auto orders = std::find_if(owned.begin(), owned.end(), [](const read_result& in) {
    return in.data.kind() == table_kind::orders;
  });
  return build(owned, options, orders == owned.end() ? nullptr : &*orders);
}

}  // namespace crm::io
