// Cross-sell, up-sell and refund kernels (docs/metrics.md "Orders and value").

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "crm/error.hpp"
#include "crm/retention.hpp"
#include "crm/value.hpp"

#include "day_periods.hpp"

namespace crm {
namespace {

using detail::period_table;

__extension__ using int128 = __int128;  // exact products of sums and counts

constexpr std::uint32_t no_category = 0xFFFFFFFFU;
constexpr std::int64_t missing_money = std::numeric_limits<std::int64_t>::min();

std::optional<double> ratio(std::uint64_t num, std::uint64_t den) noexcept {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

/// Rows ahead whose per-customer state is prefetched (random customer order is cache-bound).
constexpr std::size_t prefetch_rows = 16;

/// Throws invalid_input naming the first customer index >= count.
void require_customers_below(std::span<const std::uint32_t> customer, std::size_t count,
                             const char* function) {
  if (customer.empty() || *std::max_element(customer.begin(), customer.end()) < count) return;
  const auto bad = std::find_if(customer.begin(), customer.end(),
                                [count](std::uint32_t c) { return c >= count; });
  throw invalid_input("customer index is not below customer_count " + std::to_string(count),
                      {function, "customer", static_cast<std::int64_t>(bad - customer.begin()),
                       std::to_string(*bad)});
}

/// A customer's two latest active periods, [0] the previous and [1] the last, with the spend
/// and number of orders in each; count 0 = no such period yet.
struct last_two {
  std::int64_t spend[2] = {0, 0};
  std::uint32_t count[2] = {0, 0};
  std::int32_t period[2] = {0, 0};

  void start(int k, std::int32_t p, std::int64_t amount) noexcept {
    period[k] = p;
    spend[k] = amount;
    count[k] = 1;
  }
  /// One order. A period that ends among the last two enters them with its first order and
  /// never leaves, so one pass in any row order collects its whole spend.
  void add(std::int32_t p, std::int64_t amount) noexcept {
    if (count[1] != 0 && p == period[1]) {
      spend[1] += amount;
      ++count[1];
    } else if (count[1] == 0 || p > period[1]) {
      period[0] = period[1];
      spend[0] = spend[1];
      count[0] = count[1];
      start(1, p, amount);
    } else if (count[0] != 0 && p == period[0]) {
      spend[0] += amount;
      ++count[0];
    } else if (count[0] == 0 || p > period[0]) {
      start(0, p, amount);
    }
  }
};

/// One customer's verdict: mean(last) > mean(previous), i.e. spend1 × count0 > spend0 × count1
/// (exact in 128 bits). Only for customers with two active periods.
bool grew(const last_two& s) noexcept {
  return static_cast<int128>(s.spend[1]) * s.count[0] >
         static_cast<int128>(s.spend[0]) * s.count[1];
}

/// The up-sell counts; period_of(day, row) gives an order's period (any ordered index).
template <typename PeriodOf>
upsell_result upsell_pass(const orders_view& orders, PeriodOf&& period_of) {
  upsell_result out;
  if (orders.amount.empty() || orders.size() == 0) return out;
  std::vector<last_two> state(orders.customer_count);
  const std::size_t n = orders.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + prefetch_rows < n) __builtin_prefetch(&state[orders.customer[i + prefetch_rows]], 1);
    state[orders.customer[i]].add(period_of(orders.day[i], i), orders.amount[i]);
  }
  for (const last_two& s : state) {
    if (s.count[0] == 0) continue;
    ++out.base;
    if (grew(s)) ++out.upsold;
  }
  return out;
}

/// The refunded value of one order of convention 2 (0 = none).
std::int64_t refunded_value(std::int64_t amount, std::int64_t back, std::uint8_t flag) noexcept {
  if (back > 0) return back;  // the missing sentinel is negative
  return flag == 1 ? amount : 0;
}

/// Throws invalid_input naming the first negative refunded amount (the missing sentinel is
/// allowed).
void require_refunds_not_negative(std::span<const std::int64_t> refunded_amount) {
  const auto bad = std::find_if(refunded_amount.begin(), refunded_amount.end(),
                                [](std::int64_t v) { return v < 0 && v != missing_money; });
  if (bad == refunded_amount.end()) return;
  throw invalid_input(
      "a refunded amount cannot be negative",
      {"refunds_from_columns", "refunded_amount",
       static_cast<std::int64_t>(bad - refunded_amount.begin()), std::to_string(*bad)});
}

}  // namespace

