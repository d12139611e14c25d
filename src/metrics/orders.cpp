#include "crm/orders.hpp"

#include <algorithm>
#include <string>
#include <type_traits>

#include "crm/error.hpp"

namespace crm {

void validate(const orders_view& orders, const char* function) {
  require_same_length(function, "customer", orders.customer.size(), "day", orders.day.size());
  if (!orders.amount.empty()) {
    require_same_length(function, "customer", orders.customer.size(), "amount",
                        orders.amount.size());
  }
  const auto bad = std::find_if(orders.customer.begin(), orders.customer.end(),
                                [n = orders.customer_count](std::uint32_t c) { return c >= n; });
  if (bad != orders.customer.end()) {
    const auto row = static_cast<std::int64_t>(bad - orders.customer.begin());
    throw invalid_input(
        "customer index is not below customer_count " + std::to_string(orders.customer_count),
        {function, "customer", row, std::to_string(*bad)});
  }
}

customer_summary::customer_summary(std::uint32_t customer_count)
    : first_(customer_count, no_day),
      last_(customer_count, no_day),
      orders_(customer_count, 0),
      spend_(customer_count, 0) {}

void customer_summary::update(const orders_view& orders) {
  validate(orders, "customer_summary::update");
  if (orders.customer_count != customer_count()) {
    throw invalid_input(
        "customer_count differs from the summary's " + std::to_string(customer_count()),
        {"customer_summary::update", "customer_count", -1, std::to_string(orders.customer_count)});
  }
  const std::size_t n = orders.size();
  if (n == 0) return;
  day_t lo = orders.day[0];
  day_t hi = orders.day[0];
  std::int64_t sum = 0;
  // One pass over the rows; the amount test is hoisted out of the loop.
  const auto pass = [&](auto with_amount) {
    constexpr std::size_t ahead = 16;
    for (std::size_t i = 0; i < n; ++i) {
      if (i + ahead < n) {
        const std::uint32_t q = orders.customer[i + ahead];
        __builtin_prefetch(&first_[q], 1);
        __builtin_prefetch(&last_[q], 1);
        __builtin_prefetch(&orders_[q], 1);
        if constexpr (decltype(with_amount)::value) __builtin_prefetch(&spend_[q], 1);
      }
      const std::uint32_t c = orders.customer[i];
      const day_t d = orders.day[i];
      const day_t f = first_[c];
      first_[c] = (f == no_day || d < f) ? d : f;
      last_[c] = std::max(last_[c], d);
      ++orders_[c];
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      if constexpr (decltype(with_amount)::value) {
        spend_[c] += orders.amount[i];
        sum += orders.amount[i];
      }
    }
  };
  if (orders.amount.empty()) {
    pass(std::false_type{});
    has_amount_ = false;
  } else {
    pass(std::true_type{});
  }
  total_orders_ += n;
  total_spend_ += sum;
  min_day_ = min_day_ == no_day ? lo : std::min(min_day_, lo);
  max_day_ = std::max(max_day_, hi);
}

void customer_summary::merge(const customer_summary& other) {
  if (other.customer_count() != customer_count()) {
    throw invalid_input(
        "summaries of different customer index spaces cannot be merged",
        {"customer_summary::merge", "customer_count", -1, std::to_string(other.customer_count())});
  }
  for (std::size_t c = 0; c < orders_.size(); ++c) {
    if (other.orders_[c] == 0) continue;
    const day_t f = first_[c];
    first_[c] = (f == no_day || other.first_[c] < f) ? other.first_[c] : f;
    last_[c] = std::max(last_[c], other.last_[c]);
    orders_[c] += other.orders_[c];
    spend_[c] += other.spend_[c];
  }
  if (other.total_orders_ > 0) {
    min_day_ = min_day_ == no_day ? other.min_day_ : std::min(min_day_, other.min_day_);
    max_day_ = std::max(max_day_, other.max_day_);
  }
  total_orders_ += other.total_orders_;
  total_spend_ += other.total_spend_;
  has_amount_ = has_amount_ && other.has_amount_;
}

std::uint64_t customer_summary::customers_with_orders() const noexcept {
  return static_cast<std::uint64_t>(
      std::count_if(orders_.begin(), orders_.end(), [](std::uint32_t k) { return k > 0; }));
}

}  // namespace crm
