#pragma once

// Private to src/io/schema*.cpp: the recognition rules that the public table specs do not carry.

#include <span>
#include <string_view>

#include "crm/io/schema.hpp"

namespace crm::detail {

/// One recognition rule of a table: satisfied when any column of `any_of` maps. `label` is what
/// header_mapping::missing_required reports when it is not ("customer_id", "score|nps|csat|ces").
struct table_requirement {
  io::table_kind kind;
  std::string_view label;
  std::span<const std::string_view> any_of;
};

/// Every table's requirements, grouped by kind in the order of io::tables().
[[nodiscard]] std::span<const table_requirement> table_requirements() noexcept;

/// Wide survey item columns: a normalised header starting with this prefix is its own canonical
/// column (CSI items, `q_speed`, `q_staff`).
inline constexpr std::string_view survey_item_prefix = "q_";
/// The name of the column spec that stands for every `q_<dimension>` column of a survey.
inline constexpr std::string_view survey_item_spec = "q_*";

}  // namespace crm::detail
