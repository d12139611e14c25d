// The order metrics of a report: each kernel's result turned into metric_result rows.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "crm/retention.hpp"
#include "crm/rfm.hpp"
#include "crm/value.hpp"

#include "report_detail.hpp"

namespace crm::io::detail {
namespace {

/// Appends a metric: ok with its value, or insufficient_data (never a fake 0).
struct emitter {
  std::vector<metric_result>& out;
  const group_t& group;
  std::optional<std::string> period;

  void put(const char* id, std::optional<double> value, const std::string& unit, std::int64_t n,
           std::string variant = {}, const char* empty_reason = "its base is empty") {
    metric_result m = value ? metric_result::ok(id, *value, unit, n)
                            : metric_result::insufficient(id, unit, n, empty_reason);
    m.period = period;
    m.group = group;
    m.variant = std::move(variant);
    out.push_back(std::move(m));
  }
  void missing(const char* id, const std::string& unit, const char* reason) {
    metric_result m = metric_result::not_computable(id, unit, reason);
    m.period = period;
    m.group = group;
    out.push_back(std::move(m));
  }
};

constexpr const char* money = "currency";  // the report's currency is named once, in the model

std::int64_t as_n(std::uint64_t v) { return static_cast<std::int64_t>(v); }

void add_value_metrics(order_section& s, emitter& e, const order_totals& t) {
  const auto n_cust = as_n(t.customers);
  if (s.orders.has_amount) {
    e.put("revenue", money_from_e4(t.revenue_e4), money, as_n(t.orders));
    e.put("aov", aov(t), money, as_n(t.orders));
    e.put("arpu", arpu(t), money, n_cust, "revenue per customer with an order in the range");
  } else {
    for (const char* id : {"revenue", "aov", "arpu", "clv_simple", "top20_revenue_share"}) {
      e.missing(id, money, "needs orders.amount");
    }
  }
  e.put("purchase_frequency", purchase_frequency(t), "orders per customer", n_cust);
  e.put("repeat_purchase_rate", repeat_purchase_rate(s.summary), "ratio", n_cust,
        "customers with >= 2 orders / customers");
  if (s.options.repeat_within_days > 0) {
    const std::uint32_t days = s.options.repeat_within_days;
    e.put("repeat_purchase_rate", repeat_purchase_rate_within(s.orders.view(), s.summary, days),
          "ratio", n_cust, "within " + std::to_string(days) + " days of the first order");
  }
  const auto lifespan = observed_lifespan_years(s.summary);
  e.put("customer_lifespan_years", lifespan, "years", n_cust, "observed mean span");
  e.put("purchase_frequency_per_year", purchase_frequency_per_year(t),
        "orders per customer per year", n_cust);
  if (!s.orders.has_amount) return;
  clv_options clv;
  clv.gross_margin = s.options.gross_margin;
  if (s.annual_churn && *s.annual_churn > 0.0) {
    clv.lifespan = clv_lifespan::churn;
    clv.annual_churn_rate = s.annual_churn;
    e.put("clv_simple", clv_simple(s.summary, clv), money, n_cust, "lifespan = 1 / annual churn");
  } else {
    e.missing("clv_simple", money, "needs an annual churn rate (at least one complete month)");
  }
  clv.lifespan = clv_lifespan::observed_span;
  clv.annual_churn_rate.reset();
  e.put("clv_simple", clv_simple(s.summary, clv), money, n_cust, "observed_span");
  e.put("top20_revenue_share", top_revenue_share(s.summary, 0.2), "ratio", n_cust);
}

/// 1 for rows whose status says refunded (refund, refunded, 已退款, 退款, 退货), else 0.
std::vector<std::uint8_t> refunded_flags(const column& status) {
  std::vector<std::uint8_t> is_refund(status.dictionary.size(), 0);
  for (std::uint32_t k = 0; k < status.dictionary.size(); ++k) {
    std::string text(status.dictionary[k]);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    is_refund[k] =
        (text.find("refund") != std::string::npos || text.find("退款") != std::string::npos ||
         text.find("退货") != std::string::npos)
            ? 1
            : 0;
  }
  std::vector<std::uint8_t> flag(status.codes.size(), 0);
  for (std::size_t i = 0; i < flag.size(); ++i) {
    flag[i] = status.codes[i] == missing_code ? 0 : is_refund[status.codes[i]];
  }
  return flag;
}

void add_refunds(order_section& s, emitter& e, const order_totals& t) {
  if (!s.orders.has_amount) {
    e.missing("refund_rate", "ratio", "needs orders.amount");
    return;
  }
  refund_result refunds;
  refunds.gross_sales_e4 = t.revenue_e4;
  refunds.refunded_e4 = s.orders.refunded_e4;
  refunds.orders = t.orders;
  refunds.refunded_orders = s.orders.refund_rows;
  std::string variant = "negative amounts as refunds";
  const column* amount = s.source.find("amount");
  const column* refunded = s.source.find("refunded_amount");
  const column* status = s.source.find("status");
  const bool has_refunded = refunded != nullptr && refunded->integral();
  const bool has_status = status != nullptr && status->storage == column_storage::dictionary;
  if ((has_refunded || has_status) && amount != nullptr && amount->integral() &&
      s.orders.refund_rows == 0) {
    const std::vector<std::uint8_t> flag =
        has_status ? refunded_flags(*status) : std::vector<std::uint8_t>{};
    std::vector<std::int64_t> amount_store;
    std::vector<std::int64_t> refunded_store;
    refunds = refunds_from_columns(
        amount->int64_values(amount_store),
        has_refunded ? refunded->int64_values(refunded_store) : std::span<const std::int64_t>{},
        flag);
    variant = has_refunded ? "refunded_amount column" : "status column (refunded in full)";
  }
  e.put("refund_rate", refunds.rate(), "ratio", as_n(refunds.orders), variant);
  e.put("net_revenue", money_from_e4(refunds.gross_sales_e4 - refunds.refunded_e4), money,
        as_n(refunds.orders), variant);
}

void add_cross_and_upsell(order_section& s, emitter& e) {
  const column* category = s.source.find("category");
  if (category == nullptr) category = s.source.find("product_category");
  if (category != nullptr && category->storage == column_storage::dictionary && e.group.empty()) {
    // Lines of the orders the report counts: usable (customer, date, amount), in the report's
    // range, and not a refund line.
    const column* amount = s.source.find("amount");
    const column* at = s.source.find("order_at");
    const std::vector<std::uint8_t>& usable = s.orders.usable_row;
    std::vector<std::uint32_t> customer;
    std::vector<std::uint32_t> codes;
    for (std::size_t i = 0; i < s.orders.row_customer.size(); ++i) {
      if (!usable.empty() && usable[i] == 0) continue;
      const bool refund = amount != nullptr && amount->integral() && amount->int_at(i) < 0;
      if (refund || day_of_seconds(at->int_at(i)) >= s.as_of) continue;
      customer.push_back(s.orders.row_customer[i]);
      codes.push_back(category->codes[i]);
    }
    cross_sell_counter counter(s.orders.customer_count);
    counter.update(customer, codes);
    e.put("cross_sell_rate", counter.rate(), "ratio", as_n(counter.customers()),
          "customers with >= 2 categories / customers");
  } else if (category == nullptr) {
    e.missing("cross_sell_rate", "ratio", "needs orders.category");
  }
  if (!s.orders.has_amount) {
    e.missing("upsell_rate", "ratio", "needs orders.amount");
    return;
  }
  upsell_result up;
  if (s.upsell) {
    up = *s.upsell;
  } else {  // a --by group: from its grouping
    upsell_counter counter(s.options.period, s.summary.min_day(), s.summary.max_day());
    counter.add(s.grouped, 0, s.grouped.customer_count());
    up = counter.result();
  }
  e.put("upsell_rate", up.rate(), "ratio", as_n(up.base),
        std::string("mean order value of the last active ") +
            std::string(to_string(s.options.period)) + " above the one before");
}

}  // namespace

void add_whole_range(order_section& s, const group_t& group, std::vector<metric_result>& out) {
  emitter e{out, group, std::nullopt};
  const order_totals t = totals(s.summary);
  e.put("customers", static_cast<double>(t.customers), "customers", as_n(t.customers));
  e.put("orders", static_cast<double>(t.orders), "orders", as_n(t.orders));
  add_value_metrics(s, e, t);
  if (group.empty()) add_refunds(s, e, t);
  add_cross_and_upsell(s, e);
  if (s.annual_churn) {
    e.put("churn_rate", s.annual_churn, "ratio", as_n(t.customers),
          "annual (last 12 complete months)");
    e.put("retention_rate", 1.0 - *s.annual_churn, "ratio", as_n(t.customers),
          "annual (last 12 complete months)");
  }
}

churn_options churn_options_of(const order_section& s, period_kind kind) {
  churn_options o;
  o.kind = kind;
  o.inactivity_days = s.options.inactivity_days;
  o.base = s.options.churn_denominator;
  o.include_new = s.options.churn_include_new;
  o.as_of = s.as_of;
  return o;
}

std::optional<double> annual_churn(std::span<const churn_row> monthly) {
  double kept = 1.0;
  int months = 0;
  for (auto it = monthly.rbegin(); it != monthly.rend() && months < 12; ++it) {
    if (it->partial || !it->retention_rate) continue;
    kept *= *it->retention_rate;
    ++months;
  }
  if (months == 0) return std::nullopt;
  return 1.0 - std::pow(kept, 12.0 / months);
}

}  // namespace crm::io::detail
