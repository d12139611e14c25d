#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm::io {

/// The kinds of table a CRM export can be (DATA.md).
enum class table_kind : unsigned char {
  orders,
  customers,
  customer_summary,
  surveys,
  tickets,
  leads,
  costs,
  retention_actions,
  payments,  ///< order payments (order_id + amount): amounts of an orders table without them
  unknown,
};

/// "orders", "customers", "customer_summary", "surveys", "tickets", "leads", "costs",
/// "retention_actions", "payments", "unknown".
[[nodiscard]] std::string_view to_string(table_kind kind) noexcept;
/// Inverse of to_string (also "summary", "retention"); nullopt otherwise.
[[nodiscard]] std::optional<table_kind> parse_table_kind(std::string_view name) noexcept;

/// How a column's cells are typed when read.
enum class value_type : unsigned char {
  id,         ///< identifier: any string; integers kept as integers
  text,       ///< a label or dimension (dictionary-encoded)
  timestamp,  ///< date or date-time (see values.hpp)
  money,      ///< exact 1/10000 units
  decimal,    ///< double (scores, rates, durations)
  integer,    ///< whole number (counts, quantities)
  boolean,    ///< yes/no
};

/// "id", "text", "timestamp", "money", "decimal", "integer", "boolean".
[[nodiscard]] std::string_view to_string(value_type type) noexcept;

/// A canonical column of a table.
struct column_spec {
  std::string_view name;  ///< canonical name, e.g. "order_at"
  value_type type;
  bool required;                 ///< needed to recognise the table (DATA.md's *)
  std::string_view description;  ///< one line, English
  std::string_view description_zh;
};

/// A table kind with its canonical columns.
struct table_spec {
  table_kind kind;
  std::string_view label;     ///< English, e.g. "orders"
  std::string_view label_zh;  ///< e.g. "订单"
  std::span<const column_spec> columns;
};

/// All recognised tables (every kind except unknown), in a fixed order.
[[nodiscard]] std::span<const table_spec> tables() noexcept;
/// The spec of one kind; nullptr for unknown.
[[nodiscard]] const table_spec* find_table(table_kind kind) noexcept;
/// The column spec of a canonical column in a table; nullptr when it has none.
[[nodiscard]] const column_spec* find_column(table_kind kind, std::string_view canonical) noexcept;

/// One header alias. Lower rank wins when two headers of one file map to the same column:
/// 0 = the canonical name itself, 1 = a specific export name (InvoiceDate, 买家实际支付金额),
/// 2 = a generic word (date, amount, 金额), 3 = unverified or weak. Equal ranks conflict.
struct alias {
  table_kind table;  ///< unknown = applies to every table that has the column
  std::string_view canonical;
  std::string_view header;  ///< as exported; matched after normalize_header on both sides
  int rank;
  std::string_view origin;  ///< "en", "zh", "salesforce", "hubspot", "zoho", "shopify", ...
};

/// The full alias table (what `crm-metrics schema` prints).
[[nodiscard]] std::span<const alias> aliases() noexcept;

/// The key a header is matched by: strips a UTF-8 BOM and surrounding white space (ASCII, NBSP,
/// U+3000); maps full-width ASCII (U+FF01..U+FF5E) to ASCII and full-width brackets and colons
/// to ASCII; lower-cases ASCII; treats runs of ' ', '_', '-', '.', '/' as one '_' and drops them
/// at the ends; splits camelCase (`CustomerID` -> `customer_id`, `InvoiceDate` ->
/// `invoice_date`). Chinese text is kept as is.
[[nodiscard]] std::string normalize_header(std::string_view header);

/// How one header of a file was mapped.
struct column_binding {
  std::size_t index = 0;  ///< 0-based position in the file
  std::string header;     ///< as in the file, trimmed
  std::string canonical;  ///< empty when unmapped (kept as a dimension)
  value_type type = value_type::text;
  std::string how;  ///< "alias (rank 1, en)", "--map", "question title (NPS)", ...
};

/// The outcome of mapping a header row.
struct header_mapping {
  table_kind kind = table_kind::unknown;
  std::vector<column_binding> columns;        ///< one per header, in file order
  std::vector<std::string> missing_required;  ///< required canonical columns not found
  std::vector<std::string> notes;             ///< e.g. why another kind lost, derived amount
  /// Each other kind with its score, best first (for `inspect` to explain the choice).
  std::vector<std::pair<table_kind, double>> candidates;
};

/// Options of map_headers.
struct mapping_options {
  /// canonical column -> header text, from --map and the config file; applied first.
  std::vector<std::pair<std::string, std::string>> overrides;
  /// When set, map for this table kind instead of detecting it.
  std::optional<table_kind> kind;
};

/// Maps headers to canonical columns and decides the table kind: every kind is tried, a kind
/// is eligible when all its required columns map, and the eligible kind with the most mapped
/// columns wins (ties: the order of tables()). When none is eligible, kind is unknown and
/// missing_required lists what the closest kind lacks. Unmapped headers are dimensions
/// (value_type::text). Throws crm::invalid_input when two headers of equal rank map to one
/// canonical column (naming both), when an override names an unknown canonical column or a
/// header not in the file, or when two headers normalise to the same text.
[[nodiscard]] header_mapping map_headers(std::span<const std::string> headers,
                                         const mapping_options& options = {});

}  // namespace crm::io
