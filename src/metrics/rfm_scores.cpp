// RFM scores and segments (docs/metrics.md "RFM").

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "crm/error.hpp"
#include "crm/rfm.hpp"

namespace crm {
namespace {

__extension__ typedef __int128 int128;  // exact comparison of spend/orders rationals

/// Index of an (r, f, m) score triple (scores 0..10) in a table of every triple.
constexpr std::size_t score_side = 11;
constexpr std::size_t cell_count = score_side * score_side * score_side;
constexpr std::size_t cell_of(std::size_t r, std::size_t f, std::size_t m) noexcept {
  return (r * score_side + f) * score_side + m;
}
/// The (r, f, m) scores of a cell index.
constexpr std::array<std::uint8_t, 3> scores_of(std::size_t cell) noexcept {
  return {static_cast<std::uint8_t>(cell / (score_side * score_side)),
          static_cast<std::uint8_t>(cell / score_side % score_side),
          static_cast<std::uint8_t>(cell % score_side)};
}

/// Scores 1..bins by rank in a total order of n items: the item at 0-based rank i scores
/// 1 + floor(bins·i / n). `items` are the ones holding ranks [base, base + items.size()) (all n
/// items: base 0). Only the boundary ranks matter, so successive nth_element calls partition the
/// items into the score buckets in O(items) (no full sort). `less` must be a strict total order;
/// `pos` gives an item's row in `score`.
template <typename Item, typename Less, typename Pos>
void score_ranks(std::vector<Item>& items, std::uint64_t base, std::size_t n, std::uint8_t bins,
                 Less less, Pos pos, std::vector<std::uint8_t>& score) {
  const std::size_t m = items.size();
  std::size_t from = 0;
  while (from < m) {
    const auto k = static_cast<std::uint8_t>(1 + bins * (base + from) / n);
    // First rank of score k + 1: ceil(k·n / bins); the last score runs to the end.
    const std::uint64_t next = k >= bins ? base + m : (std::uint64_t{k} * n + bins - 1) / bins;
    const auto to = static_cast<std::size_t>(std::min<std::uint64_t>(m, next - base));
    if (to < m) {
      std::nth_element(items.begin() + static_cast<std::ptrdiff_t>(from),
                       items.begin() + static_cast<std::ptrdiff_t>(to), items.end(), less);
    }
    for (std::size_t i = from; i < to; ++i) score[pos(items[i])] = k;
    from = to;
  }
}

/// Scores by an integer key (key(i) for row i of n), ties by row order (the rows already
/// follow the tie order).
template <typename Key>
std::vector<std::uint8_t> quantile_scores(std::size_t n, Key key, std::uint8_t bins) {
  std::uint64_t top = 0;
  for (std::size_t i = 0; i < n; ++i) top = std::max(top, key(i));
  if (top <= std::max<std::uint64_t>(n, 1U << 16)) {
    // Small keys (days of recency, order counts): a counting sort gives each row its rank,
    // the rows of one key in row order, in O(n + top) with no comparison.
    std::vector<std::uint64_t> next(top + 2, 0);
    for (std::size_t i = 0; i < n; ++i) ++next[key(i) + 1];
    for (std::size_t k = 1; k < next.size(); ++k) next[k] += next[k - 1];
    std::vector<std::uint8_t> score(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t rank = next[key(i)]++;
      score[i] = static_cast<std::uint8_t>(1 + bins * rank / n);
    }
    return score;
  }
  // key in the high bits, row in the low 32: one 128-bit comparison is the total order.
  struct item {
    std::uint64_t key;
    std::uint32_t row;
  };
  std::vector<item> items(n);
  for (std::size_t i = 0; i < n; ++i) items[i] = {key(i), static_cast<std::uint32_t>(i)};
  std::vector<std::uint8_t> score(n);
  score_ranks(
      items, 0, n, bins,
      [](const item& a, const item& b) {
        return a.key < b.key || (a.key == b.key && a.row < b.row);
      },
      [](const item& x) { return x.row; }, score);
  return score;
}

void check_cuts(const std::optional<rfm_cuts>& cuts, std::uint8_t bins, const char* name) {
  if (!cuts) return;
  const std::vector<double>& t = cuts->thresholds;
  const bool ascending = std::adjacent_find(t.begin(), t.end(), std::greater_equal<>()) == t.end();
  if (t.size() + 1 != bins || !ascending) {
    throw invalid_input(
        "cut points must be " + std::to_string(bins - 1) + " strictly ascending thresholds",
        {"rfm_scores", name, -1, std::to_string(t.size()) + " given"});
  }
}

std::uint8_t cut_score(const rfm_cuts& cuts, double v, bool reverse, std::uint8_t bins) {
  const auto below = static_cast<std::uint8_t>(
      std::upper_bound(cuts.thresholds.begin(), cuts.thresholds.end(), v) -
      cuts.thresholds.begin());
  return reverse ? static_cast<std::uint8_t>(bins - below) : static_cast<std::uint8_t>(1 + below);
}

/// Customers with orders, in tie order (tie_rank ascending, else index).
std::vector<std::uint32_t> customers_in_tie_order(const customer_summary& s,
                                                  std::span<const std::uint32_t> tie_rank) {
  const std::span<const std::uint32_t> orders = s.orders();
  std::vector<std::uint32_t> ids(static_cast<std::size_t>(
      std::count_if(orders.begin(), orders.end(), [](std::uint32_t k) { return k > 0; })));
  std::uint32_t next = 0;
  for (std::uint32_t c = 0; c < s.customer_count(); ++c) {
    if (orders[c] > 0) ids[next++] = c;
  }
  if (!tie_rank.empty()) {
    std::sort(ids.begin(), ids.end(),
              [&](std::uint32_t a, std::uint32_t b) { return tie_rank[a] < tie_rank[b]; });
  }
  return ids;
}

/// M order: by the mean (or total) spend, compared exactly as the rational spend / orders; ties
/// by the tie order (the row). A radix pass on the top 16 bits of each value's double (one
/// correctly rounded division: never out of order, maybe equal) gives every bucket its ranks;
/// only the items of the buckets that straddle a score boundary are partitioned, exactly.
std::vector<std::uint8_t> monetary_scores(const rfm_table& t, std::span<const std::int64_t> spend,
                                          std::uint8_t bins, bool mean) {
  const std::size_t n = t.customer.size();
  const auto spend_of = [&](std::size_t row) { return spend[t.customer[row]]; };
  const auto divisor = [&](std::size_t row) -> std::int64_t { return mean ? t.frequency[row] : 1; };
  const auto approx = [&](std::size_t row) {
    return static_cast<double>(spend_of(row)) / static_cast<double>(divisor(row)) + 0.0;  // no -0
  };
  struct item {
    double approx;
    std::uint32_t row;
  };
  const auto less = [&](const item& a, const item& b) {
    if (a.approx != b.approx) return a.approx < b.approx;
    const int128 l = static_cast<int128>(spend_of(a.row)) * divisor(b.row);
    const int128 r = static_cast<int128>(spend_of(b.row)) * divisor(a.row);
    return l < r || (l == r && a.row < b.row);
  };
  // The double's bits made unsigned-ordered (negatives flipped), top 16 bits: monotone in value.
  const auto bucket_of = [](double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    const std::uint64_t ordered = (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
    return static_cast<std::uint16_t>(ordered >> 48);
  };
  constexpr std::size_t buckets = std::size_t{1} << 16;
  std::vector<std::uint16_t> bucket(n);
  std::vector<std::uint64_t> first_rank(buckets + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    bucket[i] = bucket_of(approx(i));
    ++first_rank[std::size_t{bucket[i]} + 1];
  }
  for (std::size_t b = 1; b <= buckets; ++b) first_rank[b] += first_rank[b - 1];
  const auto score_at = [&](std::uint64_t rank) {
    return static_cast<std::uint8_t>(1 + bins * rank / n);
  };
  // Buckets whose first and last ranks score alike give that score to all their items.
  std::vector<std::int32_t> straddling(buckets, -1);
  std::vector<std::vector<item>> items_of;
  for (std::size_t b = 0; b < buckets; ++b) {
    if (first_rank[b + 1] > first_rank[b] &&
        score_at(first_rank[b]) != score_at(first_rank[b + 1] - 1)) {
      straddling[b] = static_cast<std::int32_t>(items_of.size());
      items_of.emplace_back();
    }
  }
  std::vector<std::uint8_t> score(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t k = straddling[bucket[i]];
    if (k < 0) {
      score[i] = score_at(first_rank[bucket[i]]);
    } else {
      items_of[static_cast<std::size_t>(k)].push_back({approx(i), static_cast<std::uint32_t>(i)});
    }
  }
  for (std::vector<item>& items : items_of) {
    score_ranks(
        items, first_rank[bucket[items.front().row]], n, bins, less,
        [](const item& x) { return x.row; }, score);
  }
  return score;
}

}  // namespace

rfm_table rfm_scores(const customer_summary& summary, const rfm_options& options,
                     std::span<const std::uint32_t> tie_rank) {
  if (options.bins < 2 || options.bins > 10) {
    throw invalid_input("bins must be within 2..10",
                        {"rfm_scores", "bins", -1, std::to_string(options.bins)});
  }
  if (!tie_rank.empty() && tie_rank.size() != summary.customer_count()) {
    require_same_length("rfm_scores", "tie_rank", tie_rank.size(), "customers",
                        summary.customer_count());
  }
  check_cuts(options.recency_cuts, options.bins, "recency_cuts");
  check_cuts(options.frequency_cuts, options.bins, "frequency_cuts");
  check_cuts(options.monetary_cuts, options.bins, "monetary_cuts");
  if (summary.total_orders() > 0 && options.as_of <= summary.max_day()) {
    throw invalid_input("as_of must be after the last order day " + format_date(summary.max_day()),
                        {"rfm_scores", "as_of", -1, format_date(options.as_of)});
  }
  rfm_table t;
  t.customer = customers_in_tie_order(summary, tie_rank);
  const std::size_t n = t.customer.size();
  t.recency_days.resize(n);
  t.frequency.resize(n);
  t.monetary.resize(n);
  const bool mean = options.monetary == rfm_monetary::mean;
  const std::span<const std::int64_t> spend = summary.spend();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t c = t.customer[i];
    t.recency_days[i] = options.as_of - summary.last_day()[c];
    t.frequency[i] = summary.orders()[c];
    t.monetary[i] = money_from_e4(spend[c]) / (mean ? static_cast<double>(t.frequency[i]) : 1.0);
  }
  if (n == 0) return t;
  const std::uint8_t bins = options.bins;
  const std::int32_t max_recency = *std::max_element(t.recency_days.begin(), t.recency_days.end());
  t.r = quantile_scores(
      n,
      [&](std::size_t i) {  // recency descending
        return static_cast<std::uint64_t>(max_recency - t.recency_days[i]);
      },
      bins);
  t.f = quantile_scores(
      n, [&](std::size_t i) { return std::uint64_t{t.frequency[i]}; }, bins);
  t.m = monetary_scores(t, spend, bins, mean);
  for (std::size_t i = 0; i < n; ++i) {
    if (options.recency_cuts)
      t.r[i] = cut_score(*options.recency_cuts, t.recency_days[i], true, bins);
    if (options.frequency_cuts)
      t.f[i] = cut_score(*options.frequency_cuts, t.frequency[i], false, bins);
    if (options.monetary_cuts)
      t.m[i] = cut_score(*options.monetary_cuts, t.monetary[i], false, bins);
  }
  return t;
}

std::vector<rfm_rule> default_segments() {
  // (R, F) grid of METRICS.md; M is free.
  return {
      {"champions", {5, 5}, {4, 5}, {1, 5}},
      {"loyal", {3, 4}, {4, 5}, {1, 5}},
      {"potential loyalist", {4, 5}, {2, 3}, {1, 5}},
      {"new", {5, 5}, {1, 1}, {1, 5}},
      {"promising", {4, 4}, {1, 1}, {1, 5}},
      {"need attention", {3, 3}, {3, 3}, {1, 5}},
      {"about to sleep", {3, 3}, {1, 2}, {1, 5}},
      {"can't lose", {1, 2}, {5, 5}, {1, 5}},
      {"at risk", {1, 2}, {3, 4}, {1, 5}},
      {"hibernating", {1, 2}, {1, 2}, {1, 5}},
  };
}

std::vector<rfm_rule> r_rfm_segments() {
  // R package rfm, rfm_segment() example (segment_names, recency/frequency/monetary lower and
  // upper bounds): https://cran.r-project.org/package=rfm (vignette "RFM Analysis").
  return {
      {"Champions", {4, 5}, {4, 5}, {4, 5}},          {"Loyal Customers", {2, 5}, {3, 5}, {3, 5}},
      {"Potential Loyalist", {3, 5}, {1, 3}, {1, 3}}, {"New Customers", {4, 5}, {1, 1}, {1, 1}},
      {"Promising", {3, 4}, {1, 1}, {1, 1}},          {"Need Attention", {2, 3}, {2, 3}, {2, 3}},
      {"About To Sleep", {2, 3}, {1, 2}, {1, 2}},     {"At Risk", {1, 2}, {2, 5}, {2, 5}},
      {"Can't Lose Them", {1, 1}, {4, 5}, {4, 5}},    {"Lost", {1, 2}, {1, 2}, {1, 2}},
  };
}

std::vector<std::int32_t> assign_segments(const rfm_table& table, std::span<const rfm_rule> rules) {
  const auto in = [](std::uint8_t v, const std::array<std::uint8_t, 2>& range) {
    return v >= range[0] && v <= range[1];
  };
  // The first matching rule of every (r, f, m) score triple, then one lookup per row.
  std::array<std::int32_t, cell_count> segment_of{};
  for (std::size_t cell = 0; cell < segment_of.size(); ++cell) {
    const auto [r, f, m] = scores_of(cell);
    segment_of[cell] = -1;
    for (std::size_t k = 0; k < rules.size(); ++k) {
      if (in(r, rules[k].r) && in(f, rules[k].f) && in(m, rules[k].m)) {
        segment_of[cell] = static_cast<std::int32_t>(k);
        break;
      }
    }
  }
  std::vector<std::int32_t> out(table.customer.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = segment_of[cell_of(table.r[i], table.f[i], table.m[i])];
  }
  return out;
}

std::vector<rfm_cell> rfm_cells(const rfm_table& table) {
  std::array<std::uint64_t, cell_count> count{};
  for (std::size_t i = 0; i < table.customer.size(); ++i) {
    ++count[cell_of(table.r[i], table.f[i], table.m[i])];
  }
  std::vector<rfm_cell> cells;
  for (std::size_t k = 0; k < count.size(); ++k) {
    if (count[k] == 0) continue;
    const auto [r, f, m] = scores_of(k);
    cells.push_back({r, f, m, count[k]});
  }
  return cells;
}

}  // namespace crm
