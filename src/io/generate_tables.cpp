// `generate --tables`: the customers, surveys, tickets, leads, costs and retention actions of the
// company whose orders the simulation wrote. Drawn from their own random stream (seeded from the
// seed), so the orders stay byte-identical to `generate` alone.

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crm/io/generate.hpp"
#include "crm/io/table.hpp"
#include "crm/orders.hpp"

#include "generate_detail.hpp"

namespace crm::io {
namespace {

using detail::simulated_company;
using detail::simulated_order;

constexpr std::array<std::string_view, 5> channels = {"paid_search", "social", "referral", "email",
                                                      "organic"};
constexpr std::array<double, 5> channel_share = {0.35, 0.25, 0.15, 0.10, 0.15};
constexpr std::array<double, 5> channel_cac = {40.0, 30.0, 20.0, 10.0, 5.0};  // spend per customer
constexpr std::array<std::string_view, 4> regions = {"North", "South", "East", "West"};
constexpr int churn_after_days = 90;         // a dead customer's churned_at: last order + 90 days
constexpr double sales_per_customer = 15.0;  // monthly budgets and costs of costs.csv
constexpr double marketing_budget = 1000.0;
constexpr double retention_budget = 500.0;
constexpr double service_budget = 800.0;
constexpr int at_risk_days = 60;  // retention actions: a repeat customer this long without orders
constexpr int decide_days = 30;   // ... is retained when ordering within 30 more days, else lost

/// Per customer: acquisition day, last order day, channel, region.
struct customer_facts {
  std::vector<day_t> first, last;
  std::vector<std::uint8_t> channel, region;
};

customer_facts facts_of(const simulated_company& c, std::mt19937_64& rng) {
  const std::size_t n = c.ids.size();
  customer_facts f;
  f.first.assign(n, no_day);
  f.last.assign(n, no_day);
  for (const simulated_order& o : c.orders) {
    if (f.first[o.customer] == no_day) f.first[o.customer] = o.day;
    f.last[o.customer] = o.day;
  }
  std::discrete_distribution<int> channel(channel_share.begin(), channel_share.end());
  std::uniform_int_distribution<int> region(0, static_cast<int>(regions.size()) - 1);
  f.channel.assign(n, 0);
  f.region.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    f.channel[i] = static_cast<std::uint8_t>(channel(rng));
    f.region[i] = static_cast<std::uint8_t>(region(rng));
  }
  return f;
}

/// Buffers CSV text and hands it to the sink in chunks.
class csv_out {
 public:
  csv_out(const std::function<void(std::string_view)>& sink, std::string_view header)
      : sink_(sink) {
    text_ = std::string(header) + "\n";
  }
  template <typename... Args>
  void row(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(text_), f, std::forward<Args>(args)...);
    text_ += '\n';
    ++rows_;
    if (text_.size() >= (1U << 20)) flush();
  }
  std::uint64_t finish() {
    flush();
    return rows_;
  }

 private:
  void flush() {
    sink_(text_);
    text_.clear();
  }
  const std::function<void(std::string_view)>& sink_;
  std::string text_;
  std::uint64_t rows_ = 0;
};

std::string stamp(day_t day, std::int64_t second) {
  return format_timestamp(std::int64_t{day} * seconds_per_day + second, true);
}

std::uint64_t write_customers(const simulated_company& c, const customer_facts& f, day_t end,
                              const std::function<void(std::string_view)>& sink) {
  csv_out out(sink, "customer_id,created_at,churned_at,channel,region");
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    const day_t churned = f.last[i] + churn_after_days;
    out.row("{},{},{},{},{}", c.ids[i], format_date(f.first[i]),
            c.dropped[i] != 0 && churned < end ? format_date(churned) : std::string(),
            channels[f.channel[i]], regions[f.region[i]]);
  }
  return out.finish();
}

