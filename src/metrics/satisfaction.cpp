#include "crm/satisfaction.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "crm/error.hpp"

namespace crm {
namespace {

std::string number(double v) {
  std::string s = std::to_string(v);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

void check_scale(const char* function, double lo, double hi) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
    throw invalid_input("the answer scale " + number(lo) + ".." + number(hi) + " is empty",
                        {function, "scale", -1, {}});
  }
}

/// Throws unless v is a whole number within lo..hi.
void check_answer(const char* function, const char* column, std::size_t row, double v, double lo,
                  double hi) {
  if (v < lo || v > hi || !std::isfinite(v)) {
    throw invalid_input("score " + number(v) + " is outside " + number(lo) + ".." + number(hi),
                        {function, column, static_cast<std::int64_t>(row), number(v)});
  }
  if (v != std::floor(v)) {
    throw invalid_input("score " + number(v) + " is not a whole number",
                        {function, column, static_cast<std::int64_t>(row), number(v)});
  }
}

}  // namespace

std::optional<double> proportion::value() const noexcept {
  if (n == 0) return std::nullopt;
  return static_cast<double>(hits) / static_cast<double>(n);
}

std::optional<interval> proportion::wilson(double z) const noexcept {
  if (n == 0) return std::nullopt;
  // Wilson (1927): (p + z²/2n ± z sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n).
  const auto nn = static_cast<double>(n);
  const double p = static_cast<double>(hits) / nn;
  const double z2 = z * z;
  const double centre = p + z2 / (2.0 * nn);
  const double half = z * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  const double scale = 1.0 + z2 / nn;
  // At p = 0 and p = 1 the bound on that side is exactly 0 or 1 (rounding would leave 1 − ε).
  const double low = hits == 0 ? 0.0 : std::max(0.0, (centre - half) / scale);
  const double high = hits == n ? 1.0 : std::min(1.0, (centre + half) / scale);
  return interval{low, high, std::erf(z / std::sqrt(2.0))};
}

csat_result csat(std::span<const double> scores, const csat_options& options) {
  check_scale("csat", options.scale_min, options.scale_max);
  const double good = options.satisfied_from.value_or(options.scale_max - 1.0);
  if (!(good >= options.scale_min && good <= options.scale_max)) {
    throw invalid_input("satisfied_from " + number(good) + " is outside the scale",
                        {"csat", "satisfied_from", -1, number(good)});
  }
  csat_result r;
  double sum = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double v = scores[i];
    if (std::isnan(v)) {
      ++r.no_answer;
      continue;
    }
    check_answer("csat", "score", i, v, options.scale_min, options.scale_max);
    ++r.satisfied.n;
    r.satisfied.hits += v >= good ? 1U : 0U;
    sum += v;
  }
  if (r.satisfied.n > 0) r.mean = sum / static_cast<double>(r.satisfied.n);
  return r;
}

ces_result ces(std::span<const double> scores, const ces_options& options) {
  check_scale("ces", options.scale_min, options.scale_max);
  const double bound = options.low_effort_bound.value_or(
      options.higher_is_easier ? options.scale_max - 2.0 : options.scale_min + 1.0);
  if (!(bound >= options.scale_min && bound <= options.scale_max)) {
    throw invalid_input("low_effort_bound " + number(bound) + " is outside the scale",
                        {"ces", "low_effort_bound", -1, number(bound)});
  }
  ces_result r;
  double sum = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double v = scores[i];
    if (std::isnan(v)) {
      ++r.no_answer;
      continue;
    }
    check_answer("ces", "score", i, v, options.scale_min, options.scale_max);
    ++r.low_effort.n;
    const bool easy = options.higher_is_easier ? v >= bound : v <= bound;
    r.low_effort.hits += easy ? 1U : 0U;
    sum += v;
  }
  if (r.low_effort.n > 0) r.mean = sum / static_cast<double>(r.low_effort.n);
  return r;
}

namespace {

void check_items(std::span<const csi_item> items) {
  if (items.empty()) throw invalid_input("CSI needs at least one item", {"csi", "items", -1, {}});
  for (std::size_t k = 0; k < items.size(); ++k) {
    const csi_item& item = items[k];
    const std::string name = "item " + std::to_string(k);
    if (item.scores.size() != items[0].scores.size()) {
      throw invalid_input(name + " has " + std::to_string(item.scores.size()) +
                              " answers, item 0 has " + std::to_string(items[0].scores.size()),
                          {"csi", name, -1, {}});
    }
    if (!(std::isfinite(item.weight) && item.weight > 0.0)) {
      throw invalid_input("the weight of " + name + " must be a positive number",
                          {"csi", name, -1, number(item.weight)});
    }
    check_scale("csi", item.scale_min, item.scale_max);
  }
}

}  // namespace

csi_result csi(std::span<const csi_item> items) {
  check_items(items);
  csi_result r;
  double sum = 0.0;
  double sum_sq = 0.0;
  const std::size_t rows = items[0].scores.size();
  for (std::size_t i = 0; i < rows; ++i) {
    double weighted = 0.0;
    double weights = 0.0;
    std::size_t answered = 0;
    for (std::size_t k = 0; k < items.size(); ++k) {
      const csi_item& item = items[k];
      const double v = item.scores[i];
      if (std::isnan(v)) continue;
      if (v < item.scale_min || v > item.scale_max || !std::isfinite(v)) {
        throw invalid_input(
            "score " + number(v) + " is outside " + number(item.scale_min) + ".." +
                number(item.scale_max) + " (item " + std::to_string(k) + ")",
            {"csi", "item " + std::to_string(k), static_cast<std::int64_t>(i), number(v)});
      }
      weighted += item.weight * (v - item.scale_min) / (item.scale_max - item.scale_min) * 100.0;
      weights += item.weight;
      ++answered;
    }
    if (answered == 0) continue;
    const double index = weighted / weights;
    ++r.n;
    r.partial += answered < items.size() ? 1U : 0U;
    sum += index;
    sum_sq += index * index;
  }
  if (r.n == 0) return r;
  const auto n = static_cast<double>(r.n);
  r.mean = sum / n;
  if (r.n >= 2) {
    const double var = std::max(0.0, (sum_sq - sum * sum / n) / (n - 1.0));
    const double half = z_95 * std::sqrt(var / n);
    r.ci = interval{*r.mean - half, *r.mean + half, 0.95};
  }
  return r;
}

proportion complaint_rate(std::uint64_t complaints, std::uint64_t base) {
  if (complaints > base) {
    throw invalid_input(
        std::to_string(complaints) + " complaints exceed the base of " + std::to_string(base),
        {"complaint_rate", "complaints", -1, std::to_string(complaints)});
  }
  return {complaints, base};
}

}  // namespace crm
