// The cost section of a report: spend from costs tables by category and period, combined with
// the customers and revenue already in the report (CAC, CRC, ROI, ROAS, payback, LTV:CAC), and
// retention actions (success rate, cost per retained customer).

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <string>

#include <fmt/format.h>

#include "crm/cost.hpp"

#include "report_tables.hpp"

namespace crm::io::detail {
namespace {

enum class spend_kind : std::uint8_t { acquisition, marketing, sales, retention, service, other };

std::string lower(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t;
}

bool has_any(const std::string& text, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](const char* w) { return text.find(w) != std::string::npos; });
}

spend_kind kind_of(std::string_view category) {
  const std::string c = lower(category);
  if (has_any(c, {"acqui", "获客", "拉新", "cac"})) return spend_kind::acquisition;
  if (has_any(c, {"market", "advert", "ads", "营销", "广告", "推广"})) return spend_kind::marketing;
  if (has_any(c, {"sales", "销售"})) return spend_kind::sales;
  if (has_any(c, {"retent", "挽留", "留存", "维系"})) return spend_kind::retention;
  if (has_any(c, {"service", "support", "服务", "客服"})) return spend_kind::service;
  return spend_kind::other;
}

int number(std::string_view text) {
  int v = -1;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  return res.ec == std::errc{} && res.ptr == text.data() + text.size() ? v : -1;
}

/// First and last day of a period label: YYYY, YYYY-MM, YYYY-Qn, YYYY-Www, YYYY-MM-DD.
std::optional<std::pair<day_t, day_t>> period_days(std::string_view label) {
  if (const auto day = parse_iso_date(label)) return std::pair{*day, *day};
  if (label.size() < 4) return std::nullopt;
  const int year = number(label.substr(0, 4));
  if (year < 1) return std::nullopt;
  const std::string_view rest = label.substr(4);
  const auto span = [](std::int32_t index, period_kind k) {
    return std::pair{period_start(index, k), period_start(index + 1, k) - 1};
  };
  if (rest.empty()) return span(year, period_kind::year);
  if (rest.size() == 3 && rest[0] == '-' && (rest[1] == 'Q' || rest[1] == 'q')) {
    const int q = number(rest.substr(2));
    if (q >= 1 && q <= 4) return span(year * 4 + q - 1, period_kind::quarter);
  }
  if (rest.size() == 3 && rest[0] == '-') {
    const int m = number(rest.substr(1));
    if (m >= 1 && m <= 12) return span(year * 12 + m - 1, period_kind::month);
  }
  if (rest.size() == 4 && rest[0] == '-' && (rest[1] == 'W' || rest[1] == 'w')) {
    const int w = number(rest.substr(2));
    // ISO week w of `year`: the week holding January 4th, plus w − 1 weeks.
    const day_t jan4 = days_from_civil(year, 1, 4);
    const day_t monday = jan4 - static_cast<day_t>(iso_weekday(jan4) - 1) + (w - 1) * 7;
    if (w >= 1 && w <= 53) return std::pair{monday, monday + 6};
  }
  return std::nullopt;
}

/// Spend (1/10000 units) by report period and kind; `whole` over every period before as_of.
struct spend_table {
  std::map<std::int32_t, std::array<std::int64_t, 6>> by_period;
  std::array<std::int64_t, 6> whole{};
  std::map<std::string, std::array<std::int64_t, 6>> by_channel;  ///< whole range
  bool any = false;
};

