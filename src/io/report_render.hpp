#pragma once

// Renderers of the report model (private; the public entry is crm::io::render_report).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crm/io/report.hpp"

namespace crm::io::detail {

[[nodiscard]] std::string render_json(const report& r, std::string_view lang);
/// `{"as_of": ..., "cohorts": ...}`: the cohort section alone (the `cohorts` command).
[[nodiscard]] std::string render_cohorts_json(const report& r);
[[nodiscard]] std::string render_csv(const report& r, std::string_view lang);
/// Aligned text tables, or Markdown tables when `markdown`.
[[nodiscard]] std::string render_text(const report& r, std::string_view lang, bool markdown);
/// A number in the shortest form that reads back to the same double ("0.42", "1280.5").
[[nodiscard]] std::string number_text(double v);
/// A CSV cell: quoted when needed, a leading = + - @ defused with a quote.
[[nodiscard]] std::string csv_cell(std::string_view text);

/// A table of text cells printed with aligned columns (numbers right-aligned, widths in
/// terminal columns) or as Markdown.
class text_table {
 public:
  explicit text_table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  [[nodiscard]] bool empty() const noexcept { return rows_.empty(); }
  [[nodiscard]] std::string render(bool markdown) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace crm::io::detail
