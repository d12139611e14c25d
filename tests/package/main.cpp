// Reads an orders export with crm::io and prints its table kind, rows and revenue.
#include <cstdio>
#include <numeric>

#include "crm/dates.hpp"
#include "crm/io/reader.hpp"
#include "crm/io/table.hpp"
#include "crm/version.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer FILE\n");
    return 64;
  }
  const crm::io::read_result r = crm::io::read_table(argv[1]);
  const crm::io::column* amount = r.data.find("amount");
  if (amount == nullptr) return 1;
  const auto total = std::accumulate(amount->ints.begin(), amount->ints.end(), std::int64_t{0});
  std::printf("crm-metrics %s: %s, %zu rows, revenue %s, first day %s\n", crm::version_string,
              std::string(crm::io::to_string(r.data.kind())).c_str(), r.data.rows,
              crm::io::format_money(total).c_str(), crm::format_date(0).c_str());
  // bom_utf8_orders.csv: 3 rows, 10.00 + 20.50 + 5.25 = 35.75
  return r.data.rows == 3 && total == 357500 ? 0 : 1;
}
