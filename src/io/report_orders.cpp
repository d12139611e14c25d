#include "report_orders.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <absl/container/flat_hash_map.h>

#include "crm/error.hpp"

#include "../core/parallel.hpp"

namespace crm::io::detail {
namespace {

/// Amount per row in 1/10000 units, borrowed or computed: `values` (missing_int64 when unknown)
/// or, borrowed from a compact column, `values32` (missing_int32).
struct row_amounts {
  std::span<const std::int64_t> values;
  std::span<const std::int32_t> values32;
  std::vector<std::int64_t> store;
  std::string source;

  [[nodiscard]] bool empty() const noexcept { return values.empty() && values32.empty(); }
  [[nodiscard]] bool missing(std::size_t i) const noexcept {
    return values32.empty() ? values[i] == missing_int64 : values32[i] == missing_int32;
  }
  [[nodiscard]] std::int64_t at(std::size_t i) const noexcept {
    return values32.empty() ? values[i] : std::int64_t{values32[i]};
  }
  [[nodiscard]] bool any_negative() const noexcept {
    const auto negative = [](auto v) { return v < 0 && v != missing_of(v); };
    return std::any_of(values.begin(), values.end(), negative) ||
           std::any_of(values32.begin(), values32.end(), negative);
  }

 private:
  static constexpr std::int64_t missing_of(std::int64_t) noexcept { return missing_int64; }
  static constexpr std::int32_t missing_of(std::int32_t) noexcept { return missing_int32; }
};

row_amounts amounts_of(const table& t, bool compact) {
  row_amounts a;
  if (const column* c = t.find("amount"); c != nullptr && c->integral()) {
    a.source = "amount";
    if (c->storage == column_storage::int64) {
      a.values = c->ints;
    } else if (compact) {
      a.values32 = c->ints32;  // money: int_scale 1
    } else {
      a.values = c->int64_values(a.store);
    }
    return a;
  }
  const column* qty = t.find("quantity");
  const column* price = t.find("unit_price");
  if (qty == nullptr || price == nullptr || !price->integral() ||
      qty->storage != column_storage::real) {
    return a;
  }
  a.store.resize(t.rows);
  for (std::size_t i = 0; i < t.rows; ++i) {
    const double q = qty->reals[i];
    const std::int64_t p = price->int_at(i);
    a.store[i] = (std::isnan(q) || p == missing_int64)
                     ? missing_int64
                     : static_cast<std::int64_t>(std::llround(q * static_cast<double>(p)));
  }
  a.values = a.store;
  a.source = "quantity × unit_price";
  return a;
}

/// Ranks of the customer ids in id order (text ids sorted bytewise); empty when the codes are
/// already in id order (integer ids).
std::vector<std::uint32_t> tie_ranks(const column& key) {
  if (key.storage != column_storage::dictionary) return {};
  const auto n = static_cast<std::uint32_t>(key.dictionary.size());
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&key](std::uint32_t a, std::uint32_t b) {
    return key.dictionary[a] < key.dictionary[b];
  });
  std::vector<std::uint32_t> rank(n);
  for (std::uint32_t i = 0; i < n; ++i) rank[order[i]] = i;
  return rank;
}

/// Order number per row (rows of one order share it), numbered by first appearance; empty when
/// every row is its own order.
std::vector<std::uint32_t> order_numbers(const column* id, std::span<const std::uint8_t> valid) {
  if (id == nullptr) return {};
  const std::size_t n = valid.size();
  if (id->integral()) {
    bool increasing = true;
    std::int64_t prev = missing_int64;
    for (std::size_t i = 0; i < n && increasing; ++i) {
      if (valid[i] == 0) continue;
      const std::int64_t v = id->int_at(i);
      increasing = v != missing_int64 && (prev == missing_int64 || v > prev);
      prev = v;
    }
    if (increasing) return {};
  } else if (id->storage == column_storage::dictionary && id->missing == 0 && id->distinct() == n) {
    return {};
  }
  absl::flat_hash_map<std::int64_t, std::uint32_t> seen;
  std::vector<std::uint32_t> number(n, missing_code);
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (valid[i] == 0) continue;
    const std::int64_t key =
        id->integral() ? id->int_at(i) : static_cast<std::int64_t>(id->codes[i]);
    // A row without an order id is an order of its own.
    const bool no_id = id->integral() ? key == missing_int64 : id->codes[i] == missing_code;
    if (no_id) {
      number[i] = next++;
      continue;
    }
    const auto [it, fresh] = seen.try_emplace(key, next);
    if (fresh) ++next;
    number[i] = it->second;
  }
  return number;
}

}  // namespace