void add_costs(const table& t, const section_context& ctx, spend_table& s,
               std::vector<std::string>& notes) {
  const column* period = t.find("period");
  const column* start = t.find("period_start");
  const column& category = *t.find("category");
  const column& amount = *t.find("amount");
  const column* channel = t.find("channel");
  std::size_t coarse = 0;
  std::size_t other = 0;
  for (std::uint32_t i = 0; i < t.rows; ++i) {
    if (amount.is_missing(i)) continue;
    std::optional<std::pair<day_t, day_t>> days;
    if (start != nullptr && start->integral() && !start->is_missing(i)) {
      const day_t first = day_of_seconds(start->int_at(i));
      const column* end = t.find("period_end");
      const bool has_end = end != nullptr && end->integral() && !end->is_missing(i);
      days = std::pair{first, has_end ? day_of_seconds(end->int_at(i)) : first};
    } else if (period != nullptr) {
      days = period_days(period->text(i));
    }
    if (!days) {
      throw input_error(
          "a cost period must read YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or YYYY-MM-DD",
          {t.source, t.line_of(i), period != nullptr ? period - t.columns.data() + 1 : 0,
           period != nullptr ? period->header : "period"},
          period != nullptr ? period->text(i) : "");
    }
    if (days->first >= ctx.as_of) continue;
    const spend_kind k = kind_of(category.text(i));
    if (k == spend_kind::other) ++other;
    const auto slot = static_cast<std::size_t>(k);
    s.whole[slot] += amount.int_at(i);
    s.any = true;
    if (channel != nullptr && !channel->is_missing(i))
      s.by_channel[channel->text(i)][slot] += amount.int_at(i);
    const std::int32_t p = period_index(days->first, ctx.options.period);
    if (p == period_index(days->second, ctx.options.period)) {
      s.by_period[p][slot] += amount.int_at(i);
    } else {
      ++coarse;
    }
  }
  if (coarse > 0) {
    notes.push_back(t.source + ": " + std::to_string(coarse) + " cost rows span more than one " +
                    std::string(to_string(ctx.options.period)) +
                    "; they count in the whole range only");
  }
  if (other > 0) {
    notes.push_back(t.source + ": " + std::to_string(other) +
                    " cost rows have a category that is not acquisition, marketing, sales, "
                    "retention or service; they enter no cost metric");
  }
}

/// The report's value of `id` for a period (nullopt = whole range), group-less, first variant.
const metric_result* find_metric(const report& r, std::string_view id,
                                 const std::optional<std::string>& period) {
  for (const metric_result& m : r.metrics) {
    if (m.id == id && m.period == period && m.group.empty() && m.value) return &m;
  }
  return nullptr;
}

std::uint64_t count_of(const metric_result* m) {
  return m != nullptr ? static_cast<std::uint64_t>(*m->value) : 0;
}

std::int64_t e4(const metric_result* m) {
  return m != nullptr ? static_cast<std::int64_t>(std::llround(*m->value * 10000.0)) : 0;
}

std::int64_t acquisition(const std::array<std::int64_t, 6>& s) { return s[0] + s[1] + s[2]; }
std::int64_t marketing(const std::array<std::int64_t, 6>& s) { return s[0] + s[1]; }

/// CAC, CRC, ROI, ROAS for one period (or the whole range).
void emit_costs(const report& snapshot, const std::array<std::int64_t, 6>& spend,
                const std::optional<std::string>& period, const spend_table* prior,
                std::optional<std::int32_t> index, period_kind kind,
                std::optional<std::uint64_t> retained_by_actions, slice_emitter& e) {
  const metric_result* fresh = find_metric(snapshot, "new_customers", period);
  if (!period) {
    // The whole range: every customer is new once.
    fresh = find_metric(snapshot, "customers", period);
  }
  if (fresh == nullptr) {
    e.missing("cac", "currency", "needs new customers (an orders or customers table)");
  } else {
    e.put("cac", cac(acquisition(spend), count_of(fresh)), "currency", count_of(fresh),
          "acquisition + marketing + sales spend / new customers");
    if (prior != nullptr && index) {
      const auto it = prior->by_period.find(*index - 1);
      if (it != prior->by_period.end()) {
        e.put("cac", cac(acquisition(it->second), count_of(fresh)), "currency", count_of(fresh),
              "spend of the previous " + std::string(to_string(kind)) + " / new customers");
      }
    }
  }
  if (spend[3] > 0) {
    const metric_result* retained = find_metric(snapshot, "retained_customers", period);
    if (!period && retained_by_actions) {
      e.put("crc", crc(spend[3], *retained_by_actions), "currency", *retained_by_actions,
            "retention spend / customers retained by retention actions");
    } else if (retained != nullptr) {
      e.put("crc", crc(spend[3], count_of(retained)), "currency", count_of(retained),
            "retention spend / retained customers (active in this and the previous period)");
    }
  }
  const metric_result* revenue = find_metric(snapshot, "revenue", period);
  if (revenue == nullptr) {
    e.missing("marketing_roi", "ratio", "needs revenue (an orders table with amounts)");
    e.missing("roas", "multiple", "needs revenue (an orders table with amounts)");
    return;
  }
  const char* variant = "all revenue in the period (no attribution data) / acquisition + marketing";
  e.put("marketing_roi", marketing_roi(e4(revenue), marketing(spend)), "ratio", count_of(fresh),
        variant);
  e.put("roas", roas(e4(revenue), marketing(spend)), "multiple", count_of(fresh), variant);
}

