// generate_company: every table kind of one simulated company.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/dates.hpp"
#include "crm/error.hpp"
#include "crm/io/generate.hpp"
#include "crm/io/reader.hpp"

namespace {

using crm::day_t;
using crm::io::read_result;

struct company {
  std::string orders, customers, surveys, tickets, leads, costs, actions;
  crm::io::company_summary summary;
};

crm::io::generate_options options_of(std::uint64_t customers, std::uint64_t seed) {
  crm::io::generate_options o;
  o.customers = customers;
  o.seed = seed;
  return o;
}

company make(const crm::io::generate_options& o) {
  company c;
  const auto into = [](std::string& s) { return [&s](std::string_view chunk) { s += chunk; }; };
  crm::io::company_sinks sinks{into(c.orders), into(c.customers), into(c.surveys), into(c.tickets),
                               into(c.leads),  into(c.costs),     into(c.actions)};
  c.summary = crm::io::generate_company(o, sinks);
  return c;
}

company make(std::uint64_t customers, std::uint64_t seed) {
  return make(options_of(customers, seed));
}

/// 20,000 customers over 2023-01-01 .. 2024-12-31 (the default window), drawn once.
const company& big() {
  static const company c = make(20000, 5);
  return c;
}

const day_t window_end = crm::days_from_civil(2025, 1, 1);  // first day after the window

read_result read(const std::string& name, const std::string& text) {
  return crm::io::read_table_from_memory(name, text);
}

/// The distinct customer ids of a table's customer column (as the reader sees them).
std::set<std::string> ids(const read_result& r) {
  std::set<std::string> out;
  const crm::io::column* key = r.data.customer_key();
  REQUIRE(key != nullptr);
  for (std::size_t i = 0; i < r.data.rows; ++i) {
    if (!key->is_missing(i)) out.insert(key->text(i));
  }
  return out;
}

/// A generated CSV split by hand: the generator writes no quotes, so every comma separates.
struct csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  [[nodiscard]] std::size_t col(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  }
};

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> f;
  std::size_t at = 0;
  for (std::size_t comma; (comma = line.find(',', at)) != std::string::npos; at = comma + 1) {
    f.push_back(line.substr(at, comma - at));
  }
  f.push_back(line.substr(at));
  return f;
}

csv split(const std::string& text) {
  csv out;
  std::size_t at = 0;
  for (std::size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) {
    std::vector<std::string> f = fields(text.substr(at, nl - at));
    if (out.header.empty()) {
      out.header = std::move(f);
      continue;
    }
    REQUIRE(f.size() == out.header.size());
    out.rows.push_back(std::move(f));
  }
  CHECK(at == text.size());  // ends with a line end
  return out;
}

/// The day of `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`.
day_t day(const std::string& text) {
  const auto d = crm::parse_iso_date(text.substr(0, 10));
  REQUIRE(d.has_value());
  return *d;
}

/// Seconds since 1970 of `YYYY-MM-DD HH:MM:SS`.
std::int64_t seconds(const std::string& text) {
  REQUIRE(text.size() == 19);
  return std::int64_t{day(text)} * 86400 + std::stoi(text.substr(11, 2)) * 3600 +
         std::stoi(text.substr(14, 2)) * 60 + std::stoi(text.substr(17, 2));
}

/// Order days per customer id, ascending.
std::map<std::string, std::vector<day_t>> order_days(const std::string& orders) {
  std::map<std::string, std::vector<day_t>> out;
  for (const auto& r : split(orders).rows) out[r[0]].push_back(day(r[2]));
  for (auto& [id, days] : out) std::sort(days.begin(), days.end());
  return out;
}

/// Share of `rows` whose column `c` equals `value`.
double share(const std::vector<std::vector<std::string>>& rows, std::size_t c,
             const std::string& value) {
  const auto n =
      std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return r[c] == value; });
  return static_cast<double>(n) / static_cast<double>(rows.size());
}