/// NPS answer category drawn by the customer's fate: survivors promote more.
int nps_answer(bool dropped, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double x = u(rng);
  const double promote = dropped ? 0.25 : 0.55;
  const double passive = dropped ? 0.30 : 0.25;
  std::uniform_int_distribution<int> hi(9, 10), mid(7, 8), lo(0, 6);
  if (x < promote) return hi(rng);
  if (x < promote + passive) return mid(rng);
  return lo(rng);
}

std::uint64_t write_surveys(const simulated_company& c, day_t end, std::mt19937_64& rng,
                            const std::function<void(std::string_view)>& sink) {
  csv_out out(sink,
              "response_id,customer_id,responded_at,nps,csat,ces,q_product,q_service,q_speed");
  std::bernoulli_distribution asked(0.2);
  std::uniform_int_distribution<int> delay(1, 7), noise(-1, 1), sec(8 * 3600, 22 * 3600);
  std::uint64_t id = 0;
  for (const simulated_order& o : c.orders) {
    if (!asked(rng)) continue;
    const day_t day = o.day + delay(rng);
    const int nps = nps_answer(c.dropped[o.customer] != 0, rng);
    const int csat = std::clamp(1 + nps * 4 / 10 + noise(rng), 1, 5);
    const int ces = std::clamp(1 + nps * 6 / 10 + noise(rng), 1, 7);
    const auto item = [&] { return std::clamp(nps + noise(rng), 1, 10); };
    const int q1 = item(), q2 = item(), q3 = item();
    const int at = sec(rng);
    if (day >= end) continue;
    out.row("S{:07},{},{},{},{},{},{},{},{}", ++id, c.ids[o.customer], stamp(day, at), nps, csat,
            ces, q1, q2, q3);
  }
  return out.finish();
}

std::uint64_t write_tickets(const simulated_company& c, day_t end, std::mt19937_64& rng,
                            const std::function<void(std::string_view)>& sink) {
  static constexpr std::array<std::string_view, 3> via = {"email", "chat", "phone"};
  static constexpr std::array<std::string_view, 4> topic = {"delivery", "billing", "product",
                                                            "account"};
  csv_out out(sink,
              "ticket_id,customer_id,created_at,first_response_at,resolved_at,status,channel,"
              "category,is_complaint,reopen_count,satisfaction");
  std::bernoulli_distribution raised(0.1), complaint(0.25), rated(0.7);
  std::uniform_int_distribution<int> delay(0, 10), sec(8 * 3600, 20 * 3600), pick3(0, 2),
      pick4(0, 3), rating(1, 5);
  std::exponential_distribution<double> respond(1.0 / 7200.0), resolve(1.0 / 86400.0);
  std::discrete_distribution<int> reopen({90, 8, 2});
  std::uint64_t id = 0;
  for (const simulated_order& o : c.orders) {
    if (!raised(rng)) continue;
    const std::int64_t created = (std::int64_t{o.day} + delay(rng)) * seconds_per_day + sec(rng);
    const auto answered = created + static_cast<std::int64_t>(respond(rng));
    const auto resolved = answered + static_cast<std::int64_t>(resolve(rng));
    const std::string_view channel = via[static_cast<std::size_t>(pick3(rng))];
    const std::string_view category = topic[static_cast<std::size_t>(pick4(rng))];
    const bool is_complaint = complaint(rng);
    const int reopens = reopen(rng);
    const bool has_rating = rated(rng);
    const int stars = rating(rng);
    const std::int64_t end_second = std::int64_t{end} * seconds_per_day;
    if (created >= end_second) continue;
    const bool open = resolved >= end_second;
    out.row("T{:07},{},{},{},{},{},{},{},{},{},{}", ++id, c.ids[o.customer],
            format_timestamp(created, true),
            answered < end_second ? format_timestamp(answered, true) : std::string(),
            open ? std::string() : format_timestamp(resolved, true), open ? "open" : "resolved",
            channel, category, is_complaint ? "yes" : "no", open ? 0 : reopens,
            !open && has_rating ? std::to_string(stars) : std::string());
  }
  return out.finish();
}