/// CAC payback and LTV:CAC over the whole range.
void add_unit_economics(const report& snapshot, const spend_table& spend,
                        const section_context& ctx, slice_emitter& e) {
  const metric_result* customers = find_metric(snapshot, "customers", std::nullopt);
  const metric_result* revenue = find_metric(snapshot, "revenue", std::nullopt);
  if (customers == nullptr || revenue == nullptr) {
    e.missing("cac_payback_months", "months", "needs revenue and customers (an orders table)");
    e.missing("ltv_cac_ratio", "multiple", "needs clv_simple and cac (orders with amounts, costs)");
    return;
  }
  const auto c = cac(acquisition(spend.whole), count_of(customers));
  // Monthly revenue per customer over the range: revenue / customers / months spanned.
  std::optional<double> monthly;
  const metric_result* span = find_metric(snapshot, "purchase_frequency_per_year", std::nullopt);
  const metric_result* freq = find_metric(snapshot, "purchase_frequency", std::nullopt);
  if (span != nullptr && freq != nullptr && *span->value > 0.0 && count_of(customers) > 0) {
    // Years spanned = (orders / customers) / (orders per customer per year).
    const double years = *freq->value / *span->value;
    const double per_customer = *revenue->value / static_cast<double>(count_of(customers));
    monthly = per_customer / (years * 12.0);
  }
  if (c && monthly) {
    e.put("cac_payback_months", cac_payback_months(*c, *monthly, ctx.options.gross_margin),
          "months", count_of(customers),
          fmt::format("CAC / (monthly revenue per customer {:.2f} × margin {:g})", *monthly,
                      ctx.options.gross_margin));
  } else {
    e.missing("cac_payback_months", "months", "needs CAC and revenue per customer");
  }
  const metric_result* clv = find_metric(snapshot, "clv_simple", std::nullopt);
  if (clv != nullptr && c) {
    e.put("ltv_cac_ratio", ltv_cac_ratio(*clv->value, *c), "multiple", count_of(customers),
          "clv_simple (" + clv->variant + ") / cac");
  } else {
    e.missing("ltv_cac_ratio", "multiple", "needs clv_simple and cac");
  }
}

/// CAC per channel: spend of a channel / customers acquired through it (customers.channel).
void add_channel_cac(const spend_table& spend, const section_context& ctx, report& r) {
  if (spend.by_channel.empty()) return;
  for (const read_result& in : ctx.inputs) {
    const table& t = in.data;
    const column* channel = t.find("channel");
    if (t.kind() != table_kind::customers || channel == nullptr) continue;
    const column* created = t.find("created_at");
    std::map<std::string, std::uint64_t> acquired;
    for (std::size_t i = 0; i < t.rows; ++i) {
      if (created != nullptr && created->integral() && !created->is_missing(i) &&
          day_of_seconds(created->int_at(i)) >= ctx.as_of) {
        continue;
      }
      ++acquired[channel->text(i)];
    }
    for (const auto& [name, s] : spend.by_channel) {
      const row_slice slice{std::nullopt, {{"channel", name}}, {}};
      slice_emitter e{r.metrics, slice};
      const auto it = acquired.find(name);
      const std::uint64_t n = it == acquired.end() ? 0 : it->second;
      e.put("cac", cac(acquisition(s), n), "currency", n,
            "channel spend / customers acquired through it (" + t.source + ")");
    }
    return;
  }
}

