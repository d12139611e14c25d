// Customer × period activity, the per-period table and the cohort matrix
// (docs/metrics.md "Active customers and retention", "Cohort retention").

#include <algorithm>
#include <string>

#include "crm/error.hpp"
#include "crm/retention.hpp"

#include "day_periods.hpp"

namespace crm {
namespace {

/// Dense bitsets while they stay within this many bytes (or a single word per customer).
constexpr std::size_t dense_budget_bytes = std::size_t{256} << 20;

std::string label(std::int32_t period, period_kind kind) { return period_label(period, kind); }

/// The period index of each day of [first_day, last_day] (throws when last_day < first_day).
std::vector<std::int32_t> slot_table(day_t first_day, day_t last_day, period_kind kind,
                                     const char* function) {
  if (last_day < first_day) {
    throw invalid_input("last_day is before first_day",
                        {function, "last_day", -1, format_date(last_day)});
  }
  return detail::period_slots(first_day, last_day, kind);
}

/// Per-period counts of customers and orders, as the rows of the activity table.
struct period_counts {
  std::span<const std::uint64_t> active, fresh, retained, orders;
  std::span<const std::int64_t> revenue;
};

std::vector<period_row> rows_of(std::int32_t first_period, const period_counts& c,
                                bool has_amount) {
  std::vector<period_row> rows(c.active.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    period_row& r = rows[k];
    r.period = first_period + static_cast<std::int32_t>(k);
    r.active = c.active[k];
    r.new_customers = c.fresh[k];
    r.orders = c.orders[k];
    r.revenue_e4 = c.revenue[k];
    if (k > 0) {
      r.retained = c.retained[k];
      if (c.active[k - 1] > 0) {
        r.retention = static_cast<double>(c.retained[k]) / static_cast<double>(c.active[k - 1]);
      }
    }
    if (has_amount && c.active[k] > 0) {
      r.arpu = money_from_e4(r.revenue_e4) / static_cast<double>(c.active[k]);
    }
  }
  return rows;
}

/// The cohort rows from cells[cohort slot][k] (empty = no such cohort).
std::vector<cohort_row> cohorts_of(std::int32_t first_period,
                                   std::vector<std::vector<std::uint64_t>> cells,
                                   std::vector<std::vector<std::int64_t>> revenue) {
  std::vector<cohort_row> rows;
  for (std::size_t k = 0; k < cells.size(); ++k) {
    if (cells[k].empty()) continue;
    cohort_row row;
    row.cohort = first_period + static_cast<std::int32_t>(k);
    row.size = cells[k][0];
    row.active = std::move(cells[k]);
    row.revenue_e4 = std::move(revenue[k]);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

period_activity::period_activity(std::uint32_t customer_count, period_kind kind, day_t first_day,
                                 day_t last_day)
    : customers_(customer_count),
      kind_(kind),
      first_period_(period_index(first_day, kind)),
      last_period_(period_index(last_day, kind)),
      first_day_(first_day),
      slot_of_day_(slot_table(first_day, last_day, kind, "period_activity")),
      words_(0) {
  const auto periods = static_cast<std::size_t>(last_period_ - first_period_) + 1;
  const std::size_t words = (periods + 63) / 64;
  if (words == 1 || std::size_t{customer_count} * words * 8 <= dense_budget_bytes) {
    words_ = static_cast<std::uint32_t>(words);
    bits_.assign(std::size_t{customer_count} * words, 0);
  }
  period_orders_.assign(periods, 0);
  period_revenue_.assign(periods, 0);
}

period_kind period_activity::kind() const noexcept { return kind_; }
std::int32_t period_activity::first_period() const noexcept { return first_period_; }
std::int32_t period_activity::last_period() const noexcept { return last_period_; }
std::uint32_t period_activity::customer_count() const noexcept { return customers_; }

void period_activity::update(const orders_view& orders) {
  validate(orders, "period_activity::update");
  if (orders.customer_count != customers_) {
    throw invalid_input(
        "customer_count differs from the activity's " + std::to_string(customers_),
        {"period_activity::update", "customer_count", -1, std::to_string(orders.customer_count)});
  }
  if (orders.size() > 0 && orders.amount.empty()) has_amount_ = false;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const std::int32_t k = slot_of(orders.day[i]);
    if (k < 0) {
      throw invalid_input("order day outside the activity's range",
                          {"period_activity::update", "day", static_cast<std::int64_t>(i),
                           format_date(orders.day[i])});
    }
    const auto slot = static_cast<std::size_t>(k);
    const std::uint32_t c = orders.customer[i];
    if (words_ > 0) {
      bits_[std::size_t{c} * words_ + slot / 64] |= std::uint64_t{1} << (slot % 64);
    } else {
      pairs_.push_back(std::uint64_t{c} << 32 | slot);
      pairs_sorted_ = false;
    }
    ++period_orders_[slot];
    if (!orders.amount.empty()) period_revenue_[slot] += orders.amount[i];
  }
}

void period_activity::merge(const period_activity& other) {
  if (other.customers_ != customers_ || other.kind_ != kind_ ||
      other.first_period_ != first_period_ || other.last_period_ != last_period_) {
    throw invalid_input("activities built with different arguments cannot be merged",
                        {"period_activity::merge", "", -1, ""});
  }
  for (std::size_t i = 0; i < bits_.size(); ++i) bits_[i] |= other.bits_[i];
  if (words_ == 0) {
    pairs_.insert(pairs_.end(), other.pairs_.begin(), other.pairs_.end());
    pairs_sorted_ = false;
  }
  for (std::size_t k = 0; k < period_orders_.size(); ++k) {
    period_orders_[k] += other.period_orders_[k];
    period_revenue_[k] += other.period_revenue_[k];
  }
  has_amount_ = has_amount_ && other.has_amount_;
}

void period_activity::normalize() const {
  if (pairs_sorted_) return;
  std::sort(pairs_.begin(), pairs_.end());
  pairs_.erase(std::unique(pairs_.begin(), pairs_.end()), pairs_.end());
  pairs_sorted_ = true;
}

std::span<const std::uint64_t> period_activity::pairs_of(std::uint32_t customer) const {
  normalize();
  const std::uint64_t lo = std::uint64_t{customer} << 32;
  const auto b = std::lower_bound(pairs_.begin(), pairs_.end(), lo);
  const auto e = std::lower_bound(b, pairs_.end(), lo + (std::uint64_t{1} << 32));
  return {b, e};
}

bool period_activity::active(std::uint32_t customer, std::int32_t period) const {
  if (customer >= customers_ || period < first_period_ || period > last_period_) return false;
  const auto slot = static_cast<std::uint64_t>(period - first_period_);
  if (words_ > 0) {
    return ((bits_[std::size_t{customer} * words_ + slot / 64] >> (slot % 64)) & 1U) != 0;
  }
  const auto mine = pairs_of(customer);
  return std::binary_search(mine.begin(), mine.end(), std::uint64_t{customer} << 32 | slot);
}

std::optional<std::int32_t> period_activity::first_active(std::uint32_t customer) const {
  std::optional<std::int32_t> first;
  if (words_ > 0) {
    const std::uint64_t* w = bits_.data() + std::size_t{customer} * words_;
    for (std::uint32_t k = 0; k < words_; ++k) {
      if (w[k] != 0)
        return first_period_ + static_cast<std::int32_t>(
                                   k * 64 + static_cast<std::uint32_t>(std::countr_zero(w[k])));
    }
    return first;
  }
  const auto mine = pairs_of(customer);
  if (!mine.empty()) first = first_period_ + static_cast<std::int32_t>(mine.front() & 0xFFFFFFFFU);
  return first;
}

std::vector<period_row> activity_by_period(const period_activity& a) {
  const std::size_t periods = a.period_orders().size();
  std::vector<std::uint64_t> active(periods, 0);
  std::vector<std::uint64_t> fresh(periods, 0);
  std::vector<std::uint64_t> retained(periods, 0);
  for (std::uint32_t c = 0; c < a.customer_count(); ++c) {
    std::int32_t prev = -2;
    bool first = true;
    a.for_each_active(c, [&](std::int32_t p) {
      const auto k = static_cast<std::size_t>(p - a.first_period());
      ++active[k];
      if (first) ++fresh[k];
      if (p == prev + 1 && !first) ++retained[k];
      first = false;
      prev = p;
    });
  }
  return rows_of(a.first_period(), {active, fresh, retained, a.period_orders(), a.period_revenue()},
                 a.has_amount());
}

double cohort_row::retention(std::size_t k) const noexcept {
  return size == 0 ? 0.0 : static_cast<double>(active[k]) / static_cast<double>(size);
}

std::vector<cohort_row> cohort_matrix(const period_activity& a, const orders_view& orders) {
  validate(orders, "cohort_matrix");
  const std::size_t periods = a.period_orders().size();
  const bool money = !orders.amount.empty();
  std::vector<std::vector<std::uint64_t>> cells(periods);
  std::vector<std::vector<std::int64_t>> revenue(periods);
  std::vector<std::int32_t> cohort_of(a.customer_count(), -1);
  for (std::uint32_t c = 0; c < a.customer_count(); ++c) {
    std::int32_t cohort = -1;
    a.for_each_active(c, [&](std::int32_t p) {
      const auto k = static_cast<std::size_t>(p - a.first_period());
      if (cohort < 0) {
        cohort = static_cast<std::int32_t>(k);
        if (cells[k].empty()) {
          cells[k].assign(periods - k, 0);
          if (money) revenue[k].assign(periods - k, 0);
        }
      }
      ++cells[static_cast<std::size_t>(cohort)][k - static_cast<std::size_t>(cohort)];
    });
    cohort_of[c] = cohort;
  }
  if (money) {
    for (std::size_t i = 0; i < orders.size(); ++i) {
      const std::int32_t cohort = cohort_of[orders.customer[i]];
      const std::int32_t slot = a.slot_of(orders.day[i]);
      const auto k = static_cast<std::size_t>(slot);
      if (cohort < 0 || slot < cohort) {
        throw invalid_input("orders differ from those the activity was built from",
                            {"cohort_matrix", "day", static_cast<std::int64_t>(i),
                             label(period_index(orders.day[i], a.kind()), a.kind())});
      }
      revenue[static_cast<std::size_t>(cohort)][k - static_cast<std::size_t>(cohort)] +=
          orders.amount[i];
    }
  }
  return cohorts_of(a.first_period(), std::move(cells), std::move(revenue));
}

period_tables::period_tables(period_kind kind, day_t first_day, day_t last_day, bool has_amount)
    : kind_(kind),
      first_period_(period_index(first_day, kind)),
      first_day_(first_day),
      has_amount_(has_amount),
      slot_of_day_(slot_table(first_day, last_day, kind, "period_tables")) {
  const auto periods = static_cast<std::size_t>(period_index(last_day, kind) - first_period_) + 1;
  active_.assign(periods, 0);
  fresh_.assign(periods, 0);
  retained_.assign(periods, 0);
  orders_.assign(periods, 0);
  revenue_.assign(periods, 0);
  cells_.resize(periods);
  cell_revenue_.resize(periods);
}

void period_tables::add(const customer_orders& orders, std::uint32_t begin, std::uint32_t end) {
  if (begin > end || end > orders.customer_count()) {
    throw invalid_input("customer range beyond the orders' " +
                            std::to_string(orders.customer_count()) + " customers",
                        {"period_tables::add", "end", -1, std::to_string(end)});
  }
  if (has_amount_ && !orders.has_amount() && orders.size() > 0) {
    throw invalid_input("the tables were built with amounts and these orders have none",
                        {"period_tables::add", "amount", -1, ""});
  }
  const std::size_t periods = active_.size();
  for (std::uint32_t c = begin; c < end; ++c) {
    const std::span<const day_t> days = orders.days(c);
    const amount_view amounts = orders.amounts(c);
    std::size_t cohort = periods;  // none yet
    std::size_t prev = periods;
    std::uint64_t* cells = nullptr;
    std::int64_t* revenue = nullptr;
    for (std::size_t j = 0; j < days.size(); ++j) {
      const std::int64_t offset = std::int64_t{days[j]} - first_day_;
      if (offset < 0 || offset >= static_cast<std::int64_t>(slot_of_day_.size())) {
        throw invalid_input("order day outside the tables' range",
                            {"period_tables::add", "day", -1, format_date(days[j])});
      }
      const auto slot = static_cast<std::size_t>(slot_of_day_[static_cast<std::size_t>(offset)]);
      if (slot != prev) {  // days ascend: a period the customer was not yet counted in
        ++active_[slot];
        if (cohort == periods) {
          cohort = slot;
          ++fresh_[slot];
          if (cells_[slot].empty()) {
            cells_[slot].assign(periods - slot, 0);
            if (has_amount_) cell_revenue_[slot].assign(periods - slot, 0);
          }
          cells = cells_[slot].data();
          revenue = has_amount_ ? cell_revenue_[slot].data() : nullptr;
        } else if (slot == prev + 1) {
          ++retained_[slot];
        }
        ++cells[slot - cohort];
        prev = slot;
      }
      ++orders_[slot];
      if (has_amount_) {
        revenue_[slot] += amounts[j];
        revenue[slot - cohort] += amounts[j];
      }
    }
  }
}

void period_tables::merge(const period_tables& other) {
  if (other.kind_ != kind_ || other.first_day_ != first_day_ ||
      other.slot_of_day_.size() != slot_of_day_.size() || other.has_amount_ != has_amount_) {
    throw invalid_input("tables built with different arguments cannot be merged",
                        {"period_tables::merge", "", -1, ""});
  }
  for (std::size_t k = 0; k < active_.size(); ++k) {
    active_[k] += other.active_[k];
    fresh_[k] += other.fresh_[k];
    retained_[k] += other.retained_[k];
    orders_[k] += other.orders_[k];
    revenue_[k] += other.revenue_[k];
    if (other.cells_[k].empty()) continue;
    if (cells_[k].empty()) {
      cells_[k] = other.cells_[k];
      cell_revenue_[k] = other.cell_revenue_[k];
      continue;
    }
    for (std::size_t j = 0; j < cells_[k].size(); ++j) cells_[k][j] += other.cells_[k][j];
    for (std::size_t j = 0; j < cell_revenue_[k].size(); ++j) {
      cell_revenue_[k][j] += other.cell_revenue_[k][j];
    }
  }
}

std::vector<period_row> period_tables::rows() const {
  return rows_of(first_period_, {active_, fresh_, retained_, orders_, revenue_}, has_amount_);
}

std::vector<cohort_row> period_tables::cohorts() const {
  return cohorts_of(first_period_, cells_, cell_revenue_);
}

}  // namespace crm
