#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "crm/result.hpp"
#include "crm/satisfaction.hpp"

namespace crm {

/// How the NPS interval is computed.
enum class nps_interval : std::uint8_t {
  adjusted_wald,  ///< default (Rocks 2016): add 3 answers, 0.75 promoters, 1.5 passives, 0.75
                  ///< detractors, then Wald on the adjusted shares, centred on the adjusted NPS
  wald,           ///< NPS ± z · SE on the observed shares
};

/// Options of nps.
struct nps_options {
  nps_interval method = nps_interval::adjusted_wald;
  double z = z_95;
};

/// NPS of a set of 0..10 answers, in points (−100..100).
struct nps_result {
  std::uint64_t promoters = 0;   ///< 9-10
  std::uint64_t passives = 0;    ///< 7-8
  std::uint64_t detractors = 0;  ///< 0-6
  std::uint64_t no_answer = 0;   ///< NaN cells
  std::optional<double> score;   ///< 100 (p+ − p−); nullopt when n = 0
  /// Standard error in points, 100 sqrt(((p+ + p−) − (p+ − p−)²) / n); nullopt when n = 0.
  std::optional<double> se;
  std::optional<interval> ci;  ///< in points, clamped to [−100, 100]; nullopt when n = 0

  [[nodiscard]] std::uint64_t n() const noexcept { return promoters + passives + detractors; }
  [[nodiscard]] proportion promoters_share() const noexcept { return {promoters, n()}; }
  [[nodiscard]] proportion passives_share() const noexcept { return {passives, n()}; }
  [[nodiscard]] proportion detractors_share() const noexcept { return {detractors, n()}; }
};

/// NPS (METRICS.md "Loyalty") from answers; NaN = no answer. Throws invalid_input naming the row
/// and value for an answer outside 0..10 or not a whole number, and when options.z is not a
/// positive finite number.
[[nodiscard]] nps_result nps(std::span<const double> scores, const nps_options& options = {});
/// NPS from counts (e.g. a published table). Throws invalid_input for a bad options.z or counts
/// whose sum overflows.
[[nodiscard]] nps_result nps_from_counts(std::uint64_t promoters, std::uint64_t passives,
                                         std::uint64_t detractors, const nps_options& options = {});

/// Difference of two independent NPS (b − a), in points: SE = sqrt(SE_a² + SE_b²) with the
/// observed (Wald) standard errors, z = difference / SE, two-sided normal p-value.
struct nps_difference_result {
  double difference = 0.0;
  double se = 0.0;
  double z = 0.0;
  double p_value = 1.0;
  interval ci;
};
/// Computed from the counts of `a` and `b`. nullopt when either side has no answer or both SEs are
/// 0 (every answer identical in both). Throws invalid_input when z is not positive and finite.
[[nodiscard]] std::optional<nps_difference_result> nps_difference(const nps_result& a,
                                                                  const nps_result& b,
                                                                  double z = z_95);

/// Recommendation rate from a yes/no "would recommend" column: yes / answered. Values 1 = yes,
/// 0 = no, anything else (the reader's missing boolean 2) = no answer.
[[nodiscard]] proportion recommendation_rate(std::span<const std::uint8_t> would_recommend);
/// Without such a column METRICS.md defines the recommendation rate as the promoters' share.
[[nodiscard]] inline proportion recommendation_rate(const nps_result& r) noexcept {
  return r.promoters_share();
}

}  // namespace crm
