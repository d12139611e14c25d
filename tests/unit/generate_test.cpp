#include "crm/io/generate.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

namespace {

std::string generate(std::uint64_t customers, std::uint64_t seed,
                     crm::io::generate_summary* summary = nullptr) {
  crm::io::generate_options o;
  o.customers = customers;
  o.seed = seed;
  std::string out;
  const auto s = crm::io::generate_orders(o, [&out](std::string_view chunk) { out += chunk; });
  if (summary != nullptr) *summary = s;
  return out;
}

struct row {
  std::uint64_t customer;
  std::uint64_t order;
  std::string date;
  std::int64_t cents;
};

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Parses and checks one generated line: `digits,digits,YYYY-MM-DD,digits.dd`.
row parse_line(const std::string& line) {
  std::vector<std::string> f;
  std::size_t at = 0;
  for (std::size_t comma; (comma = line.find(',', at)) != std::string::npos; at = comma + 1) {
    f.push_back(line.substr(at, comma - at));
  }
  f.push_back(line.substr(at));
  REQUIRE(f.size() == 4);
  REQUIRE(digits(f[0]));
  REQUIRE(digits(f[1]));
  REQUIRE(f[2].size() == 10);
  REQUIRE((digits(f[2].substr(0, 4)) && f[2][4] == '-' && digits(f[2].substr(5, 2)) &&
           f[2][7] == '-' && digits(f[2].substr(8, 2))));
  const std::size_t point = f[3].find('.');
  REQUIRE(point != std::string::npos);
  REQUIRE(digits(f[3].substr(0, point)));
  REQUIRE(f[3].size() == point + 3);
  REQUIRE(digits(f[3].substr(point + 1)));
  return {std::stoull(f[0]), std::stoull(f[1]), f[2],
          std::stoll(f[3].substr(0, point)) * 100 + std::stoll(f[3].substr(point + 1))};
}

std::vector<row> parse(const std::string& csv) {
  std::vector<row> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) rows.push_back(parse_line(line));
  return rows;
}

}  // namespace

TEST_CASE("generate_orders: the same seed gives the same bytes", "[generate]") {
  CHECK(generate(2000, 42) == generate(2000, 42));
  CHECK(generate(2000, 42) != generate(2000, 43));
}

TEST_CASE("generate_orders: shape of the export", "[generate]") {
  crm::io::generate_summary s;
  const std::string csv = generate(3000, 1, &s);
  CHECK(csv.rfind("customer_id,order_id,order_date,amount\n", 0) == 0);
  const std::vector<row> rows = parse(csv);
  CHECK(rows.size() == s.rows);
  CHECK(s.customers == 3000);  // every simulated customer buys at least once
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    cents += rows[i].cents;
    CHECK(rows[i].cents >= 1);
    CHECK(rows[i].date >= "2023-01-01");
    CHECK(rows[i].date <= "2024-12-31");
    if (i > 0) {
      CHECK(rows[i].order > rows[i - 1].order);  // order ids rise with time
      CHECK(rows[i].date >= rows[i - 1].date);   // rows sorted by time
    }
  }
  CHECK(cents == s.revenue_cents);
}

// The model's expectations, by hand: mean spend p·γ / (q − 1) = 6 × 15 / 3 = 30.00; the sd of a
// customer's mean spend 6 / ν is about 21, so over 50,000 customers the standard error of the AOV
// is about 0.1: ±1.0 is 10 standard errors. The repeat rate of the model is what the Python
// generator gives: `gen_transactions.py 50000 7` has 0.4228 (W1.md: 42 % at 430,000 customers);
// its binomial standard error at 50,000 customers is 0.0022, so ±0.02 allows for our different
// random stream and 9 standard errors.
TEST_CASE("generate_orders: statistical behaviour of the model", "[generate][slow]") {
  crm::io::generate_summary s;
  const std::vector<row> rows = parse(generate(50000, 7, &s));
  const double aov = static_cast<double>(s.revenue_cents) / 100.0 / static_cast<double>(s.rows);
  CHECK(aov == Approx(30.0).margin(1.0));
  std::vector<std::uint64_t> ids;
  for (const row& r : rows) ids.push_back(r.customer);
  std::sort(ids.begin(), ids.end());
  std::size_t repeaters = 0;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    if (j - i >= 2) ++repeaters;
    i = j;
  }
  CHECK(static_cast<double>(repeaters) / 50000.0 == Approx(0.4228).margin(0.02));
  // Acquisition grows from 1x to 2x: with F(x) = (x + x²/2) / 1.5 the share of first purchases
  // in the second half of the window is 1 − F(0.5) = 1 − 0.625 / 1.5 = 0.5833 (binomial standard
  // error 0.0022; the window halves at 2024-01-01 up to half a day).
  std::vector<std::string> first_date(ids.back() + 1);
  for (const row& r : rows) {
    if (first_date[r.customer].empty()) first_date[r.customer] = r.date;
  }
  std::size_t late = 0;
  for (const std::string& d : first_date) {
    if (!d.empty() && d >= "2024-01-01") ++late;
  }
  CHECK(static_cast<double>(late) / 50000.0 == Approx(0.5833).margin(0.01));
}

TEST_CASE("generate_orders: bad options", "[generate][errors]") {
  crm::io::generate_options o;
  o.customers = 0;
  CHECK_THROWS_AS(crm::io::generate_orders(o, [](std::string_view) {}), crm::invalid_input);
}
