#include "crm/io/generate.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "crm/error.hpp"

#include "generate_detail.hpp"

namespace crm::io {
namespace {

constexpr double rate_shape = 0.25;     // BG/NBD r
constexpr double rate_scale = 1.0 / 4;  // 1 / alpha, alpha = 4 weeks
constexpr double dropout_a = 0.8;       // BG/NBD a, b: dropout p ~ Beta(a, b)
constexpr double dropout_b = 2.4;
constexpr double spend_p = 6.0;  // gamma-gamma: z ~ Gamma(p, rate nu), nu ~ Gamma(q, rate gamma)
constexpr double spend_q = 4.0;
constexpr double spend_gamma = 15.0;
constexpr std::uint64_t first_customer_id = 10000;
constexpr std::uint64_t first_order_id = 5000000;
constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

/// Throws invalid_input unless 1 <= customers < 2^32, days >= 1 and the window lies within
/// 0001-01-01 .. 9999-12-31 (four-digit ISO years).
void validate(const generate_options& o) {
  const auto fail = [](const char* reason, const char* column, const std::string& value) {
    throw invalid_input(reason, {"generate_orders", column, -1, value});
  };
  if (o.customers == 0 || o.customers > std::numeric_limits<std::uint32_t>::max()) {
    fail("customers must be 1 .. 4294967295", "customers", std::to_string(o.customers));
  }
  if (o.days < 1) fail("days must be at least 1", "days", std::to_string(o.days));
  const std::int64_t last = std::int64_t{o.start} + o.days - 1;
  if (o.start < days_from_civil(1, 1, 1) || last > days_from_civil(9999, 12, 31)) {
    fail("the window must lie within 0001-01-01 .. 9999-12-31", "start",
         format_date(o.start) + " + " + std::to_string(o.days) + " days");
  }
}

/// Per-customer draws of the model, each in its own pass so the stream is reproducible.
struct population {
  std::vector<double> first;     // first purchase time, days since the window start
  std::vector<double> rate;      // purchases per day while alive
  std::vector<double> dropout;   // p of dying after each repeat purchase
  std::vector<double> spend_nu;  // gamma-gamma rate of the customer's spend
};

population draw_population(std::size_t n, double days, std::mt19937_64& rng) {
  population p;
  p.first.resize(n);
  p.rate.resize(n);
  p.dropout.resize(n);
  p.spend_nu.resize(n);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  // Inverse CDF of a density growing linearly from 1 to 2 over [0, 1]: F(x) = (x + x²/2) / 1.5.
  for (double& t : p.first) t = (-1.0 + std::sqrt(1.0 + 3.0 * uniform(rng))) * days;
  std::sort(p.first.begin(), p.first.end());  // ids rise with acquisition
  std::gamma_distribution<double> rate(rate_shape, rate_scale);
  for (double& r : p.rate) r = rate(rng) / 7.0;  // per week -> per day
  std::gamma_distribution<double> beta_a(dropout_a, 1.0);
  std::gamma_distribution<double> beta_b(dropout_b, 1.0);
  for (double& d : p.dropout) {
    const double a = beta_a(rng);
    const double b = beta_b(rng);  // Beta(a, b) = Ga / (Ga + Gb); kept inside (0, 1)
    d = std::clamp(a / (a + b), 1e-12, std::nextafter(1.0, 0.0));
  }
  std::gamma_distribution<double> nu(spend_q, 1.0 / spend_gamma);
  for (double& v : p.spend_nu) v = nu(rng);
  return p;
}

struct order {
  double time;  // days since the window start
  std::uint32_t customer;
};

/// Each customer's first purchase and its repeat purchases while alive: the first min(K, J) of K
/// uniform times in the rest of the window, K ~ Poisson(rate · rest), J ~ Geometric(dropout).
std::vector<order> draw_orders(const population& p, double days, std::mt19937_64& rng,
                               std::vector<std::uint8_t>& dropped) {
  dropped.assign(p.first.size(), 0);
  std::vector<order> orders;
  orders.reserve(p.first.size() * 5 / 2);  // about 2.3 orders a customer
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> times;
  for (std::size_t c = 0; c < p.first.size(); ++c) {
    const double rest = days - p.first[c];
    std::poisson_distribution<std::int64_t> events(std::max(p.rate[c] * rest, 1e-300));
    std::geometric_distribution<std::int64_t> survive(p.dropout[c]);
    const std::int64_t k = events(rng);
    const std::int64_t j = survive(rng) + 1;  // failures before the first success, + 1
    times.resize(static_cast<std::size_t>(k));
    for (double& t : times) t = uniform(rng) * rest;
    const auto repeats = static_cast<std::ptrdiff_t>(std::min(k, j));
    dropped[c] = j <= k ? 1 : 0;  // died after its j-th repeat purchase, inside the window
    std::partial_sort(times.begin(), times.begin() + repeats, times.end());
    const auto customer = static_cast<std::uint32_t>(c);
    orders.push_back({p.first[c], customer});
    for (std::ptrdiff_t r = 0; r < repeats; ++r) {
      orders.push_back({p.first[c] + times[static_cast<std::size_t>(r)], customer});
    }
  }
  return orders;
}

/// The day of an order time, the last day for a time rounded up to the window's end.
std::int32_t day_of(double time, std::int32_t days) {
  return std::min(static_cast<std::int32_t>(time), days - 1);
}

/// Orders stably sorted by time: a counting sort by day, then a stable sort inside each day
/// (the same order as one stable sort by time, with small cache-friendly sorts).
std::vector<order> sort_by_time(const std::vector<order>& orders, std::int32_t days) {
  std::vector<std::size_t> start(static_cast<std::size_t>(days) + 1, 0);
  for (const order& o : orders) ++start[static_cast<std::size_t>(day_of(o.time, days)) + 1];
  for (std::size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
  std::vector<order> sorted(orders.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (const order& o : orders) sorted[next[static_cast<std::size_t>(day_of(o.time, days))]++] = o;
  for (std::size_t d = 0; d + 1 < start.size(); ++d) {
    std::stable_sort(sorted.begin() + static_cast<std::ptrdiff_t>(start[d]),
                     sorted.begin() + static_cast<std::ptrdiff_t>(start[d + 1]),
                     [](const order& a, const order& b) { return a.time < b.time; });
  }
  return sorted;
}

/// Customer ids rising with acquisition from first_customer_id, gaps of 1..3.
std::vector<std::uint64_t> draw_customer_ids(std::size_t n, std::mt19937_64& rng) {
  std::vector<std::uint64_t> ids(n);
  std::uniform_int_distribution<int> gap(1, 3);
  std::uint64_t id = first_customer_id;
  for (std::uint64_t& v : ids) v = id += static_cast<std::uint64_t>(gap(rng));
  return ids;
}

/// Formats rows `customer,order,date,amount` into chunks of about chunk_bytes for the sink.
class row_writer {
 public:
  explicit row_writer(const std::function<void(std::string_view)>& sink) : sink_(sink) {
    chunk_.reserve(chunk_bytes + 128);
    chunk_ = "customer_id,order_id,order_date,amount\n";
  }

  void set_day(day_t day) { date_ = format_date(day); }

  void add(std::uint64_t customer, std::uint64_t order_id, std::int64_t cents) {
    std::array<char, 96> line{};
    char* at = std::to_chars(line.data(), line.data() + 24, customer).ptr;
    *at++ = ',';
    at = std::to_chars(at, at + 24, order_id).ptr;
    *at++ = ',';
    at = std::copy(date_.begin(), date_.end(), at);
    *at++ = ',';
    at = std::to_chars(at, at + 24, cents / 100).ptr;
    *at++ = '.';
    *at++ = static_cast<char>('0' + cents % 100 / 10);
    *at++ = static_cast<char>('0' + cents % 10);
    *at++ = '\n';
    chunk_.append(line.data(), at);
    if (chunk_.size() >= chunk_bytes) flush();
  }

  void flush() {
    sink_(chunk_);
    chunk_.clear();
  }

 private:
  const std::function<void(std::string_view)>& sink_;
  std::string chunk_;
  std::string date_;
};

/// Writes the sorted orders with order ids rising with time (gaps 1..2) and each order's
/// gamma-gamma amount (cents, at least 1), drawn in time order.
generate_summary write_orders(const generate_options& options, const population& p,
                              const std::vector<order>& orders, std::mt19937_64& rng,
                              const std::function<void(std::string_view)>& sink,
                              detail::simulated_company* company) {
  const std::vector<std::uint64_t> ids = draw_customer_ids(p.first.size(), rng);
  if (company != nullptr) company->ids = ids;
  std::uniform_int_distribution<int> order_gap(1, 2);
  std::gamma_distribution<double> spend(spend_p, 1.0);
  generate_summary s;
  s.customers = p.first.size();  // every simulated customer makes a first purchase
  s.rows = orders.size();
  s.first = options.start + day_of(orders.front().time, options.days);
  s.last = s.first;
  row_writer out(sink);
  out.set_day(s.first);
  std::uint64_t order_id = first_order_id;
  for (const order& o : orders) {
    const day_t day = options.start + day_of(o.time, options.days);
    if (day != s.last) out.set_day(s.last = day);
    order_id += static_cast<std::uint64_t>(order_gap(rng));
    const double z = spend(rng) / p.spend_nu[o.customer];  // capped at $10^13 for llround
    const std::int64_t cents = std::max<std::int64_t>(std::llround(std::min(z * 100.0, 1e15)), 1);
    s.revenue_cents += cents;
    out.add(ids[o.customer], order_id, cents);
    if (company != nullptr) company->orders.push_back({day, o.customer, cents});
  }
  out.flush();
  return s;
}

}  // namespace

namespace detail {

generate_summary simulate(const generate_options& options,
                          const std::function<void(std::string_view)>& sink,
                          simulated_company* company) {
  validate(options);
  std::mt19937_64 rng(options.seed);
  const auto days = static_cast<double>(options.days);
  const population p = draw_population(static_cast<std::size_t>(options.customers), days, rng);
  std::vector<std::uint8_t> dropped;
  const std::vector<order> orders = sort_by_time(draw_orders(p, days, rng, dropped), options.days);
  if (company != nullptr) {
    company->dropped = std::move(dropped);
    company->orders.reserve(orders.size());
  }
  return write_orders(options, p, orders, rng, sink, company);
}

}  // namespace detail

generate_summary generate_orders(const generate_options& options,
                                 const std::function<void(std::string_view)>& sink) {
  return detail::simulate(options, sink, nullptr);
}

}  // namespace crm::io
