// The customers section (acquisition and churn dates per customer) and the customer-summary
// section (one row per customer: the Telco churn sample, CRM account exports) of a report.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "crm/acquisition.hpp"
#include "crm/retention.hpp"

#include "report_tables.hpp"

namespace crm::io::detail {
namespace {

std::int64_t as_n(std::uint64_t v) { return static_cast<std::int64_t>(v); }

std::vector<day_t> days_of(const column* c, std::size_t rows) {
  std::vector<day_t> out(rows, no_day);
  if (c == nullptr || !c->integral()) return out;
  for (std::size_t i = 0; i < rows; ++i) {
    if (!c->is_missing(i)) out[i] = day_of_seconds(c->int_at(i));
  }
  return out;
}

bool churned_status(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word :
       {"churn", "cancel", "inactive", "lost", "closed", "流失", "注销", "停用"}) {
    if (t.find(word) != std::string::npos) return true;
  }
  return false;
}

metric_result in_period(metric_result m, std::int32_t period, period_kind kind,
                        std::string variant) {
  m.period = period_label(period, kind);
  m.variant = std::move(variant);
  return m;
}

metric_result ratio(const char* id, std::optional<double> v, std::uint64_t n) {
  return v ? metric_result::ok(id, *v, "ratio", as_n(n))
           : metric_result::insufficient(id, "ratio", as_n(n), "its base is empty");
}

/// Churn by created_at / churned_at: per period when there are no orders, else the whole-range
/// annual rate as a variant beside the orders' own.
void churn_from_dates(const table& t, const section_context& ctx, report& r) {
  const std::vector<day_t> created = days_of(t.find("created_at"), t.rows);
  const std::vector<day_t> churned = days_of(t.find("churned_at"), t.rows);
  if (std::all_of(created.begin(), created.end(), [](day_t d) { return d == no_day; })) return;
  churn_options o;
  o.kind = period_kind::month;
  o.base = ctx.options.churn_denominator;
  o.include_new = ctx.options.churn_include_new;
  o.as_of = ctx.as_of;
  std::vector<std::uint32_t> all(t.rows);
  for (std::uint32_t i = 0; i < t.rows; ++i) all[i] = i;
  const row_slice whole{std::nullopt, {}, all};
  const auto table_of = [&](period_kind kind) {
    o.kind = kind;
    return on_rows(t, "churned_at", whole, [&] { return churn_by_dates(created, churned, o); });
  };
  const std::vector<churn_row> monthly = table_of(period_kind::month);
  const std::string variant = "customers table created_at / churned_at";
  if (ctx.orders_report == nullptr) {
    const period_kind kind = ctx.options.period;
    const std::vector<churn_row> rows = kind == period_kind::month ? monthly : table_of(kind);
    for (const churn_row& c : rows) {
      const std::string v = variant + (c.partial ? ", partial period" : "");
      r.metrics.push_back(
          in_period(metric_result::ok("new_customers", static_cast<double>(c.new_customers),
                                      "customers", as_n(c.new_customers)),
                    c.period, kind, "created in the period"));
      r.metrics.push_back(
          in_period(metric_result::ok("churned_customers", static_cast<double>(c.lost), "customers",
                                      as_n(c.lost)),
                    c.period, kind, v));
      r.metrics.push_back(
          in_period(ratio("churn_rate", c.churn_rate, c.at_start), c.period, kind, v));
      r.metrics.push_back(
          in_period(ratio("retention_rate", c.retention_rate, c.at_start), c.period, kind, v));
      r.metrics.push_back(in_period(
          ratio("customer_base_growth",
                growth_rate(static_cast<double>(c.at_start), static_cast<double>(c.at_end)),
                c.at_start),
          c.period, kind, "customers at the end vs the start"));
    }
  }
  if (const auto annual = annual_churn(monthly)) {
    metric_result m = metric_result::ok("churn_rate", *annual, "ratio", as_n(t.rows));
    m.variant = "annual (last 12 complete months), " + variant;
    r.metrics.push_back(m);
    m = metric_result::ok("retention_rate", 1.0 - *annual, "ratio", as_n(t.rows));
    m.variant = "annual (last 12 complete months), " + variant;
    r.metrics.push_back(std::move(m));
  }
}

}  // namespace