retention_outcome outcome_of(std::string_view text, bool& unknown) {
  const std::string t = lower(text);
  if (t.empty()) return retention_outcome::pending;
  if (has_any(t, {"not retained", "unretained", "lost", "churn", "fail", "cancel", "失败", "流失",
                  "未挽留"})) {
    return retention_outcome::lost;
  }
  if (has_any(t, {"retain", "saved", "success", "won", "挽留成功", "成功", "已挽留"})) {
    return retention_outcome::retained;
  }
  if (has_any(t, {"pending", "open", "progress", "跟进", "处理中"})) {
    return retention_outcome::pending;
  }
  unknown = true;
  return retention_outcome::pending;
}

void add_retention_actions(const table& t, const section_context& ctx, report& r) {
  const column* outcome = t.find("outcome");
  const column* cost = t.find("cost");
  std::vector<retention_outcome> outcomes(t.rows, retention_outcome::pending);
  std::size_t unknown = 0;
  if (outcome != nullptr) {
    for (std::size_t i = 0; i < t.rows; ++i) {
      bool odd = false;
      outcomes[i] = outcome_of(outcome->text(i), odd);
      unknown += odd ? 1 : 0;
    }
  }
  if (unknown > 0) {
    r.notes.push_back(t.source + ": " + std::to_string(unknown) +
                      " retention outcomes are neither retained nor lost; counted as pending");
  }
  for (const row_slice& s : slices_of(t, t.find("entered_at"), ctx, r.notes)) {
    slice_emitter e{r.metrics, s};
    if (outcome == nullptr) {
      e.missing("retention_success_rate", "ratio", "needs retention_actions.outcome");
      e.missing("retention_cost", "currency", "needs retention_actions.outcome");
      continue;
    }
    const std::vector<retention_outcome> o = gather(outcomes, s.rows);
    std::vector<std::int64_t> c;
    if (cost != nullptr && cost->integral()) c = gather_ints(*cost, s.rows);
    const retention_result res = on_rows(t, "cost", s, [&] { return retention_actions({o, c}); });
    e.put("retention_success_rate", res.success.value(), "ratio", res.success.n,
          "retained / customers entered (pending " + std::to_string(res.pending) + ")",
          res.success.wilson());
    if (!res.has_cost) {
      e.missing("retention_cost", "currency", "needs retention_actions.cost");
    } else {
      e.put("retention_cost", res.cost_per_retained(), "currency", res.success.hits,
            "action cost / retained customers");
    }
  }
}

/// Customers retained by the retention actions dated before as_of; nullopt without actions.
std::optional<std::uint64_t> retained_by(std::span<const table* const> actions,
                                         const section_context& ctx) {
  if (actions.empty()) return std::nullopt;
  std::uint64_t retained = 0;
  for (const table* t : actions) {
    const column* outcome = t->find("outcome");
    const column* at = t->find("entered_at");
    if (outcome == nullptr) return std::nullopt;
    for (std::size_t i = 0; i < t->rows; ++i) {
      if (at != nullptr && !at->is_missing(i) && day_of_seconds(at->int_at(i)) >= ctx.as_of) {
        continue;
      }
      bool odd = false;
      retained += outcome_of(outcome->text(i), odd) == retention_outcome::retained ? 1U : 0U;
    }
  }
  return retained;
}

}  // namespace

void add_cost_section(std::span<const table* const> costs, std::span<const table* const> actions,
                      const section_context& ctx, report& r) {
  spend_table spend;
  for (const table* t : costs) add_costs(*t, ctx, spend, r.notes);
  if (spend.any) {
    report snapshot;
    snapshot.metrics = r.metrics;
    const row_slice whole{};
    slice_emitter e{r.metrics, whole};
    emit_costs(snapshot, spend.whole, std::nullopt, nullptr, std::nullopt, ctx.options.period,
               retained_by(actions, ctx), e);
    add_unit_economics(snapshot, spend, ctx, e);
    for (const auto& [index, s] : spend.by_period) {
      const row_slice slice{period_label(index, ctx.options.period), {}, {}};
      slice_emitter pe{r.metrics, slice};
      emit_costs(snapshot, s, slice.period, &spend, index, ctx.options.period, std::nullopt, pe);
    }
    add_channel_cac(spend, ctx, r);
  }
  for (const table* t : actions) add_retention_actions(*t, ctx, r);
}

}  // namespace crm::io::detail
