// generate_company: every table kind of one simulated company.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/io/generate.hpp"
#include "crm/io/reader.hpp"

namespace {

using crm::io::read_result;

struct company {
  std::string orders, customers, surveys, tickets, leads, costs, actions;
  crm::io::company_summary summary;
};

company make(std::uint64_t customers, std::uint64_t seed) {
  company c;
  crm::io::generate_options o;
  o.customers = customers;
  o.seed = seed;
  const auto into = [](std::string& s) { return [&s](std::string_view chunk) { s += chunk; }; };
  crm::io::company_sinks sinks{into(c.orders), into(c.customers), into(c.surveys), into(c.tickets),
                               into(c.leads),  into(c.costs),     into(c.actions)};
  c.summary = crm::io::generate_company(o, sinks);
  return c;
}

read_result read(const std::string& name, const std::string& text) {
  return crm::io::read_table_from_memory(name, text);
}

/// The distinct customer ids of a table's customer column.
std::set<std::string> ids(const read_result& r) {
  std::set<std::string> out;
  const crm::io::column* key = r.data.customer_key();
  REQUIRE(key != nullptr);
  for (std::size_t i = 0; i < r.data.rows; ++i) {
    if (!key->is_missing(i)) out.insert(key->text(i));
  }
  return out;
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
  CHECK(make(3000, 8).surveys != a.surveys);
  // The orders are generate_orders' bytes for the same options.
  std::string orders;
  crm::io::generate_options o;
  o.customers = 3000;
  o.seed = 7;
  (void)crm::io::generate_orders(o, [&orders](std::string_view s) { orders += s; });
  CHECK(orders == a.orders);
  using crm::io::table_kind;
  CHECK(read("orders.csv", a.orders).data.kind() == table_kind::orders);
  CHECK(read("customers.csv", a.customers).data.kind() == table_kind::customers);
  CHECK(read("surveys.csv", a.surveys).data.kind() == table_kind::surveys);
  CHECK(read("tickets.csv", a.tickets).data.kind() == table_kind::tickets);
  CHECK(read("leads.csv", a.leads).data.kind() == table_kind::leads);
  CHECK(read("costs.csv", a.costs).data.kind() == table_kind::costs);
  CHECK(read("retention_actions.csv", a.actions).data.kind() == table_kind::retention_actions);
}

TEST_CASE("generate_company: one set of customers across the tables", "[generate][values]") {
  const company c = make(3000, 11);
  const std::set<std::string> customers = ids(read("customers.csv", c.customers));
  CHECK(customers.size() == 3000);
  CHECK(ids(read("orders.csv", c.orders)) == customers);
  for (const auto* text : {&c.surveys, &c.tickets, &c.actions}) {
    const std::set<std::string> used = ids(read("t.csv", *text));
    CHECK(std::includes(customers.begin(), customers.end(), used.begin(), used.end()));
  }
  // The won leads are exactly the customers, converting on their first order day = created_at.
  const read_result leads = read("leads.csv", c.leads);
  CHECK(ids(leads) == customers);
  const read_result people = read("customers.csv", c.customers);
  const crm::io::column& converted = *leads.data.find("converted_at");
  const crm::io::column& created = *leads.data.find("created_at");
  std::size_t won = 0;
  for (std::size_t i = 0; i < leads.data.rows; ++i) {
    if (converted.is_missing(i)) continue;
    ++won;
    CHECK(converted.ints[i] >= created.ints[i]);
  }
  CHECK(won == 3000);
  CHECK(people.data.find("created_at")->missing == 0);
}

TEST_CASE("generate_company: time order and scales", "[generate][values]") {
  const company c = make(2000, 3);
  const read_result t = read("tickets.csv", c.tickets);
  const auto& created = t.data.find("created_at")->ints;
  const auto& answered = t.data.find("first_response_at")->ints;
  const auto& resolved = t.data.find("resolved_at")->ints;
  for (std::size_t i = 0; i < t.data.rows; ++i) {
    if (answered[i] != crm::io::missing_int64) CHECK(answered[i] >= created[i]);
    if (resolved[i] != crm::io::missing_int64) CHECK(resolved[i] >= answered[i]);
  }
  const read_result s = read("surveys.csv", c.surveys);
  for (const auto& [name, lo, hi] : std::vector<std::tuple<const char*, double, double>>{
           {"nps", 0, 10}, {"csat", 1, 5}, {"ces", 1, 7}}) {
    const auto& v = s.data.find(name)->reals;
    CHECK(*std::min_element(v.begin(), v.end()) >= lo);
    CHECK(*std::max_element(v.begin(), v.end()) <= hi);
  }
}

TEST_CASE("generate_company: rows per table follow the model", "[generate][values]") {
  // 20 000 customers, about 2.43 orders each (the orders model) → ~48 600 orders. Surveys: 20 %
  // of orders (minus the few answered after the window) → 0.2 × orders ± 3 %. Tickets: 10 %.
  // Leads: one won per customer + Poisson(1.5) others → 2.5 per customer ± 2 %. Costs: 24
  // months (2023-01 .. 2024-12) × (5 channels + marketing + retention) = 168 rows exactly.
  const company c = make(20000, 5);
  const double orders = static_cast<double>(c.summary.orders.rows);
  CHECK(static_cast<double>(c.summary.surveys) == Approx(0.2 * orders).epsilon(0.03));
  CHECK(static_cast<double>(c.summary.tickets) == Approx(0.1 * orders).epsilon(0.05));
  CHECK(static_cast<double>(c.summary.leads) == Approx(2.5 * 20000).epsilon(0.02));
  CHECK(c.summary.customers == 20000);
  CHECK(c.summary.costs == 168);
}