void add_customer_section(const table& t, const section_context& ctx, report& r) {
  if (ctx.orders_report == nullptr) {
    metric_result m =
        metric_result::ok("customers", static_cast<double>(t.rows), "customers", as_n(t.rows));
    m.variant = "rows of the customers table";
    r.metrics.push_back(std::move(m));
  }
  const column* status = t.find("status");
  if (t.find("churned_at") == nullptr && status != nullptr &&
      status->storage == column_storage::dictionary) {
    std::uint64_t churned = 0;
    for (const std::uint32_t code : status->codes) {
      churned += code != missing_code && churned_status(status->dictionary[code]) ? 1U : 0U;
    }
    metric_result m = ratio("churn_rate", proportion{churned, t.rows}.value(), t.rows);
    m.variant = "share of customers whose status says churned (snapshot)";
    r.metrics.push_back(std::move(m));
  }
  churn_from_dates(t, ctx, r);
}

// --- customer summary ----------------------------------------------------------------------

namespace {

void emit_summary(const table& t, const row_slice& s, slice_emitter& e) {
  e.put("customers", static_cast<double>(s.rows.size()), "customers", s.rows.size(),
        "rows of the customer summary");
  if (const column* churned = t.find("churned");
      churned != nullptr && churned->storage == column_storage::boolean) {
    std::uint64_t yes = 0;
    std::uint64_t known = 0;
    for (const std::uint32_t r : s.rows) {
      yes += churned->bools[r] == 1 ? 1U : 0U;
      known += churned->bools[r] != missing_bool ? 1U : 0U;
    }
    const proportion p{yes, known};
    e.put("churn_rate", p.value(), "ratio", known, "churned flag, share of customers (snapshot)",
          p.wilson());
    const auto kept = p.value();
    e.put("retention_rate", kept ? std::optional<double>(1.0 - *kept) : std::nullopt, "ratio",
          known, "1 − churn (snapshot)");
  } else {
    e.missing("churn_rate", "ratio", "needs a churned column");
  }
  const auto money_sum = [&](const char* id, const char* canonical, const char* variant) {
    const column* c = t.find(canonical);
    if (c == nullptr || !c->integral()) return;
    std::int64_t sum = 0;
    std::uint64_t n = 0;
    for (const std::uint32_t r : s.rows) {
      if (c->is_missing(r)) continue;
      sum += c->int_at(r);
      ++n;
    }
    e.put(id, n > 0 ? std::optional<double>(money_from_e4(sum)) : std::nullopt, "currency", n,
          variant);
    if (std::string_view(id) == "revenue" && n > 0) {
      e.put("arpu", money_from_e4(sum) / static_cast<double>(n), "currency", n,
            "revenue per customer (customers with a revenue value)");
    }
  };
  money_sum("revenue", "revenue", "sum of the revenue column");
  money_sum("monthly_charges", "monthly_charges", "sum of the monthly charges");
  if (const column* tenure = t.find("tenure");
      tenure != nullptr && tenure->storage == column_storage::real) {
    double sum = 0.0;
    std::uint64_t n = 0;
    for (const std::uint32_t r : s.rows) {
      if (std::isnan(tenure->reals[r])) continue;
      sum += tenure->reals[r];
      ++n;
    }
    e.put("tenure_months_mean",
          n > 0 ? std::optional<double>(sum / static_cast<double>(n)) : std::nullopt, "months", n);
  }
}

}  // namespace

void add_summary_section(const table& t, const section_context& ctx, report& r) {
  for (const row_slice& s : slices_of(t, nullptr, ctx, r.notes)) {
    if (s.period) continue;
    slice_emitter e{r.metrics, s};
    emit_summary(t, s, e);
  }
  if (t.find("nps") != nullptr || t.find("csat") != nullptr) add_survey_section(t, ctx, r);
}

}  // namespace crm::io::detail
