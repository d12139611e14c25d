// Cross-sell, up-sell and refund kernels (docs/metrics.md "Orders and value").

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "crm/error.hpp"
#include "crm/retention.hpp"
#include "crm/value.hpp"

namespace crm {
namespace {

__extension__ typedef __int128 int128;  // exact products of sums and counts

constexpr std::uint32_t no_category = 0xFFFFFFFFU;
constexpr std::int64_t missing_money = std::numeric_limits<std::int64_t>::min();

std::optional<double> ratio(std::uint64_t num, std::uint64_t den) noexcept {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

cross_sell_counter::cross_sell_counter(std::uint32_t customer_count)
    : first_(customer_count, no_category), multi_(customer_count, 0) {}

void cross_sell_counter::update(std::span<const std::uint32_t> customer,
                                std::span<const std::uint32_t> category) {
  require_same_length("cross_sell_counter::update", "customer", customer.size(), "category",
                      category.size());
  for (std::size_t i = 0; i < customer.size(); ++i) {
    const std::uint32_t c = customer[i];
    if (c >= first_.size()) {
      throw invalid_input(
          "customer index is not below customer_count " + std::to_string(first_.size()),
          {"cross_sell_counter::update", "customer", static_cast<std::int64_t>(i),
           std::to_string(c)});
    }
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
    if (other.first_[c] == no_category) continue;
    if (first_[c] == no_category) {
      first_[c] = other.first_[c];
      multi_[c] = other.multi_[c];
    } else {
      multi_[c] = (multi_[c] | other.multi_[c] | (first_[c] != other.first_[c] ? 1 : 0)) != 0;
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
  const auto [lo, hi] = std::minmax_element(orders.day.begin(), orders.day.end());
  period_activity activity(orders.customer_count, kind, *lo, *hi);
  activity.update(orders);
  return upsell(orders, activity);
}

upsell_result upsell(const orders_view& orders, const period_activity& activity) {
  validate(orders, "upsell");
  upsell_result out;
  if (orders.amount.empty() || orders.size() == 0) return out;
  // Customers active in >= 2 periods get a compact slot with their last two active periods.
  constexpr std::uint32_t none = 0xFFFFFFFFU;
  struct last_two {
    std::int32_t period[2];  // previous, last
    std::int64_t spend[2] = {0, 0};
    std::int64_t count[2] = {0, 0};
  };
  std::vector<std::uint32_t> index(orders.customer_count, none);
  std::vector<last_two> state;
  for (std::uint32_t c = 0; c < orders.customer_count; ++c) {
    std::int32_t prev = -1;
    std::int32_t last = -1;
    activity.for_each_active(c, [&](std::int32_t p) {
      prev = last;
      last = p - activity.first_period();
    });
    if (prev < 0) continue;
    index[c] = static_cast<std::uint32_t>(state.size());
    state.push_back({{prev, last}});
  }
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const std::uint32_t k = index[orders.customer[i]];
    if (k == none) continue;
    last_two& s = state[k];
    const std::int32_t p = activity.slot_of(orders.day[i]);
    const int which = p == s.period[1] ? 1 : p == s.period[0] ? 0 : -1;
    if (which < 0) continue;
    s.spend[which] += orders.amount[i];
    ++s.count[which];
  }
  for (const last_two& s : state) {
    ++out.base;
    // mean(last) > mean(previous)  <=>  spend1 * count0 > spend0 * count1 (exact in 128 bits)
    if (static_cast<int128>(s.spend[1]) * s.count[0] >
        static_cast<int128>(s.spend[0]) * s.count[1]) {
      ++out.upsold;
    }
  }
  return out;
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
    if (v == missing_money) continue;
    if (v < 0) {
      r.refunded_e4 -= v;
      ++r.refunded_orders;
    } else {
      r.gross_sales_e4 += v;
      ++r.orders;
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
  refund_result r;
  for (std::size_t i = 0; i < amount.size(); ++i) {
    const std::int64_t v = amount[i];
    if (v == missing_money) continue;
    std::int64_t back = refunded_amount.empty() ? missing_money : refunded_amount[i];
    if (back != missing_money && back < 0) {
      throw invalid_input("a refunded amount cannot be negative",
                          {"refunds_from_columns", "refunded_amount", static_cast<std::int64_t>(i),
                           std::to_string(back)});
    }
    if ((back == missing_money || back == 0) && !refunded_flag.empty() && refunded_flag[i] == 1) {
      back = v;  // flagged refunded, no amount given: refunded in full
    }
    r.gross_sales_e4 += v;
    ++r.orders;
    if (back != missing_money && back > 0) {
      r.refunded_e4 += back;
      ++r.refunded_orders;
    }
  }
  return r;
}

}  // namespace crm