/// Every customer is a won lead created 0..30 days before the first order (not before
/// 0001-01-01); about 1.5 more leads per customer never convert (lost, or open when created in
/// the last 30 days).
std::uint64_t write_leads(const simulated_company& c, const customer_facts& f,
                          const generate_options& o, std::mt19937_64& rng,
                          const std::function<void(std::string_view)>& sink) {
  constexpr std::uint32_t none = 0xFFFFFFFF;  // not converted (customer indices are below)
  struct lead {
    day_t created;
    std::uint32_t customer;
    std::uint8_t channel;
  };
  std::vector<lead> leads;
  leads.reserve(c.ids.size() * 5 / 2 + 16);
  std::uniform_int_distribution<int> before(0, 30), when(0, o.days - 1);
  std::discrete_distribution<int> channel(channel_share.begin(), channel_share.end());
  std::poisson_distribution<int> others(1.5);
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    const day_t created = std::max(f.first[i] - before(rng), days_from_civil(1, 1, 1));
    leads.push_back({created, static_cast<std::uint32_t>(i), f.channel[i]});
    for (int k = others(rng); k > 0; --k) {
      leads.push_back({o.start + when(rng), none, static_cast<std::uint8_t>(channel(rng))});
    }
  }
  std::stable_sort(leads.begin(), leads.end(),
                   [](const lead& a, const lead& b) { return a.created < b.created; });
  csv_out out(sink, "lead_id,created_at,source,stage,status,converted_at,customer_id");
  const day_t end = o.start + o.days;
  std::uint64_t id = 0;
  for (const lead& l : leads) {
    const bool won = l.customer != none;
    const bool open = !won && end - l.created <= 30;
    out.row("L{:07},{},{},{},{},{},{}", ++id, format_date(l.created), channels[l.channel],
            won ? "closed won" : (open ? "qualified" : "closed lost"),
            won ? "won" : (open ? "open" : "lost"),
            won ? format_date(f.first[l.customer]) : std::string(),
            won ? std::to_string(c.ids[l.customer]) : std::string());
  }
  return out.finish();
}

/// Monthly spend: acquisition per channel (its new customers × the channel's cost), sales (new
/// customers × sales_per_customer) and fixed marketing, retention and service budgets; every
/// amount × U(0.8, 1.2).
std::uint64_t write_costs(const customer_facts& f, const generate_options& o, std::mt19937_64& rng,
                          const std::function<void(std::string_view)>& sink) {
  const std::int32_t first = period_index(o.start, period_kind::month);
  const std::int32_t last = period_index(o.start + o.days - 1, period_kind::month);
  const auto months = static_cast<std::size_t>(last - first + 1);
  std::vector<std::array<double, channels.size()>> fresh(months);  // new customers per channel
  for (std::size_t i = 0; i < f.first.size(); ++i) {
    const auto m = static_cast<std::size_t>(period_index(f.first[i], period_kind::month) - first);
    fresh[m][f.channel[i]] += 1.0;
  }
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  csv_out out(sink, "period,category,channel,amount");
  const auto put = [&](const std::string& month, std::string_view category,
                       std::string_view channel, double base) {
    const long long c = std::llround(base * jitter(rng) * 100.0);
    out.row("{},{},{},{}.{:02}", month, category, channel, c / 100, c % 100);
  };
  for (std::size_t m = 0; m < months; ++m) {
    const std::string label =
        period_label(first + static_cast<std::int32_t>(m), period_kind::month);
    double customers = 0;
    for (std::size_t ch = 0; ch < channels.size(); ++ch) {
      put(label, "acquisition", channels[ch], fresh[m][ch] * channel_cac[ch]);
      customers += fresh[m][ch];
    }
    put(label, "sales", "", customers * sales_per_customer);
    put(label, "marketing", "", marketing_budget);
    put(label, "retention", "", retention_budget);
    put(label, "service", "", service_budget);
  }
  return out.finish();
}

