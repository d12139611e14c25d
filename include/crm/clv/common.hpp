#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace crm::clv {

/// Per-customer repeat-purchase summary as caller-owned columns of equal length, one element per
/// customer (or per group of identical customers, with `weight` = how many). Nothing is copied.
/// Time is in one unit throughout (days, weeks, months: the caller's choice).
struct rfm_view {
  std::span<const double> x;         ///< frequency: repeat purchases (whole number >= 0)
  std::span<const double> t_x;       ///< recency: time of the last purchase since the first;
                                     ///< 0 when x = 0; 0 <= t_x <= T
  std::span<const double> T;         ///< age: time from the first purchase to the end of
                                     ///< calibration; T > 0
  std::span<const double> weight{};  ///< customers per row (> 0); empty = 1 each

  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

/// Checks an rfm_view at a library boundary. Throws crm::invalid_input naming `function`, the
/// column and the first bad row: lengths differ, x negative / not whole / not finite, T <= 0 or
/// not finite, t_x outside [0, T], t_x > 0 with x = 0 is accepted only as 0 (x = 0 needs
/// t_x = 0), weight <= 0 or not finite.
void validate(const rfm_view& data, const char* function);

/// Identical (x, t_x, T) rows merged, with their summed weights: every likelihood is a weighted
/// sum over these. Order: by x, then t_x, then T (deterministic).
struct rfm_patterns {
  std::vector<double> x, t_x, T, weight;
  [[nodiscard]] rfm_view view() const noexcept { return {x, t_x, T, weight}; }
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

/// Compresses a validated view into unique patterns (exact equality of the doubles).
[[nodiscard]] rfm_patterns compress(const rfm_view& data);

/// Options of every maximum-likelihood fit.
struct fit_options {
  std::vector<double> start;         ///< starting parameters (model order); empty = model default
  int max_iterations = 1000;         ///< L-BFGS iterations
  double gradient_tolerance = 1e-9;  ///< stop when |∇ LL| in log-parameter space falls below this
                                     ///< times the number of customers
};

/// One fitted parameter.
struct parameter_estimate {
  std::string name;        ///< "r", "alpha", ...
  double value = 0.0;      ///< maximum-likelihood estimate (> 0)
  double std_error = 0.0;  ///< from the inverse observed information (Hessian of −LL) at the
                           ///< estimate; NaN when the Hessian is singular
};

/// Result of a maximum-likelihood fit.
struct fit_result {
  std::vector<parameter_estimate> params;  ///< in the model's documented order
  double log_likelihood = 0.0;             ///< total LL at the estimate
  double n = 0.0;                          ///< observations (customers, or summed weights)
  int iterations = 0;                      ///< optimiser iterations, Newton polish included
  double gradient_norm = 0.0;              ///< |∇ LL| (parameter space) at the estimate
  bool converged = false;                  ///< gradient test met
  std::string message;                     ///< why the optimiser stopped

  /// Parameter values in model order.
  [[nodiscard]] std::vector<double> values() const;
  /// Akaike: 2k − 2 LL.
  [[nodiscard]] double aic() const noexcept;
  /// Schwarz: k ln n − 2 LL.
  [[nodiscard]] double bic() const noexcept;
};

/// Throws crm::invalid_input unless periods >= 1, step > 0 and discount_rate > −1 (all finite).
void check_discounting(unsigned periods, double step, double discount_rate);

/// Present value of a customer's future spend (lifetimes' `customer_lifetime_value`, Fader,
/// Hardie & Lee 2005): Σ_{i=1..periods} (E[X(i·step)] − E[X((i−1)·step)]) · spend / (1+d)^i,
/// where `expected_cumulative(t)` is the model's conditional expected purchases in (T, T+t],
/// `step` the length of one discounting period in the model's time unit and `d` the discount
/// rate per period. Throws crm::invalid_input for periods = 0, step <= 0 or d <= −1.
template <class Expected>
[[nodiscard]] double discounted_value(Expected&& expected_cumulative, double spend,
                                      unsigned periods, double step, double discount_rate) {
  check_discounting(periods, step, discount_rate);
  double value = 0.0;
  double previous = 0.0;
  double factor = 1.0;
  for (unsigned i = 1; i <= periods; ++i) {
    const double cumulative = expected_cumulative(static_cast<double>(i) * step);
    factor /= 1.0 + discount_rate;
    value += (cumulative - previous) * spend * factor;
    previous = cumulative;
  }
  return value;
}

}  // namespace crm::clv
