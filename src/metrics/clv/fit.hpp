#pragma once

// Maximum-likelihood driver shared by the CLV models (internal).

#include <algorithm>
#include <cstddef>
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

/// Runs `part(begin, end, gradient_out)` -> partial log-likelihood over [0, size) in up to
/// `std::thread::hardware_concurrency()` slices (one when size < 50,000) and sums the results;
/// `gradient` receives the summed partial gradients (each part gets its own zeroed buffer).
template <class Part>
double parallel_sum(std::size_t size, std::span<double> gradient, Part&& part) {
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t slices = size < 50'000 ? 1 : std::min<std::size_t>(hw, 8);
  std::vector<std::vector<double>> grads(slices, std::vector<double>(gradient.size(), 0.0));
  std::vector<double> sums(slices, 0.0);
  const auto run = [&](std::size_t s) {
    const std::size_t begin = size * s / slices;
    const std::size_t end = size * (s + 1) / slices;
    sums[s] = part(begin, end, std::span<double>(grads[s]));
  };
  std::vector<std::thread> threads;
  for (std::size_t s = 1; s < slices; ++s) threads.emplace_back(run, s);
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
