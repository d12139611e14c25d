#include "crm/clv/common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>

#include "crm/error.hpp"

namespace crm::clv {

namespace {

[[noreturn]] void bad_row(const char* function, const char* column, std::size_t row, double value,
                          const std::string& reason) {
  throw invalid_input(reason,
                      {function, column, static_cast<std::int64_t>(row), std::to_string(value)});
}

void check_row(const rfm_view& d, const char* function, std::size_t i) {
  const double x = d.x[i];
  const double t_x = d.t_x[i];
  const double T = d.T[i];
  if (!std::isfinite(x) || x < 0.0 || x != std::floor(x)) {
    bad_row(function, "x", i, x, "frequency must be a whole number >= 0");
  }
  if (!std::isfinite(T) || T <= 0.0) bad_row(function, "T", i, T, "age T must be > 0");
  if (!std::isfinite(t_x) || t_x < 0.0 || t_x > T) {
    bad_row(function, "t_x", i, t_x, "recency must lie in [0, T]");
  }
  if (x == 0.0 && t_x != 0.0) bad_row(function, "t_x", i, t_x, "recency must be 0 when x = 0");
  if (!d.weight.empty() && (!std::isfinite(d.weight[i]) || d.weight[i] <= 0.0)) {
    bad_row(function, "weight", i, d.weight[i], "weight must be > 0");
  }
}

}  // namespace

void validate(const rfm_view& data, const char* function) {
  require_same_length(function, "x", data.x.size(), "t_x", data.t_x.size());
  require_same_length(function, "x", data.x.size(), "T", data.T.size());
  if (!data.weight.empty()) {
    require_same_length(function, "x", data.x.size(), "weight", data.weight.size());
  }
  for (std::size_t i = 0; i < data.size(); ++i) check_row(data, function, i);
}

rfm_patterns compress(const rfm_view& data) {
  std::vector<std::size_t> order(data.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto key_less = [&](std::size_t a, std::size_t b) {
    if (data.x[a] != data.x[b]) return data.x[a] < data.x[b];
    if (data.t_x[a] != data.t_x[b]) return data.t_x[a] < data.t_x[b];
    return data.T[a] < data.T[b];
  };
  std::sort(order.begin(), order.end(), key_less);
  rfm_patterns out;
  for (std::size_t i : order) {
    const double w = data.weight.empty() ? 1.0 : data.weight[i];
    if (!out.x.empty() && out.x.back() == data.x[i] && out.t_x.back() == data.t_x[i] &&
        out.T.back() == data.T[i]) {
      out.weight.back() += w;
      continue;
    }
    out.x.push_back(data.x[i]);
    out.t_x.push_back(data.t_x[i]);
    out.T.push_back(data.T[i]);
    out.weight.push_back(w);
  }
  return out;
}

void check_discounting(unsigned periods, double step, double discount_rate) {
  if (periods == 0) {
    throw invalid_input("the horizon needs at least one period",
                        {"discounted_value", "periods", -1, "0"});
  }
  if (!std::isfinite(step) || step <= 0.0) {
    throw invalid_input("the period length must be > 0",
                        {"discounted_value", "step", -1, std::to_string(step)});
  }
  if (!std::isfinite(discount_rate) || discount_rate <= -1.0) {
    throw invalid_input("the discount rate must be > -1",
                        {"discounted_value", "discount_rate", -1, std::to_string(discount_rate)});
  }
}

std::vector<double> fit_result::values() const {
  std::vector<double> out;
  out.reserve(params.size());
  for (const auto& p : params) out.push_back(p.value);
  return out;
}

double fit_result::aic() const noexcept {
  return 2.0 * static_cast<double>(params.size()) - 2.0 * log_likelihood;
}

double fit_result::bic() const noexcept {
  return static_cast<double>(params.size()) * std::log(n) - 2.0 * log_likelihood;
}

}  // namespace crm::clv
