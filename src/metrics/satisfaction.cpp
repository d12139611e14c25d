// Satisfaction kernels (docs/metrics.md "Satisfaction"): the Wilson interval of a share, CSAT,
// CES, CSI and the complaint rate. Every kernel is one pass over caller-owned answers with no
// allocation; per answer the only branches are the blank test (well predicted: blanks are rare
// or come in runs) and the cold error branch.
#include "crm/satisfaction.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "crm/error.hpp"

#include "text.hpp"

namespace crm {
namespace {

std::string number(double v) { return detail::number_text(v); }

std::string scale_text(double lo, double hi) { return number(lo) + ".." + number(hi); }

/// Throws the error of a present answer `v`: outside lo..hi, or on it but not a whole number.
[[noreturn]] void throw_answer(const char* function, const std::string& column, std::size_t row,
                               double v, double lo, double hi, const std::string& suffix = {}) {
  const input_location where{function, column, static_cast<std::int64_t>(row), number(v)};
  if (v >= lo && v <= hi) {
    throw invalid_input("score " + number(v) + " is not a whole number (answers are " +
                            scale_text(lo, hi) + ")" + suffix,
                        where);
  }
  throw invalid_input("score " + number(v) + " is outside " + scale_text(lo, hi) + suffix, where);
}

/// Throws unless lo..hi is a usable scale: finite, lo < hi and, for whole-number answers, whole
/// ends (an answer can only be a whole number between them).
void check_scale(const char* function, double lo, double hi, bool whole) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
    throw invalid_input("the answer scale " + scale_text(lo, hi) + " is empty",
                        {function, "scale", -1, scale_text(lo, hi)});
  }
  if (whole && (std::trunc(lo) != lo || std::trunc(hi) != hi)) {
    throw invalid_input("the answer scale " + scale_text(lo, hi) + " must have whole-number ends",
                        {function, "scale", -1, scale_text(lo, hi)});
  }
}

/// Throws unless an option's threshold lies on the scale; `defaulted` says it was not given.
void check_threshold(const char* function, const char* name, double t, double lo, double hi,
                     bool defaulted) {
  if (t >= lo && t <= hi) {
    return;
  }
  throw invalid_input(std::string(name) + " " + number(t) + " is outside the scale " +
                          scale_text(lo, hi) +
                          (defaulted ? " (the default for this scale; give it explicitly)" : ""),
                      {function, name, -1, number(t)});
}

/// What one pass over whole-number answers counts.
struct answer_counts {
  std::uint64_t answered = 0;
  std::uint64_t hits = 0;
  std::uint64_t blank = 0;
  double sum = 0.0;  ///< exact: whole numbers, |sum| < 2^53 for any realistic input
};

/// One pass: NaN = blank; anything else must be a whole number on lo..hi; `hit(v)` is counted
/// without a branch (answers in random order would mispredict one).
template <typename Hit>
answer_counts count_answers(const char* function, std::span<const double> scores, double lo,
                            double hi, Hit hit) {
  double sum = 0.0;
  std::uint64_t hits = 0;
  std::uint64_t blank = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double v = scores[i];
    if (std::isnan(v)) {
      ++blank;
      continue;
    }
    if (!(v >= lo && v <= hi && std::trunc(v) == v)) [[unlikely]] {
      throw_answer(function, "score", i, v, lo, hi);
    }
    hits += static_cast<std::uint64_t>(hit(v));
    sum += v;
  }
  return {scores.size() - blank, hits, blank, sum};
}

std::optional<double> mean_of(const answer_counts& c) {
  if (c.answered == 0) {
    return std::nullopt;
  }
  return c.sum / static_cast<double>(c.answered);
}

}  // namespace

std::optional<double> proportion::value() const noexcept {
  if (n == 0) {
    return std::nullopt;
  }
  return static_cast<double>(hits) / static_cast<double>(n);
}

