// Loyalty kernels (docs/metrics.md "Loyalty"): NPS with its standard error and interval, the
// two-sample difference test and the recommendation rate. One pass over the answers, no
// allocation; per answer the only branches are the blank test and the cold error branch.
#include "crm/loyalty.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "crm/error.hpp"

#include "text.hpp"

namespace crm {
namespace {

std::string number(double v) { return detail::number_text(v); }

void check_z(const char* function, double z) {
  if (std::isfinite(z) && z > 0.0) {
    return;
  }
  throw invalid_input("z " + number(z) + " must be a positive number (1.96 for 95 %)",
                      {function, "z", -1, number(z)});
}

/// Two-sided coverage of ± z on the standard normal.
double level_of(double z) { return std::erf(z / std::sqrt(2.0)); }

/// SE of p+ − p− (a fraction) for `promoters` and `detractors` among n answers (counts may be
/// fractional, as the adjusted ones): √(((p+ + p−) − (p+ − p−)²) / n).
double se_of(double promoters, double detractors, double n) {
  const double p = promoters / n;
  const double d = detractors / n;
  return std::sqrt(std::max(0.0, (p + d) - (p - d) * (p - d)) / n);
}

/// Observed NPS and Wald SE, in points, of a result with n() > 0 (from its counts).
struct observed {
  double score = 0.0;
  double se = 0.0;
};
observed observe(const nps_result& r) {
  const auto n = static_cast<double>(r.n());
  const auto p = static_cast<double>(r.promoters);
  const auto d = static_cast<double>(r.detractors);
  return {100.0 * (p - d) / n, 100.0 * se_of(p, d, n)};
}

/// Fills score, se and ci of `r` from its counts (nothing when n = 0).
void finish(nps_result& r, const nps_options& options) {
  if (r.n() == 0) {
    return;
  }
  const observed o = observe(r);
  r.score = o.score;
  r.se = o.se;
  double centre = o.score;
  double se = o.se;
  if (options.method == nps_interval::adjusted_wald) {
    // Rocks (2016): 0.75 promoter, 1.5 passive, 0.75 detractor added (n + 3), Wald on those
    // shares, centred on the adjusted NPS; the reported score stays the observed one.
    const double na = static_cast<double>(r.n()) + 3.0;
    const double pa = static_cast<double>(r.promoters) + 0.75;
    const double da = static_cast<double>(r.detractors) + 0.75;
    centre = 100.0 * (pa - da) / na;
    se = 100.0 * se_of(pa, da, na);
  }
  const double half = options.z * se;
  r.ci = interval{std::max(-100.0, centre - half), std::min(100.0, centre + half),
                  level_of(options.z)};
}

[[noreturn]] void throw_answer(std::size_t row, double v) {
  const input_location where{"nps", "score", static_cast<std::int64_t>(row), number(v)};
  if (v >= 0.0 && v <= 10.0) {
    throw invalid_input("score " + number(v) + " is not a whole number (answers are 0..10)", where);
  }
  throw invalid_input("score " + number(v) + " is outside 0..10", where);
}

}  // namespace

nps_result nps(std::span<const double> scores, const nps_options& options) {
  check_z("nps", options.z);
  std::uint64_t blank = 0;
  std::uint64_t promoters = 0;
  std::uint64_t seven_up = 0;  // answers >= 7: passives and promoters
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double v = scores[i];
    if (std::isnan(v)) {  // blanks are rare or come in runs: a well-predicted branch
      ++blank;
      continue;
    }
    if (!(v >= 0.0 && v <= 10.0 && std::trunc(v) == v)) [[unlikely]] {
      throw_answer(i, v);
    }
    // Counted without a branch (answers in random order would mispredict one).
    promoters += static_cast<std::uint64_t>(v >= 9.0);
    seven_up += static_cast<std::uint64_t>(v >= 7.0);
  }
  nps_result r;
  r.promoters = promoters;
  r.passives = seven_up - promoters;
  r.detractors = scores.size() - blank - seven_up;
  r.no_answer = blank;
  finish(r, options);
  return r;
}

nps_result nps_from_counts(std::uint64_t promoters, std::uint64_t passives,
                           std::uint64_t detractors, const nps_options& options) {
  check_z("nps_from_counts", options.z);
  constexpr std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
  if (passives > most - promoters || detractors > most - promoters - passives) {
    throw invalid_input("the three counts add up to more than 2^64 - 1 answers",
                        {"nps_from_counts", "counts", -1, {}});
  }
  nps_result r;
  r.promoters = promoters;
  r.passives = passives;
  r.detractors = detractors;
  finish(r, options);
  return r;
}

std::optional<nps_difference_result> nps_difference(const nps_result& a, const nps_result& b,
                                                    double z) {
  check_z("nps_difference", z);
  if (a.n() == 0 || b.n() == 0) {
    return std::nullopt;
  }
  // From the counts, so a result filled by hand (counts only) works as well.
  const observed oa = observe(a);
  const observed ob = observe(b);
  const double se = std::sqrt(oa.se * oa.se + ob.se * ob.se);
  if (se == 0.0) {
    return std::nullopt;
  }
  nps_difference_result d;
  d.difference = ob.score - oa.score;
  d.se = se;
  d.z = d.difference / se;
  d.p_value = std::erfc(std::fabs(d.z) / std::sqrt(2.0));
  d.ci = interval{d.difference - z * se, d.difference + z * se, level_of(z)};
  return d;
}

proportion recommendation_rate(std::span<const std::uint8_t> would_recommend) {
  std::uint64_t answered = 0;
  std::uint64_t yes = 0;
  for (const std::uint8_t v : would_recommend) {
    answered += v <= 1 ? 1U : 0U;
    yes += v == 1 ? 1U : 0U;
  }
  return {yes, answered};
}

}  // namespace crm