namespace {

/// Which rows the kernels can use; the others are counted by reason in `o`.
std::vector<std::uint8_t> usable_rows(const column& key, const column& at, const row_amounts& a,
                                      order_data& o) {
  std::vector<std::uint8_t> valid(key.codes.size(), 1);
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (key.codes[i] == missing_code) {
      ++o.no_customer;
    } else if (at.is_missing(i)) {
      ++o.no_date;
    } else if (!a.empty() && a.missing(i)) {
      ++o.no_amount;
    } else {
      continue;
    }
    valid[i] = 0;
  }
  return valid;
}

/// Every row is an order of its own: borrow the codes, the amounts and (from a compact
/// date-only column) the days; else convert the days.
void borrow_orders(const column& key, const column& at, row_amounts& a, order_data& o) {
  o.customer = key.codes;
  if (at.storage == column_storage::int32 && at.int_scale == seconds_per_day) {
    o.day = at.ints32;  // days already
  } else {
    const std::size_t n = at.size();
    o.day_store.resize(n);
    const std::size_t parts = n >= (std::size_t{1} << 20) ? 2 : 1;  // halves of a large table
    crm::detail::on_threads(parts, [&](std::size_t p) {
      for (std::size_t i = n * p / parts; i < n * (p + 1) / parts; ++i) {
        o.day_store[i] = day_of_seconds(at.int_at(i));
      }
    });
    o.day = o.day_store;
  }
  o.has_amount = !a.empty();
  o.amount32 = a.values32;
  if (a.values.empty()) return;
  if (a.store.empty()) {
    o.amount = a.values;
  } else {
    o.amount_store = std::move(a.store);
    o.amount = o.amount_store;
  }
}

/// Combines lines into orders (the first line gives customer and day, amounts add up), then
/// keeps orders with a negative total out as refunds.
void combine_orders(const column& key, const column& at, const row_amounts& a,
                    std::span<const std::uint8_t> valid, std::span<const std::uint32_t> number,
                    std::size_t orders, order_data& o) {
  const bool has_amount = !a.empty();
  std::vector<std::uint32_t> customer(orders, missing_code);
  std::vector<day_t> day(orders, 0);
  std::vector<std::int64_t> amount(has_amount ? orders : 0, 0);
  std::vector<std::uint32_t> first_row(orders, 0);
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (valid[i] == 0) continue;
    const std::uint32_t k = number.empty() ? next++ : number[i];
    const day_t d = day_of_seconds(at.int_at(i));
    if (customer[k] == missing_code) {
      customer[k] = key.codes[i];
      day[k] = d;
      first_row[k] = static_cast<std::uint32_t>(i);
    } else {
      day[k] = std::min(day[k], d);
      ++o.lines_combined;
    }
    if (has_amount) amount[k] += a.at(i);
  }
  for (std::size_t k = 0; k < orders; ++k) {
    if (has_amount && amount[k] < 0) {
      ++o.refund_rows;
      o.refunded_e4 -= amount[k];
      continue;
    }
    o.customer_store.push_back(customer[k]);
    o.day_store.push_back(day[k]);
    if (has_amount) o.amount_store.push_back(amount[k]);
    o.first_row.push_back(first_row[k]);
  }
  o.customer = o.customer_store;
  o.day = o.day_store;
  o.amount = o.amount_store;
  o.has_amount = has_amount;
}

}  // namespace

