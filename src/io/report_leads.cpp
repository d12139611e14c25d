// The leads section of a report: leads per period and source, conversion by creation cohort,
// time to convert, and the funnel by stage. Conversions may come from another file keyed by
// lead id (e.g. Olist's closed deals beside its marketing-qualified leads).

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

#include "crm/acquisition.hpp"

#include "report_tables.hpp"

namespace crm::io::detail {
namespace {

bool won_status(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t.find("lost") != std::string::npos || t.find("输") != std::string::npos) return false;
  for (const char* word : {"won", "converted", "customer", "成交", "赢单", "已转化", "签约"}) {
    if (t.find(word) != std::string::npos) return true;
  }
  return false;
}

/// Per lead: conversion time (no_time = none or unknown) and whether it converted at all.
struct conversions {
  std::vector<std::int64_t> at;
  std::vector<std::uint8_t> converted;
  std::string from;
};

/// Conversion times of another input keyed by lead id (a table with lead_id and converted_at).
const read_result* conversion_source(const table& t, std::span<const read_result> inputs) {
  for (const read_result& in : inputs) {
    const column* id = in.data.find("lead_id");
    const column* at = in.data.find("converted_at");
    if (&in.data != &t && id != nullptr && at != nullptr && at->integral() &&
        in.data.find("created_at") == nullptr) {
      return &in;
    }
  }
  return nullptr;
}

/// A conversion dated before its lead was created: an error naming the lead's line, or
/// (skip_bad_rows) the lead still counts as converted but leaves time_to_convert (its
/// duration is unknown), counted in the notes.
struct bad_conversions {
  std::size_t count = 0;
  std::int64_t first_line = 0;
};

void check_order(const table& t, const column& created, conversions& c, const section_context& ctx,
                 const std::string& where, bad_conversions& bad) {
  for (std::size_t i = 0; i < t.rows; ++i) {
    if (c.at[i] == no_time || created.is_missing(i) || c.at[i] >= created.int_at(i)) {
      continue;
    }
    if (!ctx.options.skip_bad_rows) {
      throw input_error(
          "the lead converted (" + format_timestamp(c.at[i], true) + where +
              ") before it was created; --on-error skip leaves such leads out",
          {t.source, t.line_of(i),
           created.header.empty() ? 0 : static_cast<std::int64_t>(&created - t.columns.data()) + 1,
           created.header},
          created.text(i));
    }
    if (bad.count++ == 0) bad.first_line = t.line_of(i);
    c.at[i] = no_time;  // still a conversion; its duration is unknown
  }
}

conversions conversions_of(const table& t, const section_context& ctx,
                           std::vector<std::string>& notes) {
  conversions c;
  c.at.assign(t.rows, no_time);
  c.converted.assign(t.rows, 0);
  std::string where;
  if (const column* at = t.find("converted_at"); at != nullptr && at->integral()) {
    std::vector<std::int64_t> widened;
    const std::span<const std::int64_t> values = at->int64_values(widened);
    c.at.assign(values.begin(), values.end());
    c.from = at->header + " column";
  } else if (const read_result* other = conversion_source(t, ctx.inputs); other != nullptr) {
    const column& id = *other->data.find("lead_id");
    const column& when = *other->data.find("converted_at");
    std::unordered_map<std::string, std::pair<std::int64_t, std::size_t>> by_id;
    for (std::size_t i = 0; i < other->data.rows; ++i) {
      if (!when.is_missing(i)) by_id.try_emplace(id.text(i), when.int_at(i), i);
    }
    const column& mine = *t.find("lead_id");
    std::size_t matched = 0;
    std::vector<std::size_t> source_row(t.rows, 0);
    for (std::size_t i = 0; i < t.rows; ++i) {
      const auto it = by_id.find(mine.text(i));
      if (it == by_id.end()) continue;
      c.at[i] = it->second.first;
      source_row[i] = it->second.second;
      ++matched;
    }
    c.from = "joined by lead id from " + other->data.source;
    where = ", " + other->data.source;
    notes.push_back(t.source + ": conversions joined by lead id from " + other->data.source + " (" +
                    std::to_string(matched) + " of " + std::to_string(by_id.size()) +
                    " converted leads matched)");
  }
  for (std::size_t i = 0; i < t.rows; ++i) c.converted[i] = c.at[i] != no_time ? 1 : 0;
  bad_conversions bad;
  check_order(t, *t.find("created_at"), c, ctx, where, bad);
  if (bad.count > 0) {
    notes.push_back(t.source + ": " + std::to_string(bad.count) +
                    " leads converted before they were created (first at line " +
                    std::to_string(bad.first_line) +
                    "); they count as converted, not in time_to_convert_median");
  }
  const column* status = t.find("status");
  if (status == nullptr) status = t.find("stage");
  if (c.from.empty() && status != nullptr && status->storage == column_storage::dictionary) {
    std::vector<std::uint8_t> won(status->dictionary.size());
    for (std::uint32_t k = 0; k < won.size(); ++k) won[k] = won_status(status->dictionary[k]);
    for (std::size_t i = 0; i < t.rows; ++i) {
      c.converted[i] = status->codes[i] != missing_code && won[status->codes[i]] != 0;
    }
    c.from = status->header + " won or converted";
  }
  return c;
}

void emit_leads(const table& t, const conversions& c, const row_slice& s, slice_emitter& e) {
  e.put("leads", static_cast<double>(s.rows.size()), "leads", s.rows.size());
  if (c.from.empty()) {
    e.missing("conversion_rate", "ratio", "needs leads.converted_at or leads.status");
    e.missing("time_to_convert_median", "days", "needs leads.converted_at");
    return;
  }
  const column& created = *t.find("created_at");
  std::vector<std::int64_t> made;
  std::vector<std::int64_t> won;
  std::uint64_t hits = 0;
  for (const std::uint32_t r : s.rows) {
    // A lead without a creation date counts in the leads, not in a cohort's conversion.
    if (created.is_missing(r)) continue;
    hits += c.converted[r];
    made.push_back(created.int_at(r));
    won.push_back(c.at[r]);
  }
  const proportion rate{hits, made.size()};
  e.put("conversion_rate", rate.value(), "ratio", rate.n, "creation cohort; " + c.from,
        rate.wilson());
  const bool dated =
      std::any_of(won.begin(), won.end(), [](std::int64_t v) { return v != no_time; });
  if (!dated) {
    e.missing("time_to_convert_median", "days", "needs leads.converted_at");
    return;
  }
  const leads_view view{made, won};
  const auto median = time_to_convert_median_days(view);  // rows checked by check_order
  const auto timed = static_cast<std::uint64_t>(
      std::count_if(won.begin(), won.end(), [](std::int64_t v) { return v != no_time; }));
  e.put("time_to_convert_median", median, "days", timed, "converted leads of the cohort");
}

std::string folded(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return t;
}

/// The funnel over --funnel-stages: a lead's stage text gives its furthest stage; a converted
/// lead reached the last stage; other stage texts (lost, ...) are unknown.
void emit_funnel(const table& t, const conversions& c, const section_context& ctx, report& r) {
  const std::vector<std::string>& stages = ctx.options.funnel_stages;
  if (stages.empty()) return;
  const column* stage = t.find("stage");
  if (stage == nullptr) stage = t.find("status");
  if (stage == nullptr) {
    r.notes.push_back(t.source + ": --funnel-stages needs a stage or status column");
    return;
  }
  std::vector<std::int32_t> reached;
  const column* created = t.find("created_at");
  for (std::size_t i = 0; i < t.rows; ++i) {
    if (!created->is_missing(i) && day_of_seconds(created->int_at(i)) >= ctx.as_of) continue;
    const std::string text = folded(stage->text(i));
    std::int32_t k = -1;
    for (std::size_t s = 0; s < stages.size(); ++s) {
      if (folded(stages[s]) == text) k = static_cast<std::int32_t>(s);
    }
    if (k < 0 && c.converted[i] != 0) k = static_cast<std::int32_t>(stages.size()) - 1;
    reached.push_back(k);
  }
  const funnel_result f = funnel(reached, stages.size());
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const row_slice slice{std::nullopt, {{"stage", std::to_string(s + 1) + " " + stages[s]}}, {}};
    slice_emitter e{r.metrics, slice};
    e.put("funnel_reached", static_cast<double>(f.steps[s].reached), "leads", f.steps[s].reached,
          "leads at this stage or later");
    e.put("funnel_step_conversion", f.steps[s].from_previous, "ratio",
          s == 0 ? f.steps[0].reached : f.steps[s - 1].reached,
          "reached / reached the stage before");
    e.put("funnel_conversion", f.steps[s].from_first, "ratio", f.steps[0].reached,
          "reached / reached the first stage");
  }
  if (f.unknown > 0) {
    r.notes.push_back(t.source + ": " + std::to_string(f.unknown) +
                      " leads have a stage outside --funnel-stages (e.g. lost) and are left out of "
                      "the funnel");
  }
}

}  // namespace

void add_lead_section(const table& t, const section_context& ctx, report& r) {
  const conversions c = conversions_of(t, ctx, r.notes);
  report_options opts = ctx.options;
  if (t.find("source") != nullptr &&
      std::find(opts.by.begin(), opts.by.end(), "source") == opts.by.end()) {
    std::vector<std::string> by(1, "source");  // leads per source, always
    by.reserve(opts.by.size() + 1);
    for (const std::string& name : opts.by) by.push_back(name);
    opts.by = std::move(by);
  }
  const section_context lead_ctx{ctx.inputs, opts, ctx.as_of, ctx.orders_report};
  for (const row_slice& s : slices_of(t, t.find("created_at"), lead_ctx, r.notes)) {
    slice_emitter e{r.metrics, s};
    emit_leads(t, c, s, e);
  }
  emit_funnel(t, c, ctx, r);
}

}  // namespace crm::io::detail
