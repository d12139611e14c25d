#include "fit.hpp"

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
    double step = 1.0;
    vector trial;
    vector tgrad;
    double tf = std::numeric_limits<double>::infinity();
    for (int half = 0; half < 40; ++half, step *= 0.5) {
      trial = theta + step * dir;
      tf = gradient_at(f, trial, tgrad);
      if (std::isfinite(tf) && tf <= fx) break;
    }
    if (!(tf <= fx)) {
      message = "Newton polish found no decrease";
      return it;
    }
    theta = trial;
    grad = tgrad;
    fx = tf;
  }
  return it;
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
  const matrix info = -0.5 * (h + h.transpose());
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

}  // namespace

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
