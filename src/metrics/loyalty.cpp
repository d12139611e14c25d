#include "crm/loyalty.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "crm/error.hpp"

namespace crm {
namespace {

/// SE of p+ − p− (a fraction) for shares of n answers: sqrt(((p+ + p−) − (p+ − p−)²) / n).
double se_of(double promoters, double detractors, double n) {
  const double p = promoters / n;
  const double d = detractors / n;
  return std::sqrt(std::max(0.0, (p + d) - (p - d) * (p - d)) / n);
}

void finish(nps_result& r, const nps_options& options) {
  const auto n = static_cast<double>(r.n());
  if (r.n() == 0) return;
  const auto p = static_cast<double>(r.promoters);
  const auto d = static_cast<double>(r.detractors);
  r.score = 100.0 * (p - d) / n;
  r.se = 100.0 * se_of(p, d, n);
  double centre = *r.score;
  double se = *r.se;
  if (options.method == nps_interval::adjusted_wald) {
    // Rocks (2016): add 0.75 promoters, 1.5 passives, 0.75 detractors (n + 3).
    const double na = n + 3.0;
    centre = 100.0 * ((p + 0.75) - (d + 0.75)) / na;
    se = 100.0 * se_of(p + 0.75, d + 0.75, na);
  }
  r.ci = interval{std::max(-100.0, centre - options.z * se),
                  std::min(100.0, centre + options.z * se), std::erf(options.z / std::sqrt(2.0))};
}

std::string number(double v) {
  std::string s = std::to_string(v);
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
    const bool dot = s.back() == '.';
    s.pop_back();
    if (dot) break;
  }
  return s;
}

}  // namespace

nps_result nps(std::span<const double> scores, const nps_options& options) {
  nps_result r;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double v = scores[i];
    if (std::isnan(v)) {
      ++r.no_answer;
      continue;
    }
    if (!(v >= 0.0 && v <= 10.0)) {
      throw invalid_input("score " + number(v) + " is outside 0..10",
                          {"nps", "score", static_cast<std::int64_t>(i), number(v)});
    }
    if (v != std::floor(v)) {
      throw invalid_input("score " + number(v) + " is not a whole number",
                          {"nps", "score", static_cast<std::int64_t>(i), number(v)});
    }
    if (v >= 9.0) {
      ++r.promoters;
    } else if (v >= 7.0) {
      ++r.passives;
    } else {
      ++r.detractors;
    }
  }
  finish(r, options);
  return r;
}

nps_result nps_from_counts(std::uint64_t promoters, std::uint64_t passives,
                           std::uint64_t detractors, const nps_options& options) {
  nps_result r;
  r.promoters = promoters;
  r.passives = passives;
  r.detractors = detractors;
  finish(r, options);
  return r;
}

std::optional<nps_difference_result> nps_difference(const nps_result& a, const nps_result& b,
                                                    double z) {
  if (a.n() == 0 || b.n() == 0 || !a.se || !b.se) return std::nullopt;
  const double se = std::sqrt(*a.se * *a.se + *b.se * *b.se);
  if (se == 0.0) return std::nullopt;
  nps_difference_result d;
  d.difference = *b.score - *a.score;
  d.se = se;
  d.z = d.difference / se;
  d.p_value = std::erfc(std::fabs(d.z) / std::sqrt(2.0));
  d.ci = interval{d.difference - z * se, d.difference + z * se, std::erf(z / std::sqrt(2.0))};
  return d;
}

proportion recommendation_rate(std::span<const std::uint8_t> would_recommend) {
  proportion p;
  for (const std::uint8_t v : would_recommend) {
    if (v > 1) continue;
    ++p.n;
    p.hits += v;
  }
  return p;
}

}  // namespace crm