cross_sell_counter::cross_sell_counter(std::uint32_t customer_count)
    : first_(customer_count, no_category), multi_(customer_count, 0) {}

void cross_sell_counter::update(std::span<const std::uint32_t> customer,
                                std::span<const std::uint32_t> category) {
  require_same_length("cross_sell_counter::update", "customer", customer.size(), "category",
                      category.size());
  require_customers_below(customer, first_.size(), "cross_sell_counter::update");
  const std::size_t n = customer.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + prefetch_rows < n) {
      __builtin_prefetch(&first_[customer[i + prefetch_rows]], 1);
      __builtin_prefetch(&multi_[customer[i + prefetch_rows]], 1);
    }
    const std::uint32_t c = customer[i];
    const std::uint32_t k = category[i];
    if (k == no_category) continue;
    if (first_[c] == no_category) {
      first_[c] = k;
    } else if (first_[c] != k) {
      multi_[c] = 1;
    }
  }
}

void cross_sell_counter::merge(const cross_sell_counter& other) {
  if (other.first_.size() != first_.size()) {
    throw invalid_input(
        "counters of different customer index spaces cannot be merged",
        {"cross_sell_counter::merge", "customer_count", -1, std::to_string(other.first_.size())});
  }
  for (std::size_t c = 0; c < first_.size(); ++c) {
    const std::uint32_t theirs = other.first_[c];
    if (theirs == no_category) continue;
    if (first_[c] == no_category) {
      first_[c] = theirs;
      multi_[c] = other.multi_[c];
    } else if (other.multi_[c] != 0 || first_[c] != theirs) {
      multi_[c] = 1;
    }
  }
}

std::uint64_t cross_sell_counter::customers() const noexcept {
  return static_cast<std::uint64_t>(std::count_if(
      first_.begin(), first_.end(), [](std::uint32_t k) { return k != no_category; }));
}

std::uint64_t cross_sell_counter::cross_buyers() const noexcept {
  return static_cast<std::uint64_t>(std::count(multi_.begin(), multi_.end(), 1));
}

std::optional<double> cross_sell_counter::rate() const noexcept {
  return ratio(cross_buyers(), customers());
}

std::optional<double> upsell_result::rate() const noexcept { return ratio(upsold, base); }

upsell_result upsell(const orders_view& orders, period_kind kind) {
  validate(orders, "upsell");
  if (orders.amount.empty() || orders.size() == 0) return {};
  if (kind == period_kind::day) {
    return upsell_pass(orders, [](day_t d, std::size_t) { return d; });
  }
  const auto [lo, hi] = std::minmax_element(orders.day.begin(), orders.day.end());
  const auto days = static_cast<std::size_t>(std::int64_t{*hi} - *lo + 1);
  constexpr std::size_t max_table_days = std::size_t{1} << 20;  // 4 MiB, 2870 years
  if (days > max_table_days) {
    return upsell_pass(orders, [kind](day_t d, std::size_t) { return period_index(d, kind); });
  }
  const std::vector<std::int32_t> table = period_table(*lo, days, kind);
  const day_t first = *lo;
  return upsell_pass(orders, [&table, first](day_t d, std::size_t) {
    return table[static_cast<std::size_t>(std::int64_t{d} - first)];
  });
}

upsell_counter::upsell_counter(period_kind kind, day_t first_day, day_t last_day)
    : kind_(kind), first_day_(first_day) {
  if (last_day < first_day) {
    throw invalid_input("last_day is before first_day",
                        {"upsell_counter", "last_day", -1, format_date(last_day)});
  }
  period_of_day_ = period_table(
      first_day, static_cast<std::size_t>(std::int64_t{last_day} - first_day) + 1, kind);
}

