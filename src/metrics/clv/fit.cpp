#include "fit.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <utility>

#include <Eigen/Dense>

#include "crm/error.hpp"

#include <LBFGS.h>

namespace crm::clv::detail {

namespace {

using vector = Eigen::VectorXd;
using matrix = Eigen::MatrixXd;

/// −LL / n in log-parameter space θ = ln p, with its gradient; remembers the best point seen
/// (a line search that gives up leaves its last trial point, not the best one, in x).
class objective {
 public:
  objective(const log_likelihood_fn& ll, double n) : ll_(ll), n_(n) {}

  double operator()(const vector& theta, vector& grad) {
    const auto k = static_cast<std::size_t>(theta.size());
    std::vector<double> p(k);
    std::vector<double> g(k, 0.0);
    for (std::size_t i = 0; i < k; ++i) p[i] = std::exp(theta[static_cast<Eigen::Index>(i)]);
    const double value = ll_(p, g);
    grad.resize(theta.size());
    if (!std::isfinite(value)) {
      grad.setZero();
      return std::numeric_limits<double>::infinity();
    }
    for (std::size_t i = 0; i < k; ++i) grad[static_cast<Eigen::Index>(i)] = -p[i] * g[i] / n_;
    const double f = -value / n_;
    if (f < best_f_ && grad.allFinite()) {
      best_f_ = f;
      best_theta_ = theta;
    }
    return f;
  }

  [[nodiscard]] bool has_best() const noexcept { return best_theta_.size() > 0; }
  [[nodiscard]] const vector& best_theta() const noexcept { return best_theta_; }

 private:
  const log_likelihood_fn& ll_;
  double n_;
  double best_f_ = std::numeric_limits<double>::infinity();
  vector best_theta_;
};

/// Gradient of −LL/n in θ; returns f.
double gradient_at(objective& f, const vector& theta, vector& grad) { return f(theta, grad); }

/// Hessian of f by central differences of its analytic gradient, symmetrised.
matrix hessian(objective& f, const vector& theta) {
  const Eigen::Index k = theta.size();
  matrix h(k, k);
  vector gp;
  vector gm;
  for (Eigen::Index j = 0; j < k; ++j) {
    const double step = 1e-5 * std::max(1.0, std::abs(theta[j]));
    vector tp = theta;
    vector tm = theta;
    tp[j] += step;
    tm[j] -= step;
    gradient_at(f, tp, gp);
    gradient_at(f, tm, gm);
    h.col(j) = (gp - gm) / (2.0 * step);
  }
  return 0.5 * (h + h.transpose());
}

/// Rounding noise of f = −LL/n: a sum over many customers is exact only to a few ulps of |f|
/// times a modest factor, so decreases below this cannot be seen.
double rounding_noise(double f) {
  return 64.0 * std::numeric_limits<double>::epsilon() * (1.0 + std::abs(f));
}

/// A Newton trial is taken when f decreases; at the rounding noise of f, when f does not
/// visibly increase and the gradient shrinks (near the optimum of a large sample the predicted
/// decrease ½ gᵀH⁻¹g falls below the noise of f while the gradient test is not yet met); and
/// when the gradient at least halves while f rises by less than 1e-11 of itself. The last
/// because `noise` assumes terms of about |f|, while a sum of lgamma values in the hundreds per
/// customer is noisier: on 50,000 Gamma-Gamma buyers the final step cut the gradient from 8e-8
/// to 1e-13 and f rose by 8.6e-14 against a noise allowance of 7.3e-14 (test "converges where
/// f's rounding noise exceeds Newton's last decrease"). A relative change of 1e-11 in −LL/n is
/// far below any difference an estimate could show.
bool acceptable(double tf, double tgrad_norm, double fx, double grad_norm, double noise) {
  if (!std::isfinite(tf) || !std::isfinite(tgrad_norm)) return false;
  if (tf <= fx || (tf <= fx + noise && tgrad_norm < grad_norm)) return true;
  return tf <= fx + 1e-11 * (1.0 + std::abs(fx)) && tgrad_norm <= 0.5 * grad_norm;
}

/// Newton steps with step halving from θ; returns the iterations taken.
int newton_polish(objective& f, vector& theta, double tolerance, std::string& message) {
  vector grad;
  double fx = gradient_at(f, theta, grad);
  int it = 0;
  for (; it < 50 && grad.norm() > tolerance; ++it) {
    const matrix h = hessian(f, theta);
    Eigen::LDLT<matrix> ldlt(h);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) {
      message = "Hessian not positive definite during Newton polish";
      return it;
    }
    const vector dir = -ldlt.solve(grad);
    const double noise = rounding_noise(fx);
    const bool at_noise = -0.5 * grad.dot(dir) < noise;
    double step = 1.0;
    vector trial;
    vector tgrad;
    double tf = std::numeric_limits<double>::infinity();
    bool accepted = false;
    for (int half = 0; half < 40 && !accepted; ++half, step *= 0.5) {
      trial = theta + step * dir;
      tf = gradient_at(f, trial, tgrad);
      accepted = acceptable(tf, tgrad.norm(), fx, grad.norm(), noise);
      if (at_noise) break;  // halving cannot show a decrease below the rounding noise
    }
    if (!accepted) {
      message = "Newton polish found no decrease";
      return it;
    }
    theta = trial;
    grad = tgrad;
    fx = tf;
  }
  return it;
}

/// Square roots of the diagonal of the inverse of the observed information (NaN where it is
/// singular or not positive definite).
std::vector<double> errors_from_information(const matrix& info) {
  const auto k = static_cast<std::size_t>(info.rows());
  std::vector<double> se(k, std::numeric_limits<double>::quiet_NaN());
  Eigen::LDLT<matrix> ldlt(info);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || !info.allFinite()) return se;
  const matrix cov = ldlt.solve(matrix::Identity(info.rows(), info.cols()));
  for (std::size_t j = 0; j < k; ++j) {
    const double v = cov(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j));
    if (v > 0.0 && std::isfinite(v)) se[j] = std::sqrt(v);
  }
  return se;
}

