#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crm/orders.hpp"

namespace crm {

/// M of RFM: mean spend per order (W1 default) or total spend.
enum class rfm_monetary : std::uint8_t { mean, total };

/// User cut points for one of R, F, M: ascending thresholds t1 < t2 < ... (bins - 1 of them).
/// A value v scores 1 + (number of thresholds <= v) for F and M; for R (recency in days, lower
/// is better) the score is reversed: bins − (number of thresholds <= v).
struct rfm_cuts {
  std::vector<double> thresholds;
};

/// Options of rfm_scores.
struct rfm_options {
  day_t as_of = 0;  ///< analysis date: recency = as_of − last order day (must be > every last day)
  rfm_monetary monetary = rfm_monetary::mean;
  std::uint8_t bins = 5;  ///< quantile bins (2..10) when no cut points are given
  std::optional<rfm_cuts> recency_cuts;
  std::optional<rfm_cuts> frequency_cuts;
  std::optional<rfm_cuts> monetary_cuts;  ///< in currency units
};

/// Per-customer RFM, one element per customer *with orders*, in tie order (tie_rank ascending,
/// else customer index: i.e. customer-id order).
struct rfm_table {
  std::vector<std::uint32_t> customer;  ///< customer index
  std::vector<std::int32_t> recency_days;
  std::vector<std::uint32_t> frequency;
  std::vector<double> monetary;       ///< currency units (mean or total spend)
  std::vector<std::uint8_t> r, f, m;  ///< scores 1..bins
};

/// RFM scores (docs/metrics.md "RFM"). Quantile scoring exactly as W1: for each of R, F and M
/// sort the N customers into a total order by the key, ties broken by `tie_rank` ascending (the
/// rank of each customer's id in id order; empty = customer index), and give the customer at
/// 1-based position i the score 1 + floor(bins·(i−1)/N). Keys: R by recency descending (most
/// recent scores highest), F by frequency ascending, M by monetary ascending compared exactly
/// (mean as the rational spend/orders). Cut points replace quantiles per dimension.
/// Throws invalid_input when as_of <= a last order day, bins is outside 2..10, cut points are not
/// strictly ascending or not bins − 1 long, or tie_rank has the wrong length. Empty summary:
/// empty table.
[[nodiscard]] rfm_table rfm_scores(const customer_summary& summary, const rfm_options& options,
                                   std::span<const std::uint32_t> tie_rank = {});

/// One segment rule: a name and inclusive score ranges; first matching rule wins.
struct rfm_rule {
  std::string name;
  std::array<std::uint8_t, 2> r{1, 5};
  std::array<std::uint8_t, 2> f{1, 5};
  std::array<std::uint8_t, 2> m{1, 5};
};

/// The default segment grid of METRICS.md over (R, F) (10 segments, each of the 25 cells exactly
/// once): hibernating, at risk, can't lose, about to sleep, need attention, loyal, promising,
/// new, potential loyalist, champions.
[[nodiscard]] std::vector<rfm_rule> default_segments();
/// The segment table of the R package `rfm` (rfm_segment() vignette), first match wins; cells
/// it leaves unmatched are reported as unmatched.
[[nodiscard]] std::vector<rfm_rule> r_rfm_segments();

/// Segment of each row of `table`: index into `rules`, or -1 when no rule matches.
[[nodiscard]] std::vector<std::int32_t> assign_segments(const rfm_table& table,
                                                        std::span<const rfm_rule> rules);

/// Customers per non-empty (r, f, m) cell, sorted by r, f, m (W1 `rfm_cells`).
struct rfm_cell {
  std::uint8_t r = 0, f = 0, m = 0;
  std::uint64_t customers = 0;
};
[[nodiscard]] std::vector<rfm_cell> rfm_cells(const rfm_table& table);

}  // namespace crm
