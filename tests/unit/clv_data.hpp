#pragma once

// The CLV test datasets of tests/data/clv (lifetimes' copies of Fader & Hardie's data, MIT; see
// tests/data/README.md), read with a plain parser so the tests do not depend on our reader.

#include <cstddef>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "crm/error.hpp"

namespace clv_data {

/// Rows of a small numeric CSV with a header line (every field a number).
inline std::vector<std::vector<double>> read_numeric_csv(const std::string& name) {
  std::ifstream in(std::string(CRM_TEST_DATA_DIR) + "/clv/" + name);
  if (!in) throw std::runtime_error("cannot open tests/data/clv/" + name);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

/// CDNOW 1/10 sample, Hardie's calibration summary in weeks (2,357 customers).
struct cdnow {
  std::vector<double> x, t_x, T, zbar;
};

inline cdnow load_cdnow() {
  cdnow d;
  for (const auto& row : read_numeric_csv("cdnow_summary.csv")) {  // ID,x,t_x,T,zbar
    d.x.push_back(row.at(1));
    d.t_x.push_back(row.at(2));
    d.T.push_back(row.at(3));
    d.zbar.push_back(row.at(4));
  }
  return d;
}

/// FHS (2010) donations: 22 (x, t_x, n) patterns with counts (11,104 donors).
struct donations {
  std::vector<double> x, t_x, n, weight;
};

inline donations load_donations() {
  donations d;
  for (const auto& row : read_numeric_csv("donations.csv")) {  // frequency,recency,periods,weights
    d.x.push_back(row.at(0));
    d.t_x.push_back(row.at(1));
    d.n.push_back(row.at(2));
    d.weight.push_back(row.at(3));
  }
  return d;
}

/// The crm::invalid_input that `f` throws; a std::logic_error (which fails the test) when it
/// throws none.
template <class F>
crm::invalid_input thrown(F&& f) {
  try {
    f();
  } catch (const crm::invalid_input& e) {
    return e;
  }
  throw std::logic_error("no crm::invalid_input thrown");
}

}  // namespace clv_data