/// Standard errors from the Hessian of LL in parameter space (central differences of ∇LL).
std::vector<double> standard_errors(const log_likelihood_fn& ll, const std::vector<double>& p) {
  const std::size_t k = p.size();
  matrix h(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  std::vector<double> gp(k);
  std::vector<double> gm(k);
  for (std::size_t j = 0; j < k; ++j) {
    const double step = 1e-5 * p[j];
    std::vector<double> pp = p;
    std::vector<double> pm = p;
    pp[j] += step;
    pm[j] -= step;
    ll(pp, gp);
    ll(pm, gm);
    for (std::size_t i = 0; i < k; ++i) {
      h(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = (gp[i] - gm[i]) / (2 * step);
    }
  }
  return errors_from_information(-0.5 * (h + h.transpose()));
}

vector log_start(const std::vector<double>& start) {
  vector theta(static_cast<Eigen::Index>(start.size()));
  for (std::size_t i = 0; i < start.size(); ++i) {
    if (!std::isfinite(start[i]) || start[i] <= 0.0) {
      throw invalid_input("every starting value must be > 0",
                          {"fit", "start", static_cast<std::int64_t>(i), std::to_string(start[i])});
    }
    theta[static_cast<Eigen::Index>(i)] = std::log(start[i]);
  }
  return theta;
}

/// L-BFGS from θ; θ ends at the best point seen. Returns iterations; sets message.
int run_lbfgs(objective& f, vector& theta, const fit_options& options, double tolerance,
              std::string& message) {
  LBFGSpp::LBFGSParam<double> param;
  param.epsilon = tolerance;
  param.epsilon_rel = 0.0;
  param.max_iterations = options.max_iterations;
  param.max_linesearch = 60;
  LBFGSpp::LBFGSSolver<double> solver(param);
  double fx = 0.0;
  int iterations = 0;
  try {
    iterations = solver.minimize(f, theta, fx);
    message = "gradient below tolerance";
  } catch (const std::exception& e) {
    message = e.what();
  }
  if (f.has_best()) theta = f.best_theta();
  return iterations;
}

/// f = −LL/n at θ with its gradient and Hessian in θ (from the analytic ones in parameter
/// space: ∂²f/∂θi∂θj = −(pi pj Hij + δij pi gi) / n), and the parameter-space gradient and
/// Hessian of LL for the result.
struct local_model {
  double value = 0.0;  // LL
  double f = 0.0;
  vector grad;  // of f in θ
  matrix hess;  // of f in θ
  std::vector<double> ll_grad;
  matrix ll_hess;
  bool ok = false;
};

local_model evaluate(const log_likelihood_hessian_fn& ll, const vector& theta, double n) {
  const Eigen::Index k = theta.size();
  const auto ku = static_cast<std::size_t>(k);
  std::vector<double> p(ku);
  for (std::size_t i = 0; i < ku; ++i) p[i] = std::exp(theta[static_cast<Eigen::Index>(i)]);
  local_model m;
  m.ll_grad.assign(ku, 0.0);
  std::vector<double> h(ku * ku, 0.0);
  m.value = ll(p, m.ll_grad, h);
  m.f = -m.value / n;
  m.grad.resize(k);
  m.hess.resize(k, k);
  m.ll_hess.resize(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    const double pi = p[static_cast<std::size_t>(i)];
    m.grad[i] = -pi * m.ll_grad[static_cast<std::size_t>(i)] / n;
    for (Eigen::Index j = 0; j < k; ++j) {
      const double hij = h[static_cast<std::size_t>(i * k + j)];
      m.ll_hess(i, j) = hij;
      m.hess(i, j) = -pi * p[static_cast<std::size_t>(j)] * hij / n;
    }
    m.hess(i, i) += m.grad[i];
  }
  m.hess = 0.5 * (m.hess + m.hess.transpose());
  m.ll_hess = 0.5 * (m.ll_hess + m.ll_hess.transpose());
  m.ok = std::isfinite(m.value) && m.grad.allFinite() && m.hess.allFinite();
  return m;
}

/// Newton steps with the analytic Hessian and step halving from θ, where `at` is the model at
/// θ on entry and at the final θ on return. Returns the iterations taken.
int newton_analytic(const log_likelihood_hessian_fn& ll, double n, vector& theta, local_model& at,
                    double tolerance, std::string& message) {
  int it = 0;
  for (; it < 50 && at.ok && at.grad.norm() > tolerance; ++it) {
    Eigen::LDLT<matrix> ldlt(at.hess);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) {
      message = "Hessian not positive definite during Newton polish";
      return it;
    }
    const vector dir = -ldlt.solve(at.grad);
    const double noise = rounding_noise(at.f);
    const bool at_noise = -0.5 * at.grad.dot(dir) < noise;
    double step = 1.0;
    bool accepted = false;
    local_model trial;
    vector t;
    for (int half = 0; half < 40 && !accepted; ++half, step *= 0.5) {
      t = theta + step * dir;
      trial = evaluate(ll, t, n);
      accepted = trial.ok && acceptable(trial.f, trial.grad.norm(), at.f, at.grad.norm(), noise);
      if (at_noise) break;
    }
    if (!accepted) {
      message = "Newton polish found no decrease";
      return it;
    }
    theta = t;
    at = std::move(trial);
  }
  return it;
}

/// The analytic path of maximize (extras.hessian set).
fit_result maximize_analytic(const log_likelihood_fn& log_likelihood,
                             const std::vector<std::string>& names,
                             const std::vector<double>& start, double n, const fit_options& options,
                             const maximize_extras& extras) {
  const double scale = n > 0.0 ? n : 1.0;
  const double tolerance = options.gradient_tolerance;
  vector theta = log_start(start);
  fit_result out;
  const bool warm = static_cast<bool>(extras.sample) && extras.sample_n > 0.0;
  if (warm) {
    objective fs(extras.sample, extras.sample_n);
    out.iterations = run_lbfgs(fs, theta, options, tolerance * 100.0, out.message);
  } else {
    objective f(log_likelihood, scale);
    out.iterations = run_lbfgs(f, theta, options, tolerance * 100.0, out.message);
  }
  local_model at = evaluate(extras.hessian, theta, scale);
  out.iterations += newton_analytic(extras.hessian, scale, theta, at, tolerance, out.message);
  if (warm && !(at.ok && at.grad.norm() <= tolerance * 10.0)) {
    // The subsample's optimum was not close enough: the full data from there.
    objective f(log_likelihood, scale);
    out.iterations += run_lbfgs(f, theta, options, tolerance * 100.0, out.message);
    at = evaluate(extras.hessian, theta, scale);
    out.iterations += newton_analytic(extras.hessian, scale, theta, at, tolerance, out.message);
  }
  out.log_likelihood = at.value;
  double norm2 = 0.0;
  for (double v : at.ll_grad) norm2 += v * v;
  out.gradient_norm = std::sqrt(norm2);
  out.converged = at.ok && std::isfinite(out.log_likelihood) && at.grad.norm() <= tolerance * 10.0;
  if (out.converged) out.message = "converged";
  out.n = n;
  const std::vector<double> se = at.ok ? errors_from_information(-at.ll_hess)
                                       : std::vector<double>(names.size(), std::nan(""));
  for (std::size_t i = 0; i < names.size(); ++i) {
    out.params.push_back({names[i], std::exp(theta[static_cast<Eigen::Index>(i)]), se[i]});
  }
  return out;
}

}  // namespace

