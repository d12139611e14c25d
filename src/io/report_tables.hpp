#pragma once

// The report's sections for the tables other than orders (surveys, tickets, leads, costs,
// retention actions, customers, customer summaries), and what they share: row slices (whole
// range, per period, per --by group) and dimensions joined across tables by customer id.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crm/io/input_error.hpp"
#include "crm/io/report.hpp"
#include "crm/io/table.hpp"

#include "report_detail.hpp"

namespace crm::io::detail {

/// Rows of one table that one set of metrics is computed over.
struct row_slice {
  std::optional<std::string> period;  ///< nullopt = the whole range
  group_t group;                      ///< empty = every row
  std::vector<std::uint32_t> rows;    ///< ascending
};

/// What every section reads besides its own table.
struct section_context {
  std::span<const read_result> inputs;  ///< every input (for joins by customer id)
  const report_options& options;
  day_t as_of = 0;
  const report* orders_report = nullptr;  ///< the metrics computed from orders so far, if any
};

/// The values of a --by dimension for every row of `t`: from its own column (canonical name or
/// header), else joined by customer id from another input that has it (a customers or customer
/// summary table; "(no match)" for ids it does not list). nullopt when neither works.
[[nodiscard]] std::optional<std::vector<std::string>> dimension_labels(
    const table& t, const std::string& by, std::span<const read_result> inputs,
    std::string* joined_from = nullptr);

/// The slices of a table whose events are dated by `time`: the whole range, then each period of
/// options.period, then each value of each --by dimension (whole range). Rows dated on or after
/// as_of are left out (noted); rows with a blank date enter the whole range and the groups only.
[[nodiscard]] std::vector<row_slice> slices_of(const table& t, const column* time,
                                               const section_context& ctx,
                                               std::vector<std::string>& notes);

/// Appends results with the slice's period and group.
struct slice_emitter {
  std::vector<metric_result>& out;
  const row_slice& slice;
  void put(const char* id, std::optional<double> value, const std::string& unit, std::uint64_t n,
           std::string variant = {}, std::optional<interval> ci = {},
           const char* empty_reason = "its base is empty");
  /// A not_computable entry, for the whole-range slice only (periods and groups stay quiet).
  void missing(const char* id, const std::string& unit, std::string reason);
};

/// A kernel's invalid_input about row k of a gathered slice, as an input_error naming the file,
/// the line of table row rows[k] and the column (by canonical name, else `score`).
[[nodiscard]] input_error located(const table& t, std::string_view canonical,
                                  std::span<const std::uint32_t> rows, const invalid_input& e);

/// Runs a kernel over a slice's gathered values; its invalid_input about a row becomes the
/// located input_error (file, line, column) of that table row.
template <typename F>
auto on_rows(const table& t, std::string_view canonical, const row_slice& s, F&& kernel) {
  try {
    return kernel();
  } catch (const input_error&) {
    throw;
  } catch (const invalid_input& e) {
    throw located(t, canonical, s.rows, e);
  }
}

/// Gathers a column's values at `rows`.
template <typename T>
[[nodiscard]] std::vector<T> gather(const std::vector<T>& values,
                                    std::span<const std::uint32_t> rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const std::uint32_t r : rows) out.push_back(values[r]);
  return out;
}

/// Gathers an integral column's values (int64 or int32 storage) at `rows`, as int64.
[[nodiscard]] inline std::vector<std::int64_t> gather_ints(const column& c,
                                                           std::span<const std::uint32_t> rows) {
  std::vector<std::int64_t> out;
  out.reserve(rows.size());
  for (const std::uint32_t r : rows) out.push_back(c.int_at(r));
  return out;
}

/// Amounts of an orders table without them: the payments of a payments table summed by order
/// id (orders without a payment: 0, noted).
void join_payments(order_data& o, const table& orders, std::span<const read_result> inputs,
                   std::vector<std::string>& notes);
/// Customer ids replaced by the persons a customers table's person_id names (Olist's
/// customer_unique_id), noted; no-op without such a table.
void join_persons(order_data& o, const table& orders, std::span<const read_result> inputs,
                  std::vector<std::string>& notes);

/// A report section per table kind. Each adds its metrics (whole range, periods, groups), notes
/// and not_computable entries (with what is missing) for the metric ids it owns.
void add_survey_section(const table& t, const section_context& ctx, report& r);
void add_ticket_section(const table& t, const section_context& ctx, report& r);
void add_lead_section(const table& t, const section_context& ctx, report& r);
void add_customer_section(const table& t, const section_context& ctx, report& r);
void add_summary_section(const table& t, const section_context& ctx, report& r);
void add_cost_section(std::span<const table* const> costs, std::span<const table* const> actions,
                      const section_context& ctx, report& r);

}  // namespace crm::io::detail
