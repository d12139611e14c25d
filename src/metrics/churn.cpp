// Churn and retention per period (docs/metrics.md "Churn rate").

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "crm/error.hpp"
#include "crm/retention.hpp"

#include "day_periods.hpp"

namespace crm {
namespace {

/// One customer's active spells [a, b] (inclusive days) from its sorted order days.
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

bool active_at(std::span<const std::pair<day_t, day_t>> spells, day_t t) {
  // The last spell starting on or before t.
  const auto it = std::upper_bound(spells.begin(), spells.end(), t,
                                   [](day_t v, const auto& s) { return v < s.first; });
  return it != spells.begin() && t <= (it - 1)->second;
}

template <typename T>
void require_same(const T& a, const T& b, const char* what) {
  if (a != b) {
    throw invalid_input("churn counters built with different arguments cannot be merged",
                        {"churn_counter::merge", what, -1, ""});
  }
}

}  // namespace

churn_counter::churn_counter(day_t first_day, const churn_options& options)
    : options_(options), first_period_(period_index(first_day, options.kind)) {
  if (options.as_of <= first_day) {
    throw invalid_input("as_of must be after the first day " + format_date(first_day),
                        {"churn_counter", "as_of", -1, format_date(options.as_of)});
  }
  const std::int32_t last = period_index(options.as_of - 1, options.kind);
  for (std::int32_t p = first_period_; p <= last; ++p) {
    const day_t natural_end = period_start(p + 1, options.kind) - 1;
    start_.push_back(period_start(p, options.kind));
    end_.push_back(std::min(natural_end, options.as_of - 1));
    partial_.push_back(natural_end > options.as_of - 1 ? 1 : 0);
  }
  const std::size_t n = start_.size();
  slot_of_day_ = detail::period_slots(start_.front(), end_.back(), options.kind);
  at_start_.assign(n, 0);
  at_end_.assign(n, 0);
  fresh_.assign(n, 0);
  lost_.assign(n, 0);
}

std::size_t churn_counter::slot_of(day_t day) const {
  // The first period whose last day is on or after `day`: by table within the periods.
  const std::int64_t k = std::int64_t{day} - start_.front();
  if (k >= 0 && k < static_cast<std::int64_t>(slot_of_day_.size())) {
    return static_cast<std::size_t>(slot_of_day_[static_cast<std::size_t>(k)]);
  }
  return static_cast<std::size_t>(std::lower_bound(end_.begin(), end_.end(), day) - end_.begin());
}

void churn_counter::count_spells(std::span<const std::pair<day_t, day_t>> spells) {
  const std::size_t periods = start_.size();
  const std::size_t first_slot = slot_of(spells.front().first);
  ++fresh_[first_slot];
  if (options_.include_new && !active_at(spells, end_[first_slot])) ++lost_[first_slot];
  for (std::size_t s = 0; s < spells.size(); ++s) {
    const auto [a, b] = spells[s];
    const std::size_t home = slot_of(a);  // the period containing a
    // Active on the day before the period starts (start − 1 in [a, b]): the periods after a's
    // that start by b + 1. Lost unless active on the last day: in this spell, or a later one
    // (the earlier ones end before a).
    for (std::size_t p = home + 1; p < periods && start_[p] <= b + 1; ++p) {
      ++at_start_[p];
      if (end_[p] > b && !active_at(spells.subspan(s + 1), end_[p])) ++lost_[p];
    }
    // Active on the period's last day.
    for (std::size_t p = home; p < periods && end_[p] <= b; ++p) ++at_end_[p];
  }
}

void churn_counter::add(const customer_orders& orders, std::uint32_t begin, std::uint32_t end) {
  if (options_.inactivity_days == 0) {
    throw invalid_input("inactivity_days must be at least 1",
                        {"churn_counter::add", "inactivity_days", -1, "0"});
  }
  if (begin > end || end > orders.customer_count()) {
    throw invalid_input("customer range beyond the orders' " +
                            std::to_string(orders.customer_count()) + " customers",
                        {"churn_counter::add", "end", -1, std::to_string(end)});
  }
  std::vector<std::pair<day_t, day_t>> spells;
  for (std::uint32_t c = begin; c < end; ++c) {
    const std::span<const day_t> days = orders.days(c);
    if (days.empty()) continue;
    if (days.front() < start_.front() || days.back() >= options_.as_of) {
      throw invalid_input(
          "order day outside the counter's range (first day to as_of − 1)",
          {"churn_counter::add", "day", -1,
           format_date(days.front() < start_.front() ? days.front() : days.back())});
    }
    spells_of(days, options_.inactivity_days, spells);
    count_spells(spells);
  }
}

void churn_counter::merge(const churn_counter& other) {
  require_same(other.first_period_, first_period_, "first_day");
  require_same(other.end_, end_, "as_of");
  require_same(other.options_.kind, options_.kind, "kind");
  require_same(other.options_.inactivity_days, options_.inactivity_days, "inactivity_days");
  require_same(other.options_.include_new, options_.include_new, "include_new");
  require_same(other.options_.base, options_.base, "base");
  for (std::size_t p = 0; p < start_.size(); ++p) {
    at_start_[p] += other.at_start_[p];
    at_end_[p] += other.at_end_[p];
    fresh_[p] += other.fresh_[p];
    lost_[p] += other.lost_[p];
  }
}

std::vector<churn_row> churn_counter::rows() const {
  std::vector<churn_row> rows(start_.size());
  for (std::size_t p = 0; p < rows.size(); ++p) {
    churn_row& r = rows[p];
    r.period = first_period_ + static_cast<std::int32_t>(p);
    r.at_start = at_start_[p];
    r.new_customers = fresh_[p];
    r.lost = lost_[p];
    r.at_end = at_end_[p];
    r.partial = partial_[p] != 0;
    const double start = static_cast<double>(r.at_start) +
                         (options_.include_new ? static_cast<double>(r.new_customers) : 0.0);
    double base = start;
    if (options_.base == churn_base::start_plus_new) {
      base = static_cast<double>(r.at_start + r.new_customers);
    } else if (options_.base == churn_base::average) {
      base = (start + static_cast<double>(r.at_end)) / 2.0;
    }
    if (base > 0.0) {
      r.churn_rate = static_cast<double>(r.lost) / base;
      r.retention_rate = 1.0 - *r.churn_rate;
    }
  }
  return rows;
}

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
  const customer_orders grouped({orders.customer, orders.day, {}, orders.customer_count});  // days
  churn_counter counter(summary.min_day(), options);
  counter.add(grouped, 0, grouped.customer_count());
  return counter.rows();
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
  churn_counter c(first, options);
  std::pair<day_t, day_t> spell;
  for (std::size_t i = 0; i < created.size(); ++i) {
    if (created[i] == no_day || created[i] >= options.as_of) continue;
    const day_t end = churned[i] == no_day ? options.as_of + 1 : churned[i] - 1;
    if (end < created[i]) {  // churned on the day it was created: never active
      const std::size_t p = c.slot_of(created[i]);
      ++c.fresh_[p];
      if (options.include_new) ++c.lost_[p];
      continue;
    }
    spell = {created[i], end};
    c.count_spells({&spell, 1});
  }
  return c.rows();
}

std::optional<double> per_period_churn(double rate, double periods) noexcept {
  if (!(rate >= 0.0 && rate <= 1.0) || !(periods > 0.0)) return std::nullopt;
  return 1.0 - std::pow(1.0 - rate, 1.0 / periods);
}

}  // namespace crm