value_index index_values(std::span<const double> x) {
  value_index out;
  out.slot.resize(x.size());
  double largest = 0.0;
  bool whole = true;
  for (double v : x) {
    largest = std::max(largest, v);
    whole = whole && v >= 0.0 && v == std::floor(v);
  }
  if (whole && largest <= 4.0 * static_cast<double>(x.size()) + 1024.0) {
    // Direct table: value -> slot, slots in ascending order of value.
    std::vector<std::uint32_t> table(static_cast<std::size_t>(largest) + 1, 0);
    for (double v : x) table[static_cast<std::size_t>(v)] = 1;
    for (std::size_t v = 0; v < table.size(); ++v) {
      if (table[v] == 0) continue;
      table[v] = static_cast<std::uint32_t>(out.values.size());
      out.values.push_back(static_cast<double>(v));
    }
    for (std::size_t i = 0; i < x.size(); ++i) out.slot[i] = table[static_cast<std::size_t>(x[i])];
    return out;
  }
  out.values.assign(x.begin(), x.end());
  std::sort(out.values.begin(), out.values.end());
  out.values.erase(std::unique(out.values.begin(), out.values.end()), out.values.end());
  for (std::size_t i = 0; i < x.size(); ++i) {
    out.slot[i] = static_cast<std::uint32_t>(
        std::lower_bound(out.values.begin(), out.values.end(), x[i]) - out.values.begin());
  }
  return out;
}

