#include "crm/orders.hpp"

#include <algorithm>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "crm/error.hpp"

#include "../core/parallel.hpp"

namespace crm {

using detail::on_threads;

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

customer_orders::customer_orders(const orders_view& orders, unsigned threads)
    : has_amount_(orders.has_amount()) {
  validate(orders, "customer_orders");
  group(orders, orders.amount, threads);
}

customer_orders::customer_orders(const orders_view& orders, std::span<const std::int32_t> amount,
                                 unsigned threads) {
  validate(orders, "customer_orders");
  if (!orders.amount.empty()) {
    throw invalid_input("amounts given twice (orders.amount and the 32-bit amounts)",
                        {"customer_orders", "amount", -1, ""});
  }
  require_same_length("customer_orders", "customer", orders.customer.size(), "amount",
                      amount.size());
  group(orders, amount, threads);
}

template <typename Amount>
void customer_orders::group(const orders_view& orders, std::span<const Amount> amount,
                            unsigned threads) {
  std::vector<Amount>& store = [this]() -> std::vector<Amount>& {
    if constexpr (std::is_same_v<Amount, std::int32_t>) {
      return amount32_;
    } else {
      return amount_;
    }
  }();
  offset_.assign(std::size_t{orders.customer_count} + 1, 0);
  day_.resize(orders.size());
  store.resize(amount.size());
  const std::size_t n = orders.size();
  if (n > std::size_t{0xFFFFFFFFU}) {
    throw invalid_input("more than 2^32 - 1 orders", {"customer_orders", "customer", -1, ""});
  }
  // Counting sort, stable: each part of the rows counts its orders per customer; one pass turns
  // the counts into each part's next slot per customer (part 0's orders of a customer before
  // part 1's); each part then scatters its rows. The scatter is the only random access. The
  // last part counts in offset_ shifted by one (its slot for customer c is offset_[c + 1]),
  // which its scatter leaves at the end of c's orders: the offsets, with no array of its own.
  const std::size_t parts = detail::parts_for(threads, n);
  std::vector<std::vector<std::uint32_t>> next(parts - 1);
  const auto slots = [&](std::size_t p) {
    return p + 1 < parts ? next[p].data() : offset_.data() + 1;
  };
  std::vector<std::pair<day_t, day_t>> range(parts, {no_day, no_day});
  const auto rows_of = [n, parts](std::size_t p) {
    return std::pair(n * p / parts, n * (p + 1) / parts);
  };
  const bool money = !store.empty();
  constexpr std::size_t ahead = 16;  // rows whose slot is prefetched (random customer order)
  const auto count = [&](std::size_t p) {
    if (p + 1 < parts) next[p].assign(orders.customer_count, 0);
    std::uint32_t* slot = slots(p);
    const auto [b, e] = rows_of(p);
    for (std::size_t i = b; i < e; ++i) ++slot[orders.customer[i]];
  };
  const auto scatter = [&](std::size_t p) {
    std::uint32_t* slot = slots(p);
    const auto [b, e] = rows_of(p);
    day_t lo = b < e ? orders.day[b] : no_day;
    day_t hi = lo;
    for (std::size_t i = b; i < e; ++i) {
      if (i + ahead < e) __builtin_prefetch(slot + orders.customer[i + ahead], 1);
      const std::uint32_t k = slot[orders.customer[i]]++;
      const day_t d = orders.day[i];
      day_[k] = d;
      if (money) store[k] = amount[i];
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    range[p] = {lo, hi};
  };
  on_threads(parts, count);
  std::uint32_t at = 0;
  for (std::size_t c = 0; c < orders.customer_count; ++c) {
    for (std::size_t p = 0; p < parts; ++p) at += std::exchange(slots(p)[c], at);
  }
  on_threads(parts, scatter);  // offset_[0] stays 0
  next.clear();
  for (const auto& [lo, hi] : range) {
    if (lo == no_day) continue;
    min_day_ = min_day_ == no_day ? lo : std::min(min_day_, lo);
    max_day_ = std::max(max_day_, hi);
  }
  // Days ascending per customer (already so for chronological exports); equal days by amount.
  const auto in_order = [&](std::size_t k) {  // positions k - 1 and k
    return day_[k - 1] < day_[k] ||
           (day_[k - 1] == day_[k] && (!money || store[k - 1] <= store[k]));
  };
  const std::vector<std::uint32_t> cut = split(static_cast<unsigned>(parts));
  on_threads(parts, [&](std::size_t p) {
    std::vector<std::pair<day_t, Amount>> buf;
    for (std::uint32_t c = cut[p]; c < cut[p + 1]; ++c) {
      const std::size_t b = offset_[c];
      const std::size_t e = offset_[c + 1];
      std::size_t k = b + 1;
      while (k < e && in_order(k)) ++k;
      if (k >= e) continue;
      if (!money) {
        std::sort(day_.begin() + static_cast<std::ptrdiff_t>(b),
                  day_.begin() + static_cast<std::ptrdiff_t>(e));
        continue;
      }
      buf.clear();
      for (k = b; k < e; ++k) buf.emplace_back(day_[k], store[k]);
      std::sort(buf.begin(), buf.end());
      for (k = b; k < e; ++k) std::tie(day_[k], store[k]) = buf[k - b];
    }
  });
}

std::vector<std::uint32_t> customer_orders::split(unsigned parts) const {
  parts = std::max(parts, 1U);
  std::vector<std::uint32_t> cut(parts + std::size_t{1}, customer_count());
  cut[0] = 0;
  for (unsigned k = 1; k < parts; ++k) {
    const std::size_t target = size() * k / parts;
    const auto it = std::lower_bound(offset_.begin(), offset_.end(), target);
    cut[k] = std::max(cut[k - 1],
                      std::min(customer_count(), static_cast<std::uint32_t>(it - offset_.begin())));
  }
  return cut;
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

void customer_summary::update(const customer_orders& orders, unsigned threads) {
  if (orders.customer_count() != customer_count()) {
    throw invalid_input(
        "customer_count differs from the summary's " + std::to_string(customer_count()),
        {"customer_summary::update", "customer_count", -1,
         std::to_string(orders.customer_count())});
  }
  if (orders.size() == 0) return;
  const std::size_t parts = detail::parts_for(threads, orders.size());
  const std::vector<std::uint32_t> cut = orders.split(static_cast<unsigned>(parts));
  std::vector<std::int64_t> sums(parts, 0);
  on_threads(parts, [&](std::size_t p) {
    std::int64_t sum = 0;
    for (std::uint32_t c = cut[p]; c < cut[p + 1]; ++c) {
      const std::span<const day_t> d = orders.days(c);
      if (d.empty()) continue;
      const day_t f = first_[c];
      first_[c] = (f == no_day || d.front() < f) ? d.front() : f;
      last_[c] = std::max(last_[c], d.back());
      orders_[c] += static_cast<std::uint32_t>(d.size());
      std::int64_t spend = 0;
      for (const std::int64_t a : orders.amounts(c)) spend += a;  // (64- or 32-bit storage)
      spend_[c] += spend;
      sum += spend;
    }
    sums[p] = sum;
  });
  if (!orders.has_amount()) has_amount_ = false;
  total_orders_ += orders.size();
  for (const std::int64_t sum : sums) total_spend_ += sum;
  min_day_ = min_day_ == no_day ? orders.min_day() : std::min(min_day_, orders.min_day());
  max_day_ = std::max(max_day_, orders.max_day());
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
