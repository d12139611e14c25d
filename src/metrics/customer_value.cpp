// Value kernels over a customer_summary (docs/metrics.md "Orders and value"): totals, AOV,
// frequency, ARPU, repeat purchase rate, observed lifespan, simple CLV, revenue concentration.

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "crm/error.hpp"
#include "crm/value.hpp"

namespace crm {
namespace {

constexpr double days_per_year = 365.25;
/// Rows ahead whose per-customer state is prefetched (random customer order is cache-bound).
constexpr std::size_t prefetch_rows = 16;

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

void require_clv_options(const clv_options& o) {
  require_fraction(o.gross_margin, "gross_margin");
  if (o.annual_churn_rate) require_fraction(*o.annual_churn_rate, "annual_churn_rate");
  if (!(o.discount_rate > -1.0)) {
    throw invalid_input("discount_rate must be above -1",
                        {"clv_simple", "discount_rate", -1, std::to_string(o.discount_rate)});
  }
}

/// The expected-lifetime factor of a clv variant: observed years, 1 / churn, or the
/// discounted multiplier r / (1 + d − r). nullopt when it is undefined or infinite.
std::optional<double> lifetime_factor(const customer_summary& summary, const clv_options& o) {
  switch (o.lifespan) {
    case clv_lifespan::observed_span:
      return observed_lifespan_years(summary);
    case clv_lifespan::churn:
      if (!o.annual_churn_rate || *o.annual_churn_rate <= 0.0) return std::nullopt;
      return 1.0 / *o.annual_churn_rate;
    case clv_lifespan::discounted: {
      if (!o.annual_churn_rate) return std::nullopt;
      const double r = 1.0 - *o.annual_churn_rate;
      const double denominator = 1.0 + o.discount_rate - r;  // = d + churn
      if (!(denominator > 0.0)) return std::nullopt;         // the perpetuity diverges
      return r / denominator;
    }
  }
  return std::nullopt;
}

/// ceil(share × n) for 0 < share <= 1 and n >= 1, in 1..n. A product within 1e-12 (relative)
/// of an integer is that integer, so 0.2 × 15 gives 3 although the double product is a hair
/// above 3.
std::size_t top_count(double share, std::size_t n) noexcept {
  const double x = share * static_cast<double>(n);
  const double nearest = std::nearbyint(x);
  const double k = std::abs(x - nearest) <= 1e-12 * x ? nearest : std::ceil(x);
  return std::clamp(static_cast<std::size_t>(k), std::size_t{1}, n);
}

}  // namespace

order_totals totals(const customer_summary& summary) noexcept {
  order_totals t;
  t.customers = summary.customers_with_orders();
  t.orders = summary.total_orders();
  t.revenue_e4 = summary.total_spend();
  t.first_day = summary.min_day();
  t.last_day = summary.max_day();
  t.has_amount = summary.has_amount();
  return t;
}

std::optional<double> aov(const order_totals& t) noexcept {
  if (!t.has_amount) return std::nullopt;
  return ratio(money_from_e4(t.revenue_e4), t.orders);
}

std::optional<double> purchase_frequency(const order_totals& t) noexcept {
  return ratio(static_cast<double>(t.orders), t.customers);
}

std::optional<double> purchase_frequency_per_year(const order_totals& t) noexcept {
  const auto frequency = purchase_frequency(t);
  if (!frequency || t.first_day == no_day || t.last_day < t.first_day) return std::nullopt;
  const double span_years =
      static_cast<double>(std::int64_t{t.last_day} - t.first_day + 1) / days_per_year;
  return *frequency / span_years;
}

std::optional<double> arpu(const order_totals& t) noexcept {
  if (!t.has_amount) return std::nullopt;
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
  constexpr const char* fn = "repeat_purchase_rate_within";
  validate(orders, fn);
  if (orders.customer_count != summary.customer_count()) {
    throw invalid_input("orders and summary have different customer_count",
                        {fn, "customer_count", -1, std::to_string(orders.customer_count)});
  }
  const std::span<const day_t> first = summary.first_day();
  std::vector<std::uint8_t> early(summary.customer_count(), 0);  // orders in the window, max 2
  const std::size_t n = orders.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + prefetch_rows < n) {
      __builtin_prefetch(&first[orders.customer[i + prefetch_rows]]);
      __builtin_prefetch(&early[orders.customer[i + prefetch_rows]], 1);
    }
    const std::uint32_t c = orders.customer[i];
    const std::int64_t since = std::int64_t{orders.day[i]} - first[c];
    if (since < 0 || first[c] == no_day) {
      throw invalid_input(
          "order before the customer's first order day in the summary (not the "
          "orders the summary was built from)",
          {fn, "day", static_cast<std::int64_t>(i), format_date(orders.day[i])});
    }
    if (since <= std::int64_t{days} && early[c] < 2) ++early[c];
  }
  const std::span<const std::uint32_t> count = summary.orders();
  std::uint64_t buyers = 0;
  std::uint64_t repeaters = 0;
  for (std::size_t c = 0; c < early.size(); ++c) {
    if (count[c] > 0) ++buyers;
    if (early[c] >= 2) ++repeaters;
  }
  return ratio(static_cast<double>(repeaters), buyers);
}

std::optional<double> observed_lifespan_years(const customer_summary& summary) noexcept {
  std::int64_t span_days = 0;
  std::uint64_t buyers = 0;
  const std::span<const day_t> first = summary.first_day();
  const std::span<const day_t> last = summary.last_day();
  const std::span<const std::uint32_t> count = summary.orders();
  for (std::size_t c = 0; c < first.size(); ++c) {
    if (count[c] == 0) continue;
    span_days += std::int64_t{last[c]} - first[c];
    ++buyers;
  }
  const auto mean_days = ratio(static_cast<double>(span_days), buyers);
  if (!mean_days) return std::nullopt;
  return *mean_days / days_per_year;
}

std::optional<double> clv_simple(const customer_summary& summary, const clv_options& options) {
  require_clv_options(options);
  const order_totals t = totals(summary);
  const auto value = aov(t);
  const auto per_year = purchase_frequency_per_year(t);
  if (!value || !per_year) return std::nullopt;
  const auto lifetime = lifetime_factor(summary, options);
  if (!lifetime) return std::nullopt;
  // W1's order of operations: aov × purchase_frequency_per_year × lifespan_years.
  return *value * *per_year * *lifetime * options.gross_margin;
}

std::optional<double> top_revenue_share(const customer_summary& summary, double top_share) {
  if (!(top_share > 0.0 && top_share <= 1.0)) {
    throw invalid_input("top_share must be within (0, 1]",
                        {"top_revenue_share", "top_share", -1, std::to_string(top_share)});
  }
  const std::int64_t total = summary.total_spend();
  if (total <= 0 || !summary.has_amount()) return std::nullopt;
  std::vector<std::int64_t> spend;
  spend.reserve(summary.customer_count());
  const std::span<const std::uint32_t> count = summary.orders();
  for (std::size_t c = 0; c < count.size(); ++c) {
    if (count[c] > 0) spend.push_back(summary.spend()[c]);
  }
  if (spend.empty()) return std::nullopt;
  const auto top = static_cast<std::ptrdiff_t>(top_count(top_share, spend.size()));
  // The top-th largest lands at top − 1 with every larger spend before it: O(customers).
  std::nth_element(spend.begin(), spend.begin() + (top - 1), spend.end(), std::greater<>());
  std::int64_t top_sum = 0;
  for (auto it = spend.begin(); it != spend.begin() + top; ++it) top_sum += *it;
  return static_cast<double>(top_sum) / static_cast<double>(total);
}

}  // namespace crm