fit_result maximize(const log_likelihood_fn& log_likelihood, std::vector<std::string> names,
                    std::vector<double> default_start, double n, const fit_options& options,
                    const maximize_extras& extras) {
  if (!extras.hessian) {
    return maximize(log_likelihood, std::move(names), std::move(default_start), n, options);
  }
  const std::vector<double>& start = options.start.empty() ? default_start : options.start;
  if (start.size() != names.size()) {
    throw invalid_input("the start needs " + std::to_string(names.size()) + " values",
                        {"fit", "start", -1, std::to_string(start.size())});
  }
  return maximize_analytic(log_likelihood, names, start, n, options, extras);
}

fit_result maximize(const log_likelihood_fn& log_likelihood, std::vector<std::string> names,
                    std::vector<double> default_start, double n, const fit_options& options) {
  const std::vector<double>& start = options.start.empty() ? default_start : options.start;
  if (start.size() != names.size()) {
    throw invalid_input("the start needs " + std::to_string(names.size()) + " values",
                        {"fit", "start", -1, std::to_string(start.size())});
  }
  const double scale = n > 0.0 ? n : 1.0;
  objective f(log_likelihood, scale);
  vector theta = log_start(start);
  // Tolerance on |∇(−LL/n)| in θ; the Newton polish goes further than L-BFGS alone.
  const double tolerance = options.gradient_tolerance;
  fit_result out;
  out.iterations = run_lbfgs(f, theta, options, tolerance * 100.0, out.message);
  out.iterations += newton_polish(f, theta, tolerance, out.message);
  vector grad;
  gradient_at(f, theta, grad);
  std::vector<double> p(names.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::exp(theta[static_cast<Eigen::Index>(i)]);
  std::vector<double> g(p.size());
  out.log_likelihood = log_likelihood(p, g);
  double norm2 = 0.0;
  for (double v : g) norm2 += v * v;
  out.gradient_norm = std::sqrt(norm2);
  out.converged = std::isfinite(out.log_likelihood) && grad.norm() <= tolerance * 10.0;
  if (out.converged) out.message = "converged";
  out.n = n;
  const std::vector<double> se = standard_errors(log_likelihood, p);
  for (std::size_t i = 0; i < p.size(); ++i) out.params.push_back({names[i], p[i], se[i]});
  return out;
}

}  // namespace crm::clv::detail