/// A retention action: entered on `entered`, outcome 0 lost, 1 retained, 2 pending.
struct action {
  day_t entered = no_day;
  std::uint8_t outcome = 2;
};

/// The outcome of an action entered on `entered` when the customer's next order is on `next`
/// (no_day: none in the window), seen at the window's end.
std::uint8_t outcome_of(day_t entered, day_t next, day_t end) {
  const bool again = next != no_day && next <= entered + decide_days;
  const day_t decided = again ? next : entered + decide_days;
  if (decided >= end) return 2;
  return again ? 1 : 0;
}

/// A customer's first action: after at least two orders, `at_risk_days` without one.
std::vector<action> find_actions(const simulated_company& c, day_t end) {
  const std::size_t n = c.ids.size();
  std::vector<action> a(n);
  std::vector<day_t> last(n, no_day);
  std::vector<std::uint32_t> count(n, 0);
  for (const simulated_order& o : c.orders) {  // in time order
    const std::size_t i = o.customer;
    if (count[i] >= 2 && a[i].entered == no_day && o.day > last[i] + at_risk_days) {
      a[i].entered = last[i] + at_risk_days;
      a[i].outcome = outcome_of(a[i].entered, o.day, end);
    }
    ++count[i];
    last[i] = o.day;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (count[i] >= 2 && a[i].entered == no_day && last[i] + at_risk_days < end) {
      a[i].entered = last[i] + at_risk_days;
      a[i].outcome = outcome_of(a[i].entered, no_day, end);
    }
  }
  return a;
}

/// The actions of find_actions by entry day (then customer), with a cost and an offer each.
std::uint64_t write_retention(const simulated_company& c, day_t end, std::mt19937_64& rng,
                              const std::function<void(std::string_view)>& sink) {
  static constexpr std::array<std::string_view, 3> offers = {"discount", "call", "email"};
  static constexpr std::array<std::string_view, 3> outcome = {"lost", "retained", ""};
  const std::vector<action> a = find_actions(c, end);
  std::vector<std::uint32_t> order;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].entered != no_day) order.push_back(static_cast<std::uint32_t>(i));
  }
  std::stable_sort(order.begin(), order.end(),
                   [&a](std::uint32_t x, std::uint32_t y) { return a[x].entered < a[y].entered; });
  std::uniform_int_distribution<int> cost(5, 25), offer(0, 2);
  csv_out out(sink, "customer_id,entered_at,outcome,cost,action");
  for (const std::uint32_t i : order) {
    out.row("{},{},{},{}.00,{}", c.ids[i], format_date(a[i].entered), outcome[a[i].outcome],
            cost(rng), offers[static_cast<std::size_t>(offer(rng))]);
  }
  return out.finish();
}

}  // namespace

company_summary generate_company(const generate_options& options, const company_sinks& sinks) {
  simulated_company c;
  const std::function<void(std::string_view)> discard = [](std::string_view) {};
  company_summary s;
  s.orders = detail::simulate(options, sinks.orders ? sinks.orders : discard, &c);
  std::mt19937_64 rng(options.seed ^ 0x9E3779B97F4A7C15ULL);  // the tables' own stream
  const customer_facts f = facts_of(c, rng);
  const day_t end = options.start + options.days;
  // Every table is drawn whether written or not, so each one's bytes depend only on the seed.
  const auto to = [&discard](const std::function<void(std::string_view)>& sink)
      -> const std::function<void(std::string_view)>& { return sink ? sink : discard; };
  s.customers = write_customers(c, f, end, to(sinks.customers));
  s.surveys = write_surveys(c, end, rng, to(sinks.surveys));
  s.tickets = write_tickets(c, end, rng, to(sinks.tickets));
  s.leads = write_leads(c, f, options, rng, to(sinks.leads));
  s.costs = write_costs(f, options, rng, to(sinks.costs));
  s.retention_actions = write_retention(c, end, rng, to(sinks.retention_actions));
  return s;
}

}  // namespace crm::io