double median(std::vector<double> v) {
  REQUIRE(!v.empty());
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

TEST_CASE("generate_company: every table is recognised as its kind, same seed same bytes",
          "[generate][values]") {
  const company a = make(3000, 7);
  const company b = make(3000, 7);
  CHECK(a.customers == b.customers);
  CHECK(a.surveys == b.surveys);
  CHECK(a.tickets == b.tickets);
  CHECK(a.leads == b.leads);
  CHECK(a.costs == b.costs);
  CHECK(a.actions == b.actions);
  const company other = make(3000, 8);
  CHECK(other.surveys != a.surveys);
  CHECK(other.leads != a.leads);
  // The orders are generate_orders' bytes for the same options.
  std::string orders;
  (void)crm::io::generate_orders(options_of(3000, 7),
                                 [&orders](std::string_view s) { orders += s; });
  CHECK(orders == a.orders);
  using crm::io::table_kind;
  CHECK(read("orders.csv", a.orders).data.kind() == table_kind::orders);
  CHECK(read("customers.csv", a.customers).data.kind() == table_kind::customers);
  CHECK(read("surveys.csv", a.surveys).data.kind() == table_kind::surveys);
  CHECK(read("tickets.csv", a.tickets).data.kind() == table_kind::tickets);
  CHECK(read("leads.csv", a.leads).data.kind() == table_kind::leads);
  CHECK(read("costs.csv", a.costs).data.kind() == table_kind::costs);
  CHECK(read("retention_actions.csv", a.actions).data.kind() == table_kind::retention_actions);
  for (const auto* text : {&a.customers, &a.surveys, &a.tickets, &a.leads, &a.costs, &a.actions}) {
    CHECK(read("t.csv", *text).report.rows_rejected == 0);
  }
}

TEST_CASE("generate_company: a table's bytes do not depend on the other sinks",
          "[generate][values]") {
  const company all = make(2000, 9);
  std::string leads, actions;
  crm::io::company_sinks only;
  only.leads = [&leads](std::string_view s) { leads += s; };
  only.retention_actions = [&actions](std::string_view s) { actions += s; };
  const crm::io::company_summary s = crm::io::generate_company(options_of(2000, 9), only);
  CHECK(leads == all.leads);
  CHECK(actions == all.actions);
  CHECK(s.surveys == all.summary.surveys);  // drawn (and counted) though not written
  CHECK(s.orders.rows == all.summary.orders.rows);
}

TEST_CASE("generate_company: one set of customers across the tables", "[generate][values]") {
  const company c = make(3000, 11);
  const std::set<std::string> customers = ids(read("customers.csv", c.customers));
  CHECK(customers.size() == 3000);
  CHECK(ids(read("orders.csv", c.orders)) == customers);
  for (const auto* text : {&c.surveys, &c.tickets, &c.actions}) {
    const std::set<std::string> used = ids(read("t.csv", *text));
    CHECK(!used.empty());
    CHECK(std::includes(customers.begin(), customers.end(), used.begin(), used.end()));
  }
  // The won leads are exactly the customers (all acquired through a lead), once each.
  const read_result leads = read("leads.csv", c.leads);
  CHECK(ids(leads) == customers);
  const crm::io::column& converted = *leads.data.find("converted_at");
  const crm::io::column& created = *leads.data.find("created_at");
  std::size_t won = 0;
  for (std::size_t i = 0; i < leads.data.rows; ++i) {
    if (converted.is_missing(i)) continue;
    ++won;
    CHECK(converted.ints[i] >= created.ints[i]);
  }
  CHECK(won == 3000);
  CHECK(read("customers.csv", c.customers).data.find("created_at")->missing == 0);
}

TEST_CASE("generate_company: time order and scales", "[generate][values]") {
  const company& c = big();
  const read_result t = read("tickets.csv", c.tickets);
  const auto& created = t.data.find("created_at")->ints;
  const auto& answered = t.data.find("first_response_at")->ints;
  const auto& resolved = t.data.find("resolved_at")->ints;
  std::size_t open = 0;
  for (std::size_t i = 0; i < t.data.rows; ++i) {
    if (answered[i] != crm::io::missing_int64) CHECK(answered[i] >= created[i]);
    if (resolved[i] != crm::io::missing_int64) CHECK(resolved[i] >= answered[i]);
    if (resolved[i] == crm::io::missing_int64) ++open;
  }
  CHECK(open > 0);  // tickets raised in the window's last days
  const read_result s = read("surveys.csv", c.surveys);
  for (const auto& [name, lo, hi] : std::vector<std::tuple<const char*, double, double>>{
           {"nps", 0, 10}, {"csat", 1, 5}, {"ces", 1, 7}}) {
    const auto& v = s.data.find(name)->reals;
    CHECK(*std::min_element(v.begin(), v.end()) == lo);  // 10,000 answers reach both ends
    CHECK(*std::max_element(v.begin(), v.end()) == hi);
  }
  const csv raw = split(c.surveys);
  for (const char* item : {"q_product", "q_service", "q_speed"}) {
    std::set<int> seen;
    for (const auto& r : raw.rows) seen.insert(std::stoi(r[raw.col(item)]));
    CHECK(seen == std::set<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  }
}

TEST_CASE("generate_company: customers follow the model", "[generate][values]") {
  const company& c = big();
  const csv t = split(c.customers);
  REQUIRE(t.rows.size() == 20000);
  const auto orders = order_days(c.orders);
  std::size_t churned = 0;
  for (const auto& r : t.rows) {
    const auto& days = orders.at(r[t.col("customer_id")]);
    CHECK(day(r[t.col("created_at")]) == days.front());
    const std::string& gone = r[t.col("churned_at")];
    if (gone.empty()) continue;
    ++churned;
    CHECK(day(gone) == days.back() + 90);  // last order + 90 days, inside the window
    CHECK(day(gone) < window_end);
  }
  // Channel shares 35/25/15/10/15 %, regions 25 % each: σ ≤ √(0.35 × 0.65 / 20000) = 0.0034,
  // tolerance 0.015 (4.4 σ).
  const std::size_t ch = t.col("channel");
  CHECK(share(t.rows, ch, "paid_search") == Approx(0.35).margin(0.015));
  CHECK(share(t.rows, ch, "social") == Approx(0.25).margin(0.015));
  CHECK(share(t.rows, ch, "referral") == Approx(0.15).margin(0.015));
  CHECK(share(t.rows, ch, "email") == Approx(0.10).margin(0.015));
  CHECK(share(t.rows, ch, "organic") == Approx(0.15).margin(0.015));
  for (const char* region : {"North", "South", "East", "West"}) {
    CHECK(share(t.rows, t.col("region"), region) == Approx(0.25).margin(0.015));
  }
  // Share with churned_at: death inside the window and last order + 90 < day 731. A Monte Carlo
  // of the model in python3 (random.gammavariate / betavariate, 400,000 customers) gives
  // 0.1729 (± 0.0006); sampling σ here √(0.173 × 0.827 / 20000) = 0.0027, tolerance 0.012.
  CHECK(static_cast<double>(churned) / 20000.0 == Approx(0.1729).margin(0.012));
}

TEST_CASE("generate_company: surveys follow the model", "[generate][values]") {
  const company& c = big();
  const csv t = split(c.surveys);
  const auto orders = order_days(c.orders);
  std::set<std::string> dead;
  const csv people = split(c.customers);
  for (const auto& r : people.rows) {
    if (!r[2].empty()) dead.insert(r[0]);  // churned_at set: the model let them die
  }
  std::vector<std::vector<std::string>> of_dead;
  std::map<int, std::pair<double, double>> csat_by_nps;  // nps -> (sum, n)
  for (const auto& r : t.rows) {
    const day_t answered = day(r[t.col("responded_at")]);
    CHECK(answered < window_end);
    const auto& days = orders.at(r[t.col("customer_id")]);  // 1-7 days after one of its orders
    CHECK(std::any_of(days.begin(), days.end(),
                      [&](day_t d) { return answered - d >= 1 && answered - d <= 7; }));
    if (dead.count(r[t.col("customer_id")]) != 0) of_dead.push_back(r);
    auto& [sum, n] = csat_by_nps[std::stoi(r[t.col("nps")])];
    sum += std::stod(r[t.col("csat")]);
    n += 1;
  }
  // Customers who die answer 25 % promoters (9-10), 30 % passives (7-8), 45 % detractors; about
  // 0.2 × 17 % of customers' orders → ~1,000+ answers: σ ≤ 0.016, tolerance 0.06.
  REQUIRE(of_dead.size() > 500);
  const std::size_t nps = t.col("nps");
  double promoters = 0, detractors = 0;
  for (const auto& r : of_dead) {
    const int v = std::stoi(r[nps]);
    promoters += v >= 9 ? 1 : 0;
    detractors += v <= 6 ? 1 : 0;
  }
  CHECK(promoters / static_cast<double>(of_dead.size()) == Approx(0.25).margin(0.06));
  CHECK(detractors / static_cast<double>(of_dead.size()) == Approx(0.45).margin(0.06));
  // The other scales follow the NPS answer: mean CSAT of 10s above that of 0s.
  const auto mean = [&](int v) { return csat_by_nps[v].first / csat_by_nps[v].second; };
  CHECK(mean(10) > mean(0) + 2.0);
}

TEST_CASE("generate_company: tickets follow the model", "[generate][values]") {
  const company& c = big();
  const csv t = split(c.tickets);
  REQUIRE(t.rows.size() > 4000);  // 10 % of ~48,600 orders
  const auto orders = order_days(c.orders);
  std::vector<std::vector<std::string>> resolved;
  std::vector<double> response, resolution;
  for (const auto& r : t.rows) {
    const std::int64_t created = seconds(r[t.col("created_at")]);
    const std::int64_t time_of_day = created % 86400;
    CHECK((time_of_day >= 8 * 3600 && time_of_day <= 20 * 3600));
    const auto& days = orders.at(r[t.col("customer_id")]);  // 0-10 days after one of its orders
    CHECK(std::any_of(days.begin(), days.end(), [&](day_t d) {
      return day(r[t.col("created_at")]) - d >= 0 && day(r[t.col("created_at")]) - d <= 10;
    }));
    const bool open = r[t.col("status")] == "open";
    CHECK((open || r[t.col("status")] == "resolved"));
    CHECK(open == r[t.col("resolved_at")].empty());
    if (open) {
      // Open only when the resolution falls past the window: P(Exp(2 h) + Exp(24 h) > 10 days)
      // ≈ e^-10, so open tickets are raised in the last 10 days.
      CHECK(window_end - day(r[t.col("created_at")]) <= 10);
      CHECK(r[t.col("satisfaction")].empty());
      continue;
    }
    resolved.push_back(r);
    const std::int64_t first = seconds(r[t.col("first_response_at")]);
    response.push_back(static_cast<double>(first - created));
    resolution.push_back(static_cast<double>(seconds(r[t.col("resolved_at")]) - first));
  }
  // Complaints 25 % (σ = √(0.25 × 0.75 / 4800) = 0.006, tolerance 0.025).
  CHECK(share(t.rows, t.col("is_complaint"), "yes") == Approx(0.25).margin(0.025));
  // Reopens 0/1/2 at 90/8/2 % (σ ≤ 0.0043, tolerance 0.015); ratings on 70 % of resolved.
  CHECK(share(resolved, t.col("reopen_count"), "0") == Approx(0.90).margin(0.015));
  CHECK(share(resolved, t.col("reopen_count"), "1") == Approx(0.08).margin(0.015));
  CHECK(1.0 - share(resolved, t.col("satisfaction"), "") == Approx(0.70).margin(0.025));
  // Medians of Exp(mean m) = m ln 2: 7200 × 0.6931 = 4991 s, 86400 × 0.6931 = 59888 s (whole
  // seconds: −0.5 s). Median standard error m / √n ≈ 1.5 %; tolerance 8 %.
  CHECK(median(response) == Approx(4991).epsilon(0.08));
  CHECK(median(resolution) == Approx(59888).epsilon(0.08));
}

TEST_CASE("generate_company: leads follow the model", "[generate][values]") {
  const company& c = big();
  const csv t = split(c.leads);
  const csv people = split(c.customers);
  std::map<std::string, std::pair<day_t, std::string>> customer;  // id -> (created_at, channel)
  for (const auto& r : people.rows) customer[r[0]] = {day(r[1]), r[3]};
  std::set<std::string> converted;
  day_t previous = 0;
  for (const auto& r : t.rows) {
    const day_t created = day(r[t.col("created_at")]);
    CHECK(created >= previous);  // ids rise with creation
    previous = created;
    const std::string& status = r[t.col("status")];
    const std::string& id = r[t.col("customer_id")];
    CHECK((status == "won") == !id.empty());
    CHECK((status == "won") == !r[t.col("converted_at")].empty());
    if (status == "won") {
      CHECK(converted.insert(id).second);
      const auto& [since, channel] = customer.at(id);
      CHECK(day(r[t.col("converted_at")]) == since);  // on the customer's created_at
      CHECK((since - created >= 0 && since - created <= 30));
      CHECK(r[t.col("source")] == channel);
      CHECK(r[t.col("stage")] == "closed won");
      continue;
    }
    CHECK(created >= crm::days_from_civil(2023, 1, 1));
    CHECK(status == (window_end - created <= 30 ? "open" : "lost"));
  }
  CHECK(converted.size() == 20000);
  // 1 won + Poisson(1.5) others per customer: conversion 1 / 2.5 = 0.4; the count of others
  // has σ = √(1.5 × 20000) = 173 on 30,000, tolerance 0.01 on the rate (~4 σ).
  CHECK(20000.0 / static_cast<double>(t.rows.size()) == Approx(0.4).margin(0.01));
}

TEST_CASE("generate_company: costs follow the model", "[generate][values]") {
  const company& c = big();
  const csv t = split(c.costs);
  // 24 months (2023-01 .. 2024-12) × (5 channels + sales, marketing, retention, service) = 216.
  REQUIRE(t.rows.size() == 216);
  std::map<std::pair<std::string, std::string>, double> fresh;  // (month, channel) -> customers
  std::map<std::string, double> per_month;
  for (const auto& r : split(c.customers).rows) {
    fresh[{r[1].substr(0, 7), r[3]}] += 1;
    per_month[r[1].substr(0, 7)] += 1;
  }
  const std::map<std::string, double> cac = {
      {"paid_search", 40}, {"social", 30}, {"referral", 20}, {"email", 10}, {"organic", 5}};
  std::map<std::string, double> total;
  for (const auto& r : t.rows) {
    const std::string& month = r[0];
    double base = 0;  // every amount is base × U(0.8, 1.2), rounded to cents
    if (r[1] == "acquisition") base = fresh[{month, r[2]}] * cac.at(r[2]);
    if (r[1] == "sales") base = per_month[month] * 15;
    if (r[1] == "marketing") base = 1000;
    if (r[1] == "retention") base = 500;
    if (r[1] == "service") base = 800;
    REQUIRE(base > 0);
    const double amount = std::stod(r[3]);
    CHECK((amount >= 0.8 * base - 0.005 && amount <= 1.2 * base + 0.005));
    total[r[1]] += amount;
  }
  // Sums over 24 months: 24 × base × 1 ± 24 × base × 0.115 / √24 (σ of U(0.8, 1.2) = 0.4 / √12):
  // relative σ 2.4 %, tolerance 8 %. Marketing 24,000, retention 12,000, service 19,200.
  CHECK(total["marketing"] == Approx(24000).epsilon(0.08));
  CHECK(total["retention"] == Approx(12000).epsilon(0.08));
  CHECK(total["service"] == Approx(19200).epsilon(0.08));
  CHECK(total["sales"] == Approx(20000.0 * 15).epsilon(0.08));
}

TEST_CASE("generate_company: retention actions follow their rule", "[generate][values]") {
  const company& c = big();
  const csv t = split(c.actions);
  // Rule (docs/cli.md): after 2+ orders, the first gap of 60 days without an order enters an
  // action on last order + 60; retained when the next order comes within 30 days, lost when it
  // does not and those 30 days end inside the window, pending (blank) otherwise.
  std::map<std::string, std::pair<day_t, std::string>> expected;
  for (const auto& [id, days] : order_days(c.orders)) {
    for (std::size_t k = 1; k < days.size(); ++k) {
      const day_t entered = days[k] + 60;
      const bool next = k + 1 < days.size();
      if (next && days[k + 1] <= entered) continue;
      if (entered >= window_end) break;
      const bool again = next && days[k + 1] <= entered + 30;
      const day_t decided = again ? days[k + 1] : entered + 30;
      expected[id] = {entered, decided >= window_end ? "" : (again ? "retained" : "lost")};
      break;
    }
  }
  std::map<std::string, std::pair<day_t, std::string>> got;
  day_t previous = 0;
  for (const auto& r : t.rows) {
    CHECK(got.insert({r[0], {day(r[1]), r[2]}}).second);  // one action per customer
    CHECK(day(r[1]) >= previous);
    previous = day(r[1]);
    const double cost = std::stod(r[3]);
    CHECK((cost >= 5 && cost <= 25));
    CHECK((r[4] == "discount" || r[4] == "call" || r[4] == "email"));
  }
  CHECK(got == expected);
  CHECK(share(t.rows, 2, "retained") > 0.05);
  CHECK(share(t.rows, 2, "lost") > 0.5);
  CHECK(share(t.rows, 2, "") > 0.0);
}

TEST_CASE("generate_company: rows per table follow the model", "[generate][values]") {
  // 20 000 customers, about 2.43 orders each (the orders model) → ~48 600 orders. Surveys: 20 %
  // of orders (minus the few answered after the window): σ = √(0.16 × 48600) = 88 on 9,700,
  // tolerance 3 %. Tickets: 10 %, tolerance 5 %. Leads: one won per customer + Poisson(1.5)
  // others → 2.5 per customer ± 2 %. Costs: 24 months × 9 rows = 216 exactly.
  const company& c = big();
  const double orders = static_cast<double>(c.summary.orders.rows);
  CHECK(static_cast<double>(c.summary.surveys) == Approx(0.2 * orders).epsilon(0.03));
  CHECK(static_cast<double>(c.summary.tickets) == Approx(0.1 * orders).epsilon(0.05));
  CHECK(static_cast<double>(c.summary.leads) == Approx(2.5 * 20000).epsilon(0.02));
  CHECK(c.summary.customers == 20000);
  CHECK(c.summary.costs == 216);
  CHECK(c.summary.surveys == split(c.surveys).rows.size());
  CHECK(c.summary.retention_actions == split(c.actions).rows.size());
}

TEST_CASE("generate_company: one customer on one day", "[generate][edge]") {
  crm::io::generate_options o = options_of(1, 3);
  o.start = crm::days_from_civil(2024, 2, 29);
  o.days = 1;
  const company c = make(o);
  CHECK(c.customers == "customer_id,created_at,churned_at,channel,region\n" +
                           split(c.orders).rows[0][0] + ",2024-02-29,," +
                           split(c.customers).rows[0][3] + "," + split(c.customers).rows[0][4] +
                           "\n");
  CHECK(c.summary.costs == 9);  // one month × 9 rows
  CHECK(c.summary.retention_actions == 0);
  CHECK(c.summary.surveys == 0);  // answered 1-7 days later: past the window
  CHECK(split(c.actions).rows.empty());
  const csv leads = split(c.leads);
  CHECK(std::count_if(leads.rows.begin(), leads.rows.end(),
                      [](const auto& r) { return r[4] == "won"; }) == 1);
}

TEST_CASE("generate_company: windows at the ends of the calendar", "[generate][edge]") {
  crm::io::generate_options o = options_of(300, 4);
  o.start = crm::days_from_civil(1, 1, 1);
  o.days = 40;
  const company first = make(o);
  for (const auto& r : split(first.leads).rows) CHECK(r[1] >= "0001-01-01");  // not year 0
  CHECK(read("leads.csv", first.leads).report.rows_rejected == 0);
  o.start = crm::days_from_civil(9999, 12, 2);
  o.days = 30;
  const company last = make(o);
  for (const auto* text : {&last.surveys, &last.tickets, &last.leads}) {
    for (const auto& r : split(*text).rows) {
      for (const auto& cell : r) CHECK(cell.rfind("10000-", 0) == std::string::npos);
    }
  }
  CHECK(last.summary.costs == 9);  // 9999-12 only
}

TEST_CASE("generate_company: bad options write nothing", "[generate][errors]") {
  std::size_t calls = 0;
  crm::io::company_sinks sinks;
  sinks.customers = [&calls](std::string_view) { ++calls; };
  sinks.leads = [&calls](std::string_view) { ++calls; };
  crm::io::generate_options o = options_of(0, 1);
  CHECK_THROWS_AS(crm::io::generate_company(o, sinks), crm::invalid_input);
  o = options_of(10, 1);
  o.days = 0;
  CHECK_THROWS_WITH(crm::io::generate_company(o, sinks), Catch::Contains("days"));
  o.days = 40;
  o.start = crm::days_from_civil(9999, 12, 1);
  CHECK_THROWS_AS(crm::io::generate_company(o, sinks), crm::invalid_input);
  CHECK(calls == 0);
}
