#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "crm/result.hpp"

namespace crm {

/// z of a two-sided 95 % normal interval (Φ⁻¹(0.975)).
inline constexpr double z_95 = 1.959963984540054;

/// A share of a base with its Wilson score interval (docs/metrics.md "Intervals").
struct proportion {
  std::uint64_t hits = 0;  ///< numerator
  std::uint64_t n = 0;     ///< base
  /// hits / n; nullopt when n = 0 (never 0 %).
  [[nodiscard]] std::optional<double> value() const noexcept;
  /// Wilson score interval at `z` (default 95 %; a negative z counts as |z|), clamped to [0, 1];
  /// nullopt when n = 0 or z is not finite.
  [[nodiscard]] std::optional<interval> wilson(double z = z_95) const noexcept;
};

/// Options of csat. Scores are answers on the integer scale scale_min..scale_max.
struct csat_options {
  double scale_min = 1.0;
  double scale_max = 5.0;
  /// Lowest "satisfied" answer; default scale_max − 1 (top-2-box: 4 and 5 on 1..5). The binary
  /// variant (Zendesk good/bad) is scale 0..1 with satisfied_from 1.
  std::optional<double> satisfied_from;
};

/// CSAT of a set of answers.
struct csat_result {
  proportion satisfied;         ///< answers >= satisfied_from over answers (n excludes blanks)
  std::optional<double> mean;   ///< mean answer on the scale; nullopt when no answer
  std::uint64_t no_answer = 0;  ///< NaN cells (blank = no answer)
};

/// CSAT (METRICS.md "Satisfaction"): NaN = no answer, excluded from n. Throws invalid_input
/// naming the row and value for an answer outside the scale or not a whole number, and for
/// options with scale_min >= scale_max, scale ends that are not whole numbers or not finite, or
/// satisfied_from outside the scale.
[[nodiscard]] csat_result csat(std::span<const double> scores, const csat_options& options = {});

/// Options of ces.
struct ces_options {
  double scale_min = 1.0;
  double scale_max = 7.0;
  /// true (default, the 1..7 agree scale): a high answer means little effort. false (the older
  /// 1..5 "how much effort" scale): a low answer means little effort.
  bool higher_is_easier = true;
  /// Boundary of the low-effort end, inclusive: default scale_max − 2 when higher_is_easier
  /// (5..7 on 1..7), else scale_min + 1 (1..2 on 1..5).
  std::optional<double> low_effort_bound;
};

/// CES of a set of answers.
struct ces_result {
  std::optional<double> mean;  ///< mean answer; nullopt when no answer
  proportion low_effort;       ///< answers at the low-effort end / answers
  std::uint64_t no_answer = 0;
};

/// CES (METRICS.md): NaN = no answer. Same errors as csat (low_effort_bound outside the scale,
/// given or defaulted, included).
[[nodiscard]] ces_result ces(std::span<const double> scores, const ces_options& options = {});

/// One item (question, dimension) of a CSI: answers per respondent, NaN = no answer.
struct csi_item {
  std::span<const double> scores;
  double scale_min = 1.0;
  double scale_max = 10.0;
  double weight = 1.0;  ///< > 0; weights need not sum to 1
};

/// CSI of a set of respondents.
struct csi_result {
  std::optional<double> mean;  ///< mean index 0..100 over respondents; nullopt when n = 0
  /// normal interval of the mean (z_95), clamped to [0, 100]; nullopt when n < 2
  std::optional<interval> ci;
  std::uint64_t n = 0;        ///< respondents with at least one answered item
  std::uint64_t partial = 0;  ///< of those, respondents who skipped some item
};

/// CSI (METRICS.md): each answer rescaled (x − min)/(max − min) × 100; per respondent the
/// weighted mean over the items they answered (weights renormalised); the index is the mean
/// over respondents. Throws invalid_input when no item is given, items differ in length, a
/// weight is <= 0 or not finite, a scale is empty, or an answer is outside its item's scale
/// (naming item and row).
[[nodiscard]] csi_result csi(std::span<const csi_item> items);

/// Complaint rate = complaints / base (METRICS.md; the base is orders, customers or tickets:
/// the caller's choice). Throws invalid_input when complaints > base.
[[nodiscard]] proportion complaint_rate(std::uint64_t complaints, std::uint64_t base);

}  // namespace crm
