// Value kernels over a customer_summary (docs/metrics.md "Orders and value").

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "crm/error.hpp"
#include "crm/value.hpp"

namespace crm {
namespace {

constexpr double days_per_year = 365.25;

std::optional<double> ratio(double num, std::uint64_t den) noexcept {
  if (den == 0) return std::nullopt;
  return num / static_cast<double>(den);
}

void require_fraction(double v, const char* name) {
  if (!(v >= 0.0 && v <= 1.0)) {
    throw invalid_input(std::string(name) + " must be within 0..1",
                        {"clv_simple", name, -1, std::to_string(v)});
  }
}

}  // namespace

order_totals totals(const customer_summary& summary) noexcept {
  order_totals t;
  t.customers = summary.customers_with_orders();
  t.orders = summary.total_orders();
  t.revenue_e4 = summary.total_spend();
  t.first_day = summary.min_day();
  t.last_day = summary.max_day();
  return t;
}

std::optional<double> aov(const order_totals& t) noexcept {
  return ratio(money_from_e4(t.revenue_e4), t.orders);
}

std::optional<double> purchase_frequency(const order_totals& t) noexcept {
  return ratio(static_cast<double>(t.orders), t.customers);
}

std::optional<double> arpu(const order_totals& t) noexcept {
  return ratio(money_from_e4(t.revenue_e4), t.customers);
}

std::optional<double> repeat_purchase_rate(const customer_summary& summary) noexcept {
  std::uint64_t buyers = 0;
  std::uint64_t repeaters = 0;
  for (const std::uint32_t k : summary.orders()) {
    if (k > 0) ++buyers;
    if (k > 1) ++repeaters;
  }
  return ratio(static_cast<double>(repeaters), buyers);
}

std::optional<double> repeat_purchase_rate_within(const orders_view& orders,
                                                  const customer_summary& summary,
                                                  std::uint32_t days) {
  validate(orders, "repeat_purchase_rate_within");
  if (orders.customer_count != summary.customer_count()) {
    throw invalid_input("orders and summary have different customer_count",
                        {"repeat_purchase_rate_within", "customer_count", -1,
                         std::to_string(orders.customer_count)});
  }
  const std::span<const day_t> first = summary.first_day();
  std::vector<std::uint8_t> early(summary.customer_count(), 0);  // orders within the window, max 2
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const std::uint32_t c = orders.customer[i];
    const std::int64_t since = std::int64_t{orders.day[i]} - first[c];
    if (since <= days && early[c] < 2) ++early[c];
  }
  std::uint64_t buyers = 0;
  std::uint64_t repeaters = 0;
  for (std::size_t c = 0; c < early.size(); ++c) {
    if (summary.orders()[c] > 0) ++buyers;
    if (early[c] >= 2) ++repeaters;
  }
  return ratio(static_cast<double>(repeaters), buyers);
}

std::optional<double> observed_lifespan_years(const customer_summary& summary) noexcept {
  std::int64_t span_days = 0;
  std::uint64_t buyers = 0;
  const auto first = summary.first_day();
  const auto last = summary.last_day();
  for (std::size_t c = 0; c < first.size(); ++c) {
    if (summary.orders()[c] == 0) continue;
    span_days += last[c] - first[c];
    ++buyers;
  }
  const auto mean_days = ratio(static_cast<double>(span_days), buyers);
  if (!mean_days) return std::nullopt;
  return *mean_days / days_per_year;
}

std::optional<double> clv_simple(const customer_summary& summary, const clv_options& options) {
  require_fraction(options.gross_margin, "gross_margin");
  if (options.annual_churn_rate) require_fraction(*options.annual_churn_rate, "annual_churn_rate");
  if (!(options.discount_rate > -1.0)) {
    throw invalid_input("discount_rate must be above -1",
                        {"clv_simple", "discount_rate", -1, std::to_string(options.discount_rate)});
  }
  const order_totals t = totals(summary);
  const auto value = aov(t);
  const auto frequency = purchase_frequency(t);
  if (!value || !frequency) return std::nullopt;
  const double span_years = (t.last_day - t.first_day + 1) / days_per_year;
  const double per_year = *frequency / span_years;
  const double annual_value = *value * per_year * options.gross_margin;
  switch (options.lifespan) {
    case clv_lifespan::observed_span: {
      const auto life = observed_lifespan_years(summary);
      if (!life) return std::nullopt;
      return annual_value * *life;
    }
    case clv_lifespan::churn:
      if (!options.annual_churn_rate || *options.annual_churn_rate <= 0.0) return std::nullopt;
      return annual_value / *options.annual_churn_rate;
    case clv_lifespan::discounted: {
      if (!options.annual_churn_rate) return std::nullopt;
      const double r = 1.0 - *options.annual_churn_rate;
      return annual_value * r / (1.0 + options.discount_rate - r);
    }
  }
  return std::nullopt;
}

std::optional<double> top_revenue_share(const customer_summary& summary, double top_share) {
  if (!(top_share > 0.0 && top_share <= 1.0)) {
    throw invalid_input("top_share must be within (0, 1]",
                        {"top_revenue_share", "top_share", -1, std::to_string(top_share)});
  }
  std::vector<std::int64_t> spend;
  spend.reserve(summary.customer_count());
  for (std::size_t c = 0; c < summary.customer_count(); ++c) {
    if (summary.orders()[c] > 0) spend.push_back(summary.spend()[c]);
  }
  const std::int64_t total = summary.total_spend();
  if (spend.empty() || total <= 0) return std::nullopt;
  const auto top =
      static_cast<std::size_t>(std::ceil(top_share * static_cast<double>(spend.size()) - 1e-9));
  const auto nth = spend.begin() + static_cast<std::ptrdiff_t>(top);
  std::nth_element(spend.begin(), nth - 1, spend.end(), std::greater<>());
  std::int64_t top_sum = 0;
  for (auto it = spend.begin(); it != nth; ++it) top_sum += *it;
  return static_cast<double>(top_sum) / static_cast<double>(total);
}

}  // namespace crm
