#include "crm/io/report.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "crm/error.hpp"
#include "crm/io/table.hpp"
#include "crm/orders.hpp"
#include "crm/value.hpp"
#include "crm/version.hpp"

#include "report_detail.hpp"
#include "report_labels.hpp"
#include "report_orders.hpp"

namespace crm::io {
namespace {

using detail::order_data;

/// The metric families a table kind feeds, for the "not computable" list.
struct family_need {
  std::string_view family;
  std::string_view needs;
};

constexpr family_need family_needs[] = {
    {"satisfaction",
     "needs a surveys table (surveys.score or csat); this version does not compute them yet"},
    {"loyalty", "needs a surveys table with an NPS score; this version does not compute them yet"},
    {"service", "needs a tickets table; this version does not compute them yet"},
    {"acquisition", "needs a leads table; this version does not compute them yet"},
    {"cost", "needs a costs table; this version does not compute them yet"},
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

/// Labels of the values of a dimension, sorted, with the rows of each.
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> groups_of(const table& t,
                                                                         const column& c,
                                                                         const order_data& o) {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> groups;
  std::vector<std::string> label_of_row(t.rows);
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < t.rows; ++i) label_of_row[i] = c.text(i);
  labels = label_of_row;
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

const column* dimension(const table& t, const std::string& name) {
  if (const column* c = t.find(name); c != nullptr) return c;
  if (const column* c = t.find_header(name); c != nullptr) return c;
  throw invalid_input("--by names no column of " + t.source +
                          " (give a header or a canonical name; `inspect` lists them)",
                      {t.source, name, -1, ""});
}

void add_orders_report(const read_result& in, const report_options& options, report& r) {
  const table& t = in.data;
  order_data all = detail::extract_orders(t);
  note_exclusions(all, t, r.notes);
  r.currency = currency_of(t);
  if (all.day.empty()) {
    throw invalid_input("the orders table has no usable order (see the notes on excluded rows)",
                        {t.source, "", -1, ""});
  }
  r.as_of = options.as_of.value_or(*std::max_element(all.day.begin(), all.day.end()) + 1);
  const order_data orders = before_as_of(std::move(all), r.as_of, r.notes);
  detail::order_section section{orders, options, r.as_of, t};
  const auto first_period_metric = static_cast<std::ptrdiff_t>(r.metrics.size());
  detail::add_periods(section, r);  // also sets section.annual_churn and section.activity
  const auto first_whole_metric = static_cast<std::ptrdiff_t>(r.metrics.size());
  detail::add_whole_range(section, {}, r.metrics);
  // The model lists whole-range metrics first, then the periods.
  std::rotate(r.metrics.begin() + first_period_metric, r.metrics.begin() + first_whole_metric,
              r.metrics.end());
  section.activity = nullptr;  // release the activity bitsets before RFM
  section.activity_store.reset();
  detail::add_rfm(section, r);
  for (const std::string& by : options.by) {
    const column& c = *dimension(t, by);
    for (auto& [label, keep] : groups_of(t, c, orders)) {
      const order_data part = orders.subset(keep);
      if (part.customer.empty()) continue;
      detail::order_section sub{part, options, r.as_of, t};
      detail::add_whole_range(sub, {{c.header, label}}, r.metrics);
    }
  }
}

void add_not_computable(report& r, bool has_orders) {
  if (!has_orders) {
    for (const detail::metric_info& m : detail::metric_catalog()) {
      if (m.family == "orders" || m.family == "retention" || m.family == "value") {
        r.metrics.push_back(metric_result::not_computable(
            std::string(m.id), "", "needs an orders table (customer id + order date)"));
      }
    }
  }
  for (const family_need& f : family_needs) {
    for (const detail::metric_info& m : detail::metric_catalog()) {
      if (m.family == f.family) {
        r.metrics.push_back(
            metric_result::not_computable(std::string(m.id), "", std::string(f.needs)));
      }
    }
  }
}

}  // namespace

report build_report(std::span<const read_result> inputs, const report_options& options) {
  report r;
  r.generator = std::string("crm-metrics ") + version_string;
  r.period = options.period;
  bool has_orders = false;
  for (const read_result& in : inputs) {
    r.inputs.push_back({in.data.source, std::string(to_string(in.data.kind())), in.report.rows_ok,
                        in.report.rows_rejected});
    if (in.data.kind() != table_kind::orders) {
      r.notes.push_back(in.data.source + ": a " + std::string(to_string(in.data.kind())) +
                        " table; its metrics are not computed by this version");
      continue;
    }
    if (has_orders) {
      r.notes.push_back(in.data.source +
                        ": a second orders table is not combined with the first; report it "
                        "separately");
      continue;
    }
    add_orders_report(in, options, r);
    has_orders = true;
  }
  if (!has_orders) r.as_of = options.as_of.value_or(0);
  add_not_computable(r, has_orders);
  return r;
}

}  // namespace crm::io
