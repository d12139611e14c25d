// `generate --tables`: the customers, surveys, tickets, leads, costs and retention actions of the
// company whose orders the simulation wrote. Drawn from their own random stream (seeded from the
// seed), so the orders stay byte-identical to `generate` alone.

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
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

constexpr std::array<std::string_view, 5> channels = {"search", "social", "referral", "email",
                                                      "organic"};
constexpr std::array<double, 5> channel_share = {0.35, 0.25, 0.15, 0.10, 0.15};
constexpr std::array<double, 5> channel_cac = {40.0, 30.0, 20.0, 10.0, 5.0};  // spend per customer
constexpr std::array<std::string_view, 4> regions = {"North", "South", "East", "West"};
constexpr int churn_after_days = 90;  // a dead customer's churned_at: last order + 90 days

/// Per customer: acquisition day, last order day, orders, channel, region.
struct customer_facts {
  std::vector<day_t> first, last;
  std::vector<std::uint32_t> orders;
  std::vector<std::uint8_t> channel, region;
};

customer_facts facts_of(const simulated_company& c, std::mt19937_64& rng) {
  const std::size_t n = c.ids.size();
  customer_facts f;
  f.first.assign(n, no_day);
  f.last.assign(n, no_day);
  f.orders.assign(n, 0);
  for (const simulated_order& o : c.orders) {
    if (f.first[o.customer] == no_day) f.first[o.customer] = o.day;
    f.last[o.customer] = o.day;
    ++f.orders[o.customer];
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

/// Every customer is a won lead created 0..30 days before the first order; about 1.5 more
/// leads per customer never convert (lost, or open when created in the last 30 days).
std::uint64_t write_leads(const simulated_company& c, const customer_facts& f,
                          const generate_options& o, std::mt19937_64& rng,
                          const std::function<void(std::string_view)>& sink) {
  struct lead {
    day_t created;
    std::int64_t customer;  // -1: not converted
    std::uint8_t channel;
  };
  std::vector<lead> leads;
  std::uniform_int_distribution<int> before(0, 30), when(0, o.days - 1);
  std::discrete_distribution<int> channel(channel_share.begin(), channel_share.end());
  std::poisson_distribution<int> others(1.5);
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    leads.push_back({f.first[i] - before(rng), static_cast<std::int64_t>(i), f.channel[i]});
    for (int k = others(rng); k > 0; --k) {
      leads.push_back({o.start + when(rng), -1, static_cast<std::uint8_t>(channel(rng))});
    }
  }
  std::stable_sort(leads.begin(), leads.end(),
                   [](const lead& a, const lead& b) { return a.created < b.created; });
  csv_out out(sink, "lead_id,created_at,source,stage,status,converted_at,customer_id");
  const day_t end = o.start + o.days;
  std::uint64_t id = 0;
  for (const lead& l : leads) {
    const bool won = l.customer >= 0;
    const bool open = !won && end - l.created <= 30;
    out.row("L{:07},{},{},{},{},{},{}", ++id, format_date(l.created), channels[l.channel],
            won ? "closed won" : (open ? "qualified" : "closed lost"),
            won ? "won" : (open ? "open" : "lost"),
            won ? format_date(f.first[static_cast<std::size_t>(l.customer)]) : std::string(),
            won ? std::to_string(c.ids[static_cast<std::size_t>(l.customer)]) : std::string());
  }
  return out.finish();
}

/// Monthly spend: acquisition per channel (its new customers × the channel's cost, ±20 %),
/// marketing (brand) and retention (±20 % around fixed budgets).
std::uint64_t write_costs(const customer_facts& f, const generate_options& o, std::mt19937_64& rng,
                          const std::function<void(std::string_view)>& sink) {
  const std::int32_t first = period_index(o.start, period_kind::month);
  const std::int32_t last = period_index(o.start + o.days - 1, period_kind::month);
  std::map<std::pair<std::int32_t, int>, std::uint64_t> fresh;  // (month, channel) -> customers
  for (std::size_t i = 0; i < f.first.size(); ++i) {
    ++fresh[{period_index(f.first[i], period_kind::month), f.channel[i]}];
  }
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  const auto cents = [](double money) { return std::llround(money * 100.0); };
  const auto money = [](long long c) { return fmt::format("{}.{:02}", c / 100, c % 100); };
  csv_out out(sink, "period,category,channel,amount");
  for (std::int32_t m = first; m <= last; ++m) {
    const std::string label = period_label(m, period_kind::month);
    for (std::size_t ch = 0; ch < channels.size(); ++ch) {
      const auto it = fresh.find({m, static_cast<int>(ch)});
      const double n = it == fresh.end() ? 0.0 : static_cast<double>(it->second);
      out.row("{},acquisition,{},{}", label, channels[ch],
              money(cents(n * channel_cac[ch] * jitter(rng))));
    }
    out.row("{},marketing,,{}", label, money(cents(1000.0 * jitter(rng))));
    out.row("{},retention,,{}", label, money(cents(500.0 * jitter(rng))));
  }
  return out.finish();
}

/// Customers with 60 days without an order are flagged at risk: retained when they order again,
/// lost when 30 days pass without an order, pending otherwise.
std::uint64_t write_retention(const simulated_company& c, day_t end, std::mt19937_64& rng,
                              const std::function<void(std::string_view)>& sink) {
  static constexpr std::array<std::string_view, 3> offers = {"discount", "call", "email"};
  std::vector<std::vector<day_t>> days(c.ids.size());
  for (const simulated_order& o : c.orders) days[o.customer].push_back(o.day);
  struct action {
    day_t entered;
    std::size_t customer;
    int outcome;  // 1 retained, 0 lost, 2 pending
  };
  std::vector<action> actions;
  for (std::size_t i = 0; i < days.size(); ++i) {
    const std::vector<day_t>& d = days[i];
    for (std::size_t k = 0; k < d.size(); ++k) {
      const day_t entered = d[k] + 60;
      const day_t next = k + 1 < d.size() ? d[k + 1] : end + 100000;
      if (next <= entered || entered >= end) continue;
      const int outcome = next < end ? 1 : (end - entered >= 30 ? 0 : 2);
      actions.push_back({entered, i, outcome});
      break;  // one action per customer
    }
  }
  std::stable_sort(actions.begin(), actions.end(),
                   [](const action& a, const action& b) { return a.entered < b.entered; });
  std::uniform_int_distribution<int> cost(5, 25), offer(0, 2);
  csv_out out(sink, "customer_id,entered_at,outcome,cost,action");
  for (const action& a : actions) {
    static constexpr std::array<std::string_view, 3> outcome = {"lost", "retained", ""};
    out.row("{},{},{},{}.00,{}", c.ids[a.customer], format_date(a.entered),
            outcome[static_cast<std::size_t>(a.outcome)], cost(rng),
            offers[static_cast<std::size_t>(offer(rng))]);
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
