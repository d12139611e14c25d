#pragma once

// Maximum-likelihood driver shared by the CLV models (internal).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "crm/clv/common.hpp"

namespace crm::clv::detail {

/// Total log-likelihood at `params` (every one > 0); writes d LL / d params into `gradient`
/// (same size). May return −inf or NaN for parameters where the model is undefined: the driver
/// treats that as a rejected step.
using log_likelihood_fn =
    std::function<double(std::span<const double> params, std::span<double> gradient)>;

/// Maximises `log_likelihood` over positive parameters: L-BFGS in log-parameter space from
/// `options.start` (or `default_start`), then Newton steps on a finite-difference Hessian of the
/// analytic gradient, then standard errors from that Hessian in parameter space. `n` = number of
/// observations (for the tolerance and BIC). Never throws for a failed optimisation: the result
/// says converged = false with the reason. Throws crm::invalid_input for a start of the wrong
/// size or with a value <= 0.
[[nodiscard]] fit_result maximize(const log_likelihood_fn& log_likelihood,
                                  std::vector<std::string> names, std::vector<double> default_start,
                                  double n, const fit_options& options);

/// Total log-likelihood at `params` with d LL / d params into `gradient` and the Hessian of LL
/// (row-major k × k, parameter space) into `hessian`; either output may be empty = not wanted.
using log_likelihood_hessian_fn = std::function<double(
    std::span<const double> params, std::span<double> gradient, std::span<double> hessian)>;

/// Optional help for maximize on large data; the estimate is still the full-data maximum with
/// the same gradient test.
struct maximize_extras {
  /// The analytic Hessian of the same likelihood: the Newton polish uses it (one evaluation per
  /// step instead of 2k + 1) and so do the standard errors.
  log_likelihood_hessian_fn hessian;
  /// A warm start: the log-likelihood of a deterministic subsample (sample_n observations).
  /// L-BFGS runs on it and only the Newton polish on the full data (needs `hessian`); if that
  /// polish fails, L-BFGS runs on the full data from there, then the polish again.
  log_likelihood_fn sample;
  double sample_n = 0.0;
};

/// maximize with extras (an empty `extras` behaves as the overload above).
[[nodiscard]] fit_result maximize(const log_likelihood_fn& log_likelihood,
                                  std::vector<std::string> names, std::vector<double> default_start,
                                  double n, const fit_options& options,
                                  const maximize_extras& extras);

/// Distinct values of a column (validated: finite), ascending, and per row the index of its
/// value among them (through a direct table for whole numbers >= 0 up to a few times the row
/// count, else bisection): likelihood terms of x alone are then computed once per distinct x.
struct value_index {
  std::vector<double> values;
  std::vector<std::uint32_t> slot;
};
[[nodiscard]] value_index index_values(std::span<const double> x);

/// Runs `part(begin, end, gradient_out)` -> partial log-likelihood over [0, size) in a fixed
/// number of slices (one when size < 50,000, else 8) on up to
/// `std::thread::hardware_concurrency()` threads and sums the results in slice order, so the
/// value does not depend on the machine's core count; `gradient` receives the summed partial
/// gradients (each slice gets its own zeroed buffer).
template <class Part>
double parallel_sum(std::size_t size, std::span<double> gradient, Part&& part) {
  const std::size_t slices = size < 50'000 ? 1 : 8;
  const std::size_t workers =
      std::min<std::size_t>(slices, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::vector<double>> grads(slices, std::vector<double>(gradient.size(), 0.0));
  std::vector<double> sums(slices, 0.0);
  const auto run = [&](std::size_t w) {
    for (std::size_t s = w; s < slices; s += workers) {
      const std::size_t begin = size * s / slices;
      const std::size_t end = size * (s + 1) / slices;
      sums[s] = part(begin, end, std::span<double>(grads[s]));
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(run, w);
  run(0);
  for (auto& t : threads) t.join();
  double total = 0.0;
  std::fill(gradient.begin(), gradient.end(), 0.0);
  for (std::size_t s = 0; s < slices; ++s) {
    total += sums[s];
    for (std::size_t k = 0; k < gradient.size(); ++k) gradient[k] += grads[s][k];
  }
  return total;
}

}  // namespace crm::clv::detail