std::optional<interval> proportion::wilson(double z) const noexcept {
  if (n == 0 || !std::isfinite(z)) {
    return std::nullopt;
  }
  // Wilson (1927): (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n). Written without the
  // cancellation of "centre − half" near 0 and 1: since centre² − half² = p²(1 + z²/n),
  // low = p² / (centre + half), and by symmetry 1 − high = q² / (q + z²/2n + half), q = 1 − p.
  // So low = 0 exactly at hits = 0 and high = 1 exactly at hits = n.
  z = std::fabs(z);
  const auto nn = static_cast<double>(n);
  const double p = static_cast<double>(hits) / nn;
  const double q = static_cast<double>(n - std::min(hits, n)) / nn;
  const double z2n = z * z / (2.0 * nn);
  const double half = z * std::sqrt(p * q / nn + z2n / (2.0 * nn));
  const double low = hits == 0 ? 0.0 : p * p / (p + z2n + half);
  const double high = hits >= n ? 1.0 : 1.0 - q * q / (q + z2n + half);
  return interval{std::clamp(low, 0.0, 1.0), std::clamp(high, 0.0, 1.0),
                  std::erf(z / std::sqrt(2.0))};
}

csat_result csat(std::span<const double> scores, const csat_options& options) {
  const double lo = options.scale_min;
  const double hi = options.scale_max;
  check_scale("csat", lo, hi, true);
  const double good = options.satisfied_from.value_or(hi - 1.0);
  check_threshold("csat", "satisfied_from", good, lo, hi, !options.satisfied_from);
  const answer_counts c =
      count_answers("csat", scores, lo, hi, [good](double v) { return v >= good; });
  csat_result r;
  r.satisfied = {c.hits, c.answered};
  r.mean = mean_of(c);
  r.no_answer = c.blank;
  return r;
}

ces_result ces(std::span<const double> scores, const ces_options& options) {
  const double lo = options.scale_min;
  const double hi = options.scale_max;
  check_scale("ces", lo, hi, true);
  const bool up = options.higher_is_easier;
  const double bound = options.low_effort_bound.value_or(up ? hi - 2.0 : lo + 1.0);
  check_threshold("ces", "low_effort_bound", bound, lo, hi, !options.low_effort_bound);
  const answer_counts c =
      up ? count_answers("ces", scores, lo, hi, [bound](double v) { return v >= bound; })
         : count_answers("ces", scores, lo, hi, [bound](double v) { return v <= bound; });
  ces_result r;
  r.mean = mean_of(c);
  r.low_effort = {c.hits, c.answered};
  r.no_answer = c.blank;
  return r;
}