void upsell_counter::add(const customer_orders& orders, std::uint32_t begin, std::uint32_t end) {
  if (begin > end || end > orders.customer_count()) {
    throw invalid_input("customer range beyond the orders' " +
                            std::to_string(orders.customer_count()) + " customers",
                        {"upsell_counter::add", "end", -1, std::to_string(end)});
  }
  if (!orders.has_amount()) {
    throw invalid_input("up-sell needs order amounts", {"upsell_counter::add", "amount", -1, ""});
  }
  const auto days_in_table = static_cast<std::int64_t>(period_of_day_.size());
  for (std::uint32_t c = begin; c < end; ++c) {
    const std::span<const day_t> days = orders.days(c);
    if (days.empty()) continue;
    const amount_view amounts = orders.amounts(c);
    last_two s;
    for (std::size_t j = 0; j < days.size(); ++j) {
      const std::int64_t k = std::int64_t{days[j]} - first_day_;
      if (k < 0 || k >= days_in_table) {
        throw invalid_input("order day outside the counter's range",
                            {"upsell_counter::add", "day", -1, format_date(days[j])});
      }
      s.add(period_of_day_[static_cast<std::size_t>(k)], amounts[j]);
    }
    if (s.count[0] == 0) continue;
    ++counts_.base;
    if (grew(s)) ++counts_.upsold;
  }
}

void upsell_counter::merge(const upsell_counter& other) {
  if (other.kind_ != kind_ || other.first_day_ != first_day_ ||
      other.period_of_day_.size() != period_of_day_.size()) {
    throw invalid_input("counters built with different arguments cannot be merged",
                        {"upsell_counter::merge", "", -1, ""});
  }
  counts_.base += other.counts_.base;
  counts_.upsold += other.counts_.upsold;
}

upsell_result upsell(const orders_view& orders, const period_activity& activity) {
  validate(orders, "upsell");
  if (activity.customer_count() != orders.customer_count) {
    throw invalid_input(
        "the activity's customer_count differs: " + std::to_string(activity.customer_count()),
        {"upsell", "customer_count", -1, std::to_string(orders.customer_count)});
  }
  return upsell_pass(orders, [&activity](day_t d, std::size_t row) {
    const std::int32_t slot = activity.slot_of(d);
    if (slot < 0) {
      throw invalid_input(
          "order day outside the activity's range (not the orders it was built from)",
          {"upsell", "day", static_cast<std::int64_t>(row), format_date(d)});
    }
    return slot;
  });
}

std::optional<double> refund_result::rate() const noexcept {
  if (gross_sales_e4 <= 0) return std::nullopt;
  return static_cast<double>(refunded_e4) / static_cast<double>(gross_sales_e4);
}

std::optional<double> refund_result::order_rate() const noexcept {
  return ratio(refunded_orders, orders);
}

refund_result refunds_from_negative_amounts(std::span<const std::int64_t> amount) {
  refund_result r;
  for (const std::int64_t v : amount) {
    if (v > 0) {
      r.gross_sales_e4 += v;
      ++r.orders;
    } else if (v < 0 && v != missing_money) {
      r.refunded_e4 -= v;
      ++r.refunded_orders;
    }
  }
  return r;
}

refund_result refunds_from_columns(std::span<const std::int64_t> amount,
                                   std::span<const std::int64_t> refunded_amount,
                                   std::span<const std::uint8_t> refunded_flag) {
  if (!refunded_amount.empty()) {
    require_same_length("refunds_from_columns", "amount", amount.size(), "refunded_amount",
                        refunded_amount.size());
  }
  if (!refunded_flag.empty()) {
    require_same_length("refunds_from_columns", "amount", amount.size(), "refunded_flag",
                        refunded_flag.size());
  }
  require_refunds_not_negative(refunded_amount);
  refund_result r;
  for (std::size_t i = 0; i < amount.size(); ++i) {
    const std::int64_t v = amount[i];
    if (v <= 0) continue;  // not a sale (missing, zero or negative): its refund columns unused
    const std::int64_t back =
        refunded_value(v, refunded_amount.empty() ? missing_money : refunded_amount[i],
                       refunded_flag.empty() ? std::uint8_t{0} : refunded_flag[i]);
    r.gross_sales_e4 += v;
    ++r.orders;
    if (back > 0) {
      r.refunded_e4 += back;
      ++r.refunded_orders;
    }
  }
  return r;
}

}  // namespace crm
