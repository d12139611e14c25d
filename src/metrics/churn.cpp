// Churn and retention per period (docs/metrics.md "Churn rate").

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "crm/error.hpp"
#include "crm/retention.hpp"

namespace crm {
namespace {

/// The periods of a churn table: index, first day and last day (clipped to as_of − 1).
struct period_grid {
  std::int32_t first = 0;
  std::vector<day_t> start;
  std::vector<day_t> end;
  std::vector<std::uint8_t> partial;

  period_grid(day_t first_day, day_t as_of, period_kind kind) {
    first = period_index(first_day, kind);
    const std::int32_t last = period_index(as_of - 1, kind);
    for (std::int32_t p = first; p <= last; ++p) {
      const day_t natural_end = period_start(p + 1, kind) - 1;
      start.push_back(period_start(p, kind));
      end.push_back(std::min(natural_end, as_of - 1));
      partial.push_back(natural_end > as_of - 1 ? 1 : 0);
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return start.size(); }
  /// First slot whose start is >= day.
  [[nodiscard]] std::size_t first_starting_at(day_t day) const {
    return static_cast<std::size_t>(std::lower_bound(start.begin(), start.end(), day) -
                                    start.begin());
  }
  /// First slot whose end is >= day.
  [[nodiscard]] std::size_t first_ending_at(day_t day) const {
    return static_cast<std::size_t>(std::lower_bound(end.begin(), end.end(), day) - end.begin());
  }
  /// Slot of the period containing day.
  [[nodiscard]] std::size_t slot_of(day_t day) const { return first_ending_at(day); }
};

struct counts {
  std::vector<std::uint64_t> at_start, at_end, fresh, lost;
  explicit counts(std::size_t n) : at_start(n), at_end(n), fresh(n), lost(n) {}
};

/// One customer's active spells [a, b] (inclusive days) from its sorted distinct order days.
void spells_of(std::span<const day_t> days, std::uint32_t window,
               std::vector<std::pair<day_t, day_t>>& out) {
  out.clear();
  for (const day_t d : days) {
    const day_t b = d + static_cast<day_t>(window) - 1;
    if (!out.empty() && d <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, b);
    } else {
      out.emplace_back(d, b);
    }
  }
}

bool active_at(const std::vector<std::pair<day_t, day_t>>& spells, day_t t) {
  const auto it = std::upper_bound(spells.begin(), spells.end(), std::make_pair(t, day_t{0}),
                                   [](const auto& x, const auto& y) { return x.first < y.first; });
  // spells whose start <= t: the last of them
  const auto n = static_cast<std::size_t>(it - spells.begin());
  if (n == 0) return false;
  const auto& s = spells[n - 1];
  return s.first <= t && t <= s.second;
}

void count_customer(const std::vector<std::pair<day_t, day_t>>& spells, const period_grid& g,
                    bool include_new, counts& c) {
  const std::size_t periods = g.size();
  const day_t first_day = spells.front().first;
  const std::size_t first_slot = g.slot_of(first_day);
  ++c.fresh[first_slot];
  if (include_new && !active_at(spells, g.end[first_slot])) ++c.lost[first_slot];
  for (const auto& [a, b] : spells) {
    // Active on the day before the period starts: start − 1 in [a, b].
    for (std::size_t p = g.first_starting_at(a + 1); p < periods && g.start[p] <= b + 1; ++p) {
      ++c.at_start[p];
      if (!active_at(spells, g.end[p])) ++c.lost[p];
    }
    // Active on the period's last day.
    for (std::size_t p = g.first_ending_at(a); p < periods && g.end[p] <= b; ++p) ++c.at_end[p];
  }
}

std::vector<churn_row> finish(const period_grid& g, const counts& c, const churn_options& o) {
  std::vector<churn_row> rows(g.size());
  for (std::size_t p = 0; p < g.size(); ++p) {
    churn_row& r = rows[p];
    r.period = g.first + static_cast<std::int32_t>(p);
    r.at_start = c.at_start[p];
    r.new_customers = c.fresh[p];
    r.lost = c.lost[p];
    r.at_end = c.at_end[p];
    r.partial = g.partial[p] != 0;
    const double start = static_cast<double>(r.at_start) +
                         (o.include_new ? static_cast<double>(r.new_customers) : 0.0);
    double base = start;
    if (o.base == churn_base::start_plus_new) {
      base = static_cast<double>(r.at_start + r.new_customers);
    } else if (o.base == churn_base::average) {
      base = (start + static_cast<double>(r.at_end)) / 2.0;
    }
    if (base > 0.0) {
      r.churn_rate = static_cast<double>(r.lost) / base;
      r.retention_rate = 1.0 - *r.churn_rate;
    }
  }
  return rows;
}

}  // namespace

std::vector<churn_row> churn_by_inactivity(const orders_view& orders,
                                           const customer_summary& summary,
                                           const churn_options& options) {
  validate(orders, "churn_by_inactivity");
  if (summary.customer_count() != orders.customer_count) {
    throw invalid_input(
        "orders and summary have different customer_count",
        {"churn_by_inactivity", "customer_count", -1, std::to_string(orders.customer_count)});
  }
  if (options.inactivity_days == 0) {
    throw invalid_input("inactivity_days must be at least 1",
                        {"churn_by_inactivity", "inactivity_days", -1, "0"});
  }
  if (summary.total_orders() == 0) return {};
  if (options.as_of <= summary.max_day()) {
    throw invalid_input("as_of must be after the last order day " + format_date(summary.max_day()),
                        {"churn_by_inactivity", "as_of", -1, format_date(options.as_of)});
  }
  const period_grid grid(summary.min_day(), options.as_of, options.kind);
  counts c(grid.size());
  // Order days grouped by customer (a counting sort), each customer's days in input order:
  // already ascending when the export is chronological.
  std::vector<std::uint32_t> next(orders.customer_count + std::size_t{1}, 0);
  for (const std::uint32_t cust : orders.customer) ++next[cust + 1];
  for (std::size_t k = 1; k < next.size(); ++k) next[k] += next[k - 1];
  std::vector<day_t> grouped(orders.size());
  for (std::size_t i = 0; i < orders.size(); ++i)
    grouped[next[orders.customer[i]]++] = orders.day[i];
  std::vector<std::pair<day_t, day_t>> spells;
  std::uint32_t begin = 0;
  for (std::uint32_t cust = 0; cust < orders.customer_count; ++cust) {
    const std::uint32_t end = next[cust];  // after the scatter, next[c] is the end of c's days
    if (end == begin) continue;
    const auto first = grouped.begin() + begin;
    const auto last = grouped.begin() + end;
    if (!std::is_sorted(first, last)) std::sort(first, last);
    spells_of({&*first, end - begin}, options.inactivity_days, spells);
    count_customer(spells, grid, options.include_new, c);
    begin = end;
  }
  return finish(grid, c, options);
}

std::vector<churn_row> churn_by_dates(std::span<const day_t> created,
                                      std::span<const day_t> churned,
                                      const churn_options& options) {
  require_same_length("churn_by_dates", "created", created.size(), "churned", churned.size());
  day_t first = no_day;
  for (std::size_t i = 0; i < created.size(); ++i) {
    if (created[i] == no_day) continue;
    if (churned[i] != no_day && churned[i] < created[i]) {
      throw invalid_input(
          "churned before created",
          {"churn_by_dates", "churned", static_cast<std::int64_t>(i), format_date(churned[i])});
    }
    if (created[i] >= options.as_of) continue;
    first = first == no_day ? created[i] : std::min(first, created[i]);
  }
  if (first == no_day) return {};
  const period_grid grid(first, options.as_of, options.kind);
  counts c(grid.size());
  std::vector<std::pair<day_t, day_t>> spell(1);
  for (std::size_t i = 0; i < created.size(); ++i) {
    if (created[i] == no_day || created[i] >= options.as_of) continue;
    const day_t end = churned[i] == no_day ? options.as_of + 1 : churned[i] - 1;
    if (end < created[i]) {  // churned on the day it was created: never active
      const std::size_t p = grid.slot_of(created[i]);
      ++c.fresh[p];
      if (options.include_new) ++c.lost[p];
      continue;
    }
    spell[0] = {created[i], end};
    count_customer(spell, grid, options.include_new, c);
  }
  return finish(grid, c, options);
}

std::optional<double> per_period_churn(double rate, double periods) noexcept {
  if (!(rate >= 0.0 && rate <= 1.0) || !(periods > 0.0)) return std::nullopt;
  return 1.0 - std::pow(1.0 - rate, 1.0 / periods);
}

}  // namespace crm