order_data extract_orders(const table& t, bool compact_amounts) {
  const column* key = t.customer_key();
  const column* at = t.find("order_at");
  if (key == nullptr || at == nullptr) {
    throw invalid_input("an orders table needs a customer id and an order date",
                        {t.source, key == nullptr ? "customer_id" : "order_at", -1, ""});
  }
  order_data o;
  o.rows = t.rows;
  o.customer_count = static_cast<std::uint32_t>(key->distinct());
  o.tie_rank = tie_ranks(*key);
  o.row_customer = key->codes;
  row_amounts amounts = amounts_of(t, compact_amounts);
  o.amount_source = amounts.source;
  const std::vector<std::uint8_t> valid = usable_rows(*key, *at, amounts, o);
  const std::vector<std::uint32_t> number = order_numbers(t.find("order_id"), valid);
  const std::size_t excluded = o.no_customer + o.no_date + o.no_amount;
  const bool negatives = amounts.any_negative();
  if (excluded > 0) o.usable_row = valid;
  if (excluded == 0 && number.empty() && !negatives) {
    borrow_orders(*key, *at, amounts, o);
    return o;
  }
  std::size_t orders = t.rows - excluded;
  if (!number.empty()) {
    orders = 0;
    for (const std::uint32_t k : number) {
      if (k != missing_code) orders = std::max<std::size_t>(orders, std::size_t{k} + 1);
    }
  }
  combine_orders(*key, *at, amounts, valid, number, orders, o);
  return o;
}

order_data order_data::before(day_t as_of, std::size_t& left_out) const {
  std::vector<std::uint8_t> keep(day.size());
  left_out = 0;
  for (std::size_t k = 0; k < keep.size(); ++k) {
    keep[k] = day[k] < as_of ? 1 : 0;
    if (keep[k] == 0) ++left_out;
  }
  return subset(keep);
}

order_data order_data::subset(std::span<const std::uint8_t> keep) const {
  order_data s;
  s.customer_count = customer_count;
  s.tie_rank = tie_rank;
  s.amount_source = amount_source;
  s.row_customer_store = row_customer_store;
  s.row_customer = row_customer_store.empty() ? row_customer : s.row_customer_store;
  s.usable_row = usable_row;
  s.has_amount = has_amount;
  for (std::size_t k = 0; k < customer.size(); ++k) {
    if (keep[k] == 0) continue;
    s.customer_store.push_back(customer[k]);
    s.day_store.push_back(day[k]);
    if (has_amount) s.amount_store.push_back(amount_at(k));
    s.first_row.push_back(static_cast<std::uint32_t>(row_of(k)));
  }
  s.rows = s.customer_store.size();
  s.customer = s.customer_store;
  s.day = s.day_store;
  s.amount = s.amount_store;
  return s;
}

bool order_data::borrows(const column& c) const noexcept {
  const auto in = [](const auto& span, const auto& vector) {
    return !span.empty() && span.data() == vector.data();
  };
  return in(customer, c.codes) || in(row_customer, c.codes) || in(day, c.ints32) ||
         in(amount, c.ints) || in(amount32, c.ints32);
}

customer_orders order_data::group(unsigned threads) const {
  return amount32.empty() ? customer_orders(view(), threads)
                          : customer_orders(view(), amount32, threads);
}

void order_data::release_rows() noexcept {
  customer = {};
  day = {};
  amount = {};
  amount32 = {};
  row_customer = {};
  for (auto* v : {&first_row, &row_customer_store, &customer_store})
    std::vector<std::uint32_t>().swap(*v);
  std::vector<std::uint8_t>().swap(usable_row);
  std::vector<day_t>().swap(day_store);
  std::vector<std::int64_t>().swap(amount_store);
}

}  // namespace crm::io::detail