namespace {

std::string item_name(std::size_t k) { return "item " + std::to_string(k); }

void check_items(std::span<const csi_item> items) {
  if (items.empty()) {
    throw invalid_input("CSI needs at least one item", {"csi", "items", -1, {}});
  }
  const std::size_t rows = items[0].scores.size();
  for (std::size_t k = 0; k < items.size(); ++k) {
    const csi_item& item = items[k];
    if (item.scores.size() != rows) {
      throw invalid_input(item_name(k) + " has " + std::to_string(item.scores.size()) +
                              " answers, item 0 has " + std::to_string(rows),
                          {"csi", item_name(k), -1, {}});
    }
    if (!(std::isfinite(item.weight) && item.weight > 0.0)) {
      throw invalid_input("the weight of " + item_name(k) + " must be a positive number",
                          {"csi", item_name(k), -1, number(item.weight)});
    }
    check_scale("csi", item.scale_min, item.scale_max, false);
  }
}

/// Throws for the first bad answer (in row order, then item order) of rows [start, end).
[[noreturn]] void throw_first_bad(std::span<const csi_item> items, std::size_t start,
                                  std::size_t end) {
  for (std::size_t i = start; i < end; ++i) {
    for (std::size_t k = 0; k < items.size(); ++k) {
      const double v = items[k].scores[i];
      if (std::isnan(v) || (v >= items[k].scale_min && v <= items[k].scale_max)) {
        continue;
      }
      throw_answer("csi", item_name(k), i, v, items[k].scale_min, items[k].scale_max,
                   " (" + item_name(k) + ")");
    }
  }
  throw invalid_input("bad CSI answer", {"csi", {}, -1, {}});  // not reached
}

/// Per-respondent partial sums of a block of rows, filled item by item: each loop streams one
/// item's answers without a branch (the row-major loop was ~30 % slower).
constexpr std::size_t block_rows = 512;
struct csi_block {
  std::array<double, block_rows> weighted{};         ///< Σ w·index over answered items
  std::array<double, block_rows> weights{};          ///< Σ w over answered items
  std::array<std::uint32_t, block_rows> answered{};  ///< items answered
};

/// Adds item `item`'s answers of rows [start, start + len) to `b`; false if one is out of scale.
bool add_item(const csi_item& item, std::size_t start, std::size_t len, csi_block& b) {
  const double lo = item.scale_min;
  const double hi = item.scale_max;
  const double weight = item.weight;
  const double factor = weight * 100.0 / (hi - lo);
  const double* s = item.scores.data() + start;
  bool bad = false;
  for (std::size_t j = 0; j < len; ++j) {
    const double v = s[j];
    const bool ok = v >= lo && v <= hi;  // false for NaN (blank)
    if (!ok && !std::isnan(v)) {
      bad = true;
    }
    const double x = ok ? v : lo;  // a blank adds nothing
    b.weighted[j] += (x - lo) * factor;
    b.weights[j] += static_cast<double>(ok) * weight;
    b.answered[j] += static_cast<std::uint32_t>(ok);
  }
  return !bad;
}

/// Running moments of the respondents' indexes, shifted by the first one so the variance does
/// not cancel (indexes are bounded by 0..100, the shift keeps the sums near 0).
struct moments {
  std::uint64_t n = 0;
  std::uint64_t partial = 0;
  double shift = 0.0;
  double sum = 0.0;
  double sum_sq = 0.0;
};

void add_block(const csi_block& b, std::size_t len, std::size_t items, moments& m) {
  for (std::size_t j = 0; j < len; ++j) {
    if (b.answered[j] == 0) {
      continue;
    }
    const double index = b.weighted[j] / b.weights[j];
    if (m.n == 0) {
      m.shift = index;
    }
    const double d = index - m.shift;
    ++m.n;
    m.partial += b.answered[j] < items ? 1U : 0U;
    m.sum += d;
    m.sum_sq += d * d;
  }
}

}  // namespace

csi_result csi(std::span<const csi_item> items) {
  check_items(items);
  const std::size_t rows = items[0].scores.size();
  moments m;
  csi_block b;
  for (std::size_t start = 0; start < rows; start += block_rows) {
    const std::size_t len = std::min(block_rows, rows - start);
    std::fill_n(b.weighted.begin(), len, 0.0);
    std::fill_n(b.weights.begin(), len, 0.0);
    std::fill_n(b.answered.begin(), len, 0U);
    bool ok = true;
    for (const csi_item& item : items) {
      ok = add_item(item, start, len, b) && ok;
    }
    if (!ok) {
      throw_first_bad(items, start, start + len);
    }
    add_block(b, len, items.size(), m);
  }
  csi_result r;
  r.n = m.n;
  r.partial = m.partial;
  if (m.n == 0) {
    return r;
  }
  const auto n = static_cast<double>(m.n);
  r.mean = m.shift + m.sum / n;
  if (m.n >= 2) {
    const double var = std::max(0.0, (m.sum_sq - m.sum * m.sum / n) / (n - 1.0));
    const double half = z_95 * std::sqrt(var / n);
    r.ci = interval{std::max(0.0, *r.mean - half), std::min(100.0, *r.mean + half), 0.95};
  }
  return r;
}

proportion complaint_rate(std::uint64_t complaints, std::uint64_t base) {
  if (complaints > base) {
    throw invalid_input(
        std::to_string(complaints) + " complaints exceed their base of " + std::to_string(base),
        {"complaint_rate", "complaints", -1, std::to_string(complaints)});
  }
  return {complaints, base};
}

}  // namespace crm
