#include "crm/io/generate.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crm/error.hpp"

namespace crm::io {
namespace {

constexpr double rate_shape = 0.25;     // BG/NBD r
constexpr double rate_scale = 1.0 / 4;  // 1 / alpha, alpha = 4 weeks
constexpr double dropout_a = 0.8;
constexpr double dropout_b = 2.4;
constexpr double spend_p = 6.0;  // gamma-gamma: z ~ Gamma(p, nu), nu ~ Gamma(q, gamma)
constexpr double spend_q = 4.0;
constexpr double spend_gamma = 15.0;

/// Per-customer draws of the model, in a fixed order so the stream is reproducible.
struct population {
  std::vector<double> first;     // first purchase time, days since the window start
  std::vector<double> rate;      // purchases per day while alive
  std::vector<double> dropout;   // p of dying after each repeat purchase
  std::vector<double> spend_nu;  // gamma-gamma scale
};

population draw_population(std::uint64_t n, double days, std::mt19937_64& rng) {
  population p;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::gamma_distribution<double> rate(rate_shape, rate_scale);
  std::gamma_distribution<double> beta_a(dropout_a, 1.0);
  std::gamma_distribution<double> beta_b(dropout_b, 1.0);
  std::gamma_distribution<double> nu(spend_q, 1.0 / spend_gamma);
  for (std::uint64_t i = 0; i < n; ++i) {
    // Inverse CDF of a density growing linearly from 1 to 2 over [0, 1].
    p.first.push_back((-1.0 + std::sqrt(1.0 + 3.0 * uniform(rng))) * days);
  }
  std::sort(p.first.begin(), p.first.end());  // ids rise with acquisition
  for (std::uint64_t i = 0; i < n; ++i) p.rate.push_back(rate(rng) / 7.0);
  for (std::uint64_t i = 0; i < n; ++i) {
    const double a = beta_a(rng);
    const double b = beta_b(rng);
    p.dropout.push_back(std::clamp(a / (a + b), 1e-12, 1.0));
  }
  for (std::uint64_t i = 0; i < n; ++i) p.spend_nu.push_back(nu(rng));
  return p;
}

struct order {
  double time;
  std::uint32_t customer;
  std::int64_t cents;
};

/// Each customer's first purchase and repeat purchases while alive (the first min(K, J) of K
/// uniform event times in the remaining window, K Poisson, J geometric).
std::vector<order> draw_orders(const population& p, double days, std::mt19937_64& rng) {
  std::vector<order> orders;
  orders.reserve(p.first.size() * 5 / 2);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::gamma_distribution<double> spend(spend_p, 1.0);
  std::vector<double> times;
  for (std::size_t c = 0; c < p.first.size(); ++c) {
    const double remaining = days - p.first[c];
    std::poisson_distribution<std::int64_t> events(std::max(p.rate[c] * remaining, 1e-300));
    std::geometric_distribution<std::int64_t> survive(p.dropout[c]);
    const std::int64_t k = events(rng);
    const std::int64_t j = survive(rng) + 1;  // dies after the j-th repeat purchase
    times.clear();
    for (std::int64_t e = 0; e < k; ++e) times.push_back(uniform(rng) * remaining);
    const auto repeats = static_cast<std::size_t>(std::min(k, j));
    std::partial_sort(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(repeats),
                      times.end());
    const auto cust = static_cast<std::uint32_t>(c);
    orders.push_back({p.first[c], cust, 0});
    for (std::size_t r = 0; r < repeats; ++r) orders.push_back({p.first[c] + times[r], cust, 0});
  }
  for (order& o : orders) {
    const double z = spend(rng) / p.spend_nu[o.customer];
    o.cents = std::max<std::int64_t>(std::llround(z * 100.0), 1);
  }
  std::stable_sort(orders.begin(), orders.end(),
                   [](const order& a, const order& b) { return a.time < b.time; });
  return orders;
}

}  // namespace

generate_summary generate_orders(const generate_options& options,
                                 const std::function<void(std::string_view)>& sink) {
  if (options.customers == 0 || options.days <= 0 || options.customers > 0xFFFFFFFFULL) {
    throw invalid_input("generate needs 1 .. 4294967295 customers and at least 1 day",
                        {"generate_orders", options.customers == 0 ? "customers" : "days", -1,
                         std::to_string(options.customers == 0 ? 0 : options.days)});
  }
  std::mt19937_64 rng(options.seed);
  const auto days = static_cast<double>(options.days);
  const population p = draw_population(options.customers, days, rng);
  const std::vector<order> orders = draw_orders(p, days, rng);
  std::uniform_int_distribution<int> id_gap(1, 3);
  std::vector<std::uint64_t> ids(options.customers);
  std::uint64_t id = 10000;
  for (std::uint64_t& v : ids) v = id += static_cast<std::uint64_t>(id_gap(rng));
  std::uniform_int_distribution<int> order_gap(1, 2);
  std::vector<std::string> labels;
  for (std::int32_t d = 0; d < options.days; ++d) labels.push_back(format_date(options.start + d));

  generate_summary s;
  std::string chunk = "customer_id,order_id,order_date,amount\n";
  std::uint64_t order_id = 5000000;
  std::vector<std::uint8_t> seen(options.customers, 0);
  for (const order& o : orders) {
    order_id += static_cast<std::uint64_t>(order_gap(rng));
    const auto day = std::min(static_cast<std::int32_t>(std::floor(o.time)), options.days - 1);
    fmt::format_to(std::back_inserter(chunk), "{},{},{},{}.{:02}\n", ids[o.customer], order_id,
                   labels[static_cast<std::size_t>(day)], o.cents / 100, o.cents % 100);
    if (chunk.size() > (std::size_t{1} << 20)) {
      sink(chunk);
      chunk.clear();
    }
    if (seen[o.customer] == 0) ++s.customers;
    seen[o.customer] = 1;
    s.revenue_cents += o.cents;
    s.last = options.start + day;
  }
  sink(chunk);
  s.rows = orders.size();
  s.first = orders.empty() ? options.start
                           : options.start + static_cast<std::int32_t>(std::floor(orders[0].time));
  return s;
}

}  // namespace crm::io
