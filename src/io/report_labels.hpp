#pragma once

// Metric labels (English, Chinese) and families: what the renderers print beside the stable ids.

#include <span>
#include <string_view>

namespace crm::io::detail {

/// A metric id's family (for grouping in text output) and its labels.
struct metric_info {
  std::string_view id;
  std::string_view family;  ///< "orders", "retention", "value", "satisfaction", ...
  std::string_view en;
  std::string_view zh;
};

/// Every metric id the report knows, in report order.
[[nodiscard]] std::span<const metric_info> metric_catalog() noexcept;
/// The entry of an id; a generic entry (label = id) for an unknown one.
[[nodiscard]] metric_info metric_label(std::string_view id) noexcept;
/// A family heading in `lang` ("en" or "zh").
[[nodiscard]] std::string_view family_heading(std::string_view family,
                                              std::string_view lang) noexcept;
/// A fixed phrase of the renderers in `lang` (the key is the English phrase).
[[nodiscard]] std::string_view phrase(std::string_view english, std::string_view lang) noexcept;

}  // namespace crm::io::detail
