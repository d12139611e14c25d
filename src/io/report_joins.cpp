// Joins of an orders table with other inputs: amounts from a payments table (by order id) and
// the person behind several customer ids (a customers table's person_id, Olist's
// customer_unique_id).

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "report_tables.hpp"

namespace crm::io::detail {

void join_payments(order_data& o, const table& orders, std::span<const read_result> inputs,
                   std::vector<std::string>& notes) {
  if (o.has_amount) return;
  const column* id = orders.find("order_id");
  const table* pay = nullptr;
  for (const read_result& in : inputs) {
    if (in.data.kind() != table_kind::payments) continue;
    if (pay == nullptr) {
      pay = &in.data;
    } else {
      notes.push_back(in.data.source + ": a second payments table is not used (amounts come from " +
                      pay->source + ")");
    }
  }
  if (pay == nullptr || id == nullptr) return;
  const column& pay_id = *pay->find("order_id");
  const column& paid = *pay->find("amount");
  std::unordered_map<std::string, std::int64_t> by_order;
  by_order.reserve(pay->rows);
  for (std::size_t i = 0; i < pay->rows; ++i) {
    if (paid.is_missing(i) || pay_id.is_missing(i)) continue;
    by_order[pay_id.text(i)] += paid.int_at(i);
  }
  o.amount_store.assign(o.customer.size(), 0);
  std::size_t unpaid = 0;
  for (std::size_t k = 0; k < o.customer.size(); ++k) {
    const auto it = by_order.find(id->text(o.row_of(k)));
    if (it == by_order.end()) {
      ++unpaid;
    } else {
      o.amount_store[k] = it->second;
    }
  }
  o.amount = o.amount_store;
  o.has_amount = true;
  o.amount_source = "payments joined by order id from " + pay->source;
  notes.push_back(
      orders.source + ": order amounts are the payments of " + pay->source + " summed by order id" +
      (unpaid > 0 ? " (" + std::to_string(unpaid) + " orders have no payment: 0)" : std::string()));
}

void join_persons(order_data& o, const table& orders, std::span<const read_result> inputs,
                  std::vector<std::string>& notes) {
  const column* key = orders.customer_key();
  const table* people = nullptr;
  for (const read_result& in : inputs) {
    if (in.data.kind() == table_kind::customers && in.data.find("person_id") != nullptr &&
        in.data.find("customer_id") != nullptr) {
      people = &in.data;
      break;
    }
  }
  if (people == nullptr || key == nullptr) return;
  const column& cid = *people->find("customer_id");
  const column& pid = *people->find("person_id");
  std::unordered_map<std::string, std::string> person_of;
  for (std::size_t i = 0; i < people->rows; ++i) {
    if (!cid.is_missing(i) && !pid.is_missing(i)) person_of.try_emplace(cid.text(i), pid.text(i));
  }
  // Persons get dense codes in id order (so the RFM tie rank is the code itself).
  std::vector<std::string> person(o.customer_count);
  std::size_t unmatched = 0;
  for (std::uint32_t c = 0; c < o.customer_count; ++c) {
    const std::string id = key->key_text(c);
    const auto it = person_of.find(id);
    if (it == person_of.end()) ++unmatched;
    person[c] = it == person_of.end() ? id : it->second;
  }
  std::map<std::string, std::uint32_t> code_of;
  for (const std::string& p : person) code_of.emplace(p, 0);
  std::uint32_t next = 0;
  for (auto& [p, code] : code_of) code = next++;
  std::vector<std::uint32_t> remap(o.customer_count);
  for (std::uint32_t c = 0; c < o.customer_count; ++c) remap[c] = code_of[person[c]];
  o.customer_store.assign(o.customer.begin(), o.customer.end());
  for (std::uint32_t& c : o.customer_store) c = remap[c];
  o.customer = o.customer_store;
  std::vector<std::uint32_t> rows(o.row_customer.begin(), o.row_customer.end());
  for (std::uint32_t& c : rows) {
    if (c != missing_code) c = remap[c];
  }
  o.row_customer_store = std::move(rows);
  o.row_customer = o.row_customer_store;
  o.tie_rank.resize(next);
  for (std::uint32_t i = 0; i < next; ++i) o.tie_rank[i] = i;
  notes.push_back(
      orders.source + ": customers are the persons of " + people->source + " (" +
      std::to_string(o.customer_count) + " customer ids → " + std::to_string(next) + " persons" +
      (unmatched > 0 ? ", " + std::to_string(unmatched) + " ids not listed there" : std::string()) +
      ")");
  o.customer_count = next;
}

}  // namespace crm::io::detail
