// The tickets section of a report: response and resolution times, resolution and first-contact
// resolution rates, open tickets, complaint rate and service satisfaction.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "crm/service.hpp"

#include "report_tables.hpp"

namespace crm::io::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

const column* timestamps(const table& t, std::string_view canonical) {
  const column* c = t.find(canonical);
  return c != nullptr && c->integral() ? c : nullptr;
}

/// A status that means the ticket is done (resolved, solved, closed, 已解决, 已关闭 ...).
bool done_status(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t.find("unresolved") != std::string::npos || t.find("未解决") != std::string::npos) {
    return false;
  }
  for (const char* word :
       {"resolved", "solved", "closed", "done", "已解决", "已关闭", "已完成", "解决", "关闭"}) {
    if (t.find(word) != std::string::npos) return true;
  }
  return false;
}

/// Per table row, what the metrics read: durations in seconds (NaN = none yet), resolved flags.
struct ticket_data {
  std::vector<double> response;     ///< first response − created
  std::vector<double> resolution;   ///< resolved (else closed) − created
  std::vector<double> response_bh;  ///< the same in working seconds (business_hours only)
  std::vector<double> resolution_bh;
  std::vector<std::uint8_t> resolved;  ///< 1 when resolved or closed
  std::string response_from, resolution_from, resolved_from;
};

/// Durations from two timestamp columns, errors located in the file.
/// Marks a duration that could not be measured (ended before it started, skip_bad_rows).
constexpr double bad_duration = -1.0;

/// Durations from two timestamp columns, errors located in the file. With `skip`, a ticket that
/// ends before it was created gets bad_duration and is counted in `bad`.
std::vector<double> spans(const table& t, const column& start, const column& end, const char* what,
                          const business_calendar* calendar, bool skip, std::size_t& bad) {
  std::vector<std::uint32_t> all(t.rows);
  for (std::uint32_t i = 0; i < t.rows; ++i) all[i] = i;
  std::vector<std::int64_t> start_store;
  std::vector<std::int64_t> end_store;
  std::vector<std::int64_t> ends;
  const std::span<const std::int64_t> start_at = start.int64_values(start_store);
  std::span<const std::int64_t> end_at = end.int64_values(end_store);
  if (skip) {
    ends.assign(end_at.begin(), end_at.end());
    for (std::size_t i = 0; i < t.rows; ++i) {
      if (ends[i] != missing_int64 && start_at[i] != missing_int64 && ends[i] < start_at[i]) {
        ends[i] = start_at[i];  // measured as 0, replaced below
      }
    }
    end_at = ends;
  }
  try {
    std::vector<double> out = durations(start_at, end_at, what, calendar);
    for (std::size_t i = 0; skip && i < t.rows; ++i) {
      if (ends[i] != end.int_at(i)) {
        out[i] = bad_duration;
        ++bad;
      }
    }
    return out;
  } catch (const input_error&) {
    throw;
  } catch (const invalid_input& e) {
    throw located(t, end.canonical, all, e);
  }
}

/// A duration column (minutes or hours) in seconds.
std::vector<double> scaled(const column& c, double seconds_per_unit) {
  std::vector<double> out(c.reals.size());
  std::transform(c.reals.begin(), c.reals.end(), out.begin(),
                 [seconds_per_unit](double v) { return v * seconds_per_unit; });
  return out;
}

ticket_data ticket_data_of(const table& t, const report_options& o,
                           std::vector<std::string>& notes) {
  ticket_data d;
  std::size_t bad_response = 0;
  std::size_t bad_resolution = 0;
  std::size_t ignored = 0;
  const bool skip = o.skip_bad_rows;
  const column* created_at = timestamps(t, "created_at");
  const column* responded = timestamps(t, "first_response_at");
  const column* resolved = timestamps(t, "resolved_at");
  if (resolved == nullptr) resolved = timestamps(t, "closed_at");
  if (created_at == nullptr) {
    // Without creation times there are no durations; resolution comes from the end times.
    if (resolved != nullptr) {
      d.resolved.resize(t.rows);
      for (std::size_t i = 0; i < t.rows; ++i) d.resolved[i] = !resolved->is_missing(i);
      d.resolved_from = resolved->header + " present";
    }
    notes.push_back(t.source +
                    ": no ticket creation time; response and resolution times need "
                    "tickets.created_at");
    return d;
  }
  const column& created = *created_at;
  const business_calendar* cal = o.business_hours ? &o.calendar : nullptr;
  if (responded != nullptr) {
    d.response = spans(t, created, *responded, "first_response_at", nullptr, skip, bad_response);
    if (cal != nullptr) {
      d.response_bh = spans(t, created, *responded, "first_response_at", cal, skip, ignored);
    }
    d.response_from = responded->header + " − " + created.header;
  } else if (const column* m = t.find("first_response_minutes");
             m != nullptr && m->storage == column_storage::real) {
    d.response = scaled(*m, 60.0);
    d.response_from = m->header + " column";
  }
  if (resolved != nullptr) {
    d.resolution =
        spans(t, created, *resolved, resolved->canonical.c_str(), nullptr, skip, bad_resolution);
    if (cal != nullptr) {
      d.resolution_bh =
          spans(t, created, *resolved, resolved->canonical.c_str(), cal, skip, ignored);
    }
    d.resolution_from = resolved->header + " − " + created.header;
  } else if (const column* h = t.find("resolution_hours");
             h != nullptr && h->storage == column_storage::real) {
    d.resolution = scaled(*h, 3600.0);
    d.resolution_from = h->header + " column";
  }
  const column* status = t.find("status");
  if (resolved != nullptr) {
    d.resolved.resize(t.rows);
    for (std::size_t i = 0; i < t.rows; ++i) d.resolved[i] = !resolved->is_missing(i);
    d.resolved_from = resolved->header + " present";
  } else if (status != nullptr && status->storage == column_storage::dictionary) {
    std::vector<std::uint8_t> done(status->dictionary.size());
    for (std::uint32_t k = 0; k < done.size(); ++k) done[k] = done_status(status->dictionary[k]);
    d.resolved.resize(t.rows);
    for (std::size_t i = 0; i < t.rows; ++i) {
      d.resolved[i] = status->codes[i] != missing_code && done[status->codes[i]] != 0;
    }
    d.resolved_from = "status resolved or closed";
  }
  for (const auto& [count, what] :
       {std::pair{bad_response, "answered"}, std::pair{bad_resolution, "resolved"}}) {
    if (count > 0) {
      notes.push_back(t.source + ": " + std::to_string(count) + " tickets " + what +
                      " before they were created are left out of the " +
                      (std::string_view(what) == "answered" ? "first-response" : "resolution") +
                      " times (--on-error skip)");
    }
  }
  if (!d.resolved.empty() && resolved == nullptr && !d.resolution.empty()) {
    // A duration column may hold a value for tickets not resolved yet: only done ones count.
    for (std::size_t i = 0; i < t.rows; ++i) {
      if (d.resolved[i] == 0) d.resolution[i] = nan;
    }
  }
  return d;
}

void emit_times(const std::vector<double>& all, const row_slice& s, const char* stem,
                double unit_seconds, const char* unit, const std::string& variant,
                slice_emitter& e) {
  const std::string median = std::string(stem) + "_median";
  const std::string mean = std::string(stem) + "_mean";
  const std::string p90 = std::string(stem) + "_p90";
  if (all.empty()) {
    const std::string reason =
        std::string("needs tickets.") +
        (std::string_view(stem).starts_with("first") ? "first_response_at" : "resolved_at");
    for (const std::string* id : {&median, &mean, &p90}) e.missing(id->c_str(), unit, reason);
    return;
  }
  std::vector<double> v;
  v.reserve(s.rows.size());
  for (const std::uint32_t r : s.rows) {
    if (all[r] != bad_duration) v.push_back(all[r]);
  }
  const duration_summary d = summarize_durations(v);
  const auto in_unit = [unit_seconds](std::optional<double> x) -> std::optional<double> {
    if (!x) return std::nullopt;
    return *x / unit_seconds;
  };
  e.put(median.c_str(), in_unit(d.median), unit, d.n, variant);
  e.put(mean.c_str(), in_unit(d.mean), unit, d.n, variant);
  e.put(p90.c_str(), in_unit(d.p90), unit, d.n, variant);
}

/// Orders in the same period of the report (the default complaint base), when known.
std::optional<double> orders_in(const report* orders, const row_slice& s) {
  if (orders == nullptr || !s.group.empty()) return std::nullopt;
  for (const metric_result& m : orders->metrics) {
    if (m.id == "orders" && m.period == s.period && m.group.empty() && m.value) return m.value;
  }
  return std::nullopt;
}

void emit_rates(const table& t, const ticket_data& d, const row_slice& s,
                const section_context& ctx, slice_emitter& e) {
  e.put("tickets", static_cast<double>(s.rows.size()), "tickets", s.rows.size());
  if (d.resolved.empty()) {
    for (const char* id : {"resolution_rate", "open_tickets", "first_contact_resolution_rate"}) {
      e.missing(id, "ratio", "needs tickets.resolved_at or tickets.status");
    }
  } else {
    const std::vector<std::uint8_t> done = gather(d.resolved, s.rows);
    const proportion rate = resolution_rate(done);
    e.put("resolution_rate", rate.value(), "ratio", rate.n, "creation cohort; " + d.resolved_from,
          rate.wilson());
    e.put("open_tickets", static_cast<double>(rate.n - rate.hits), "tickets", rate.n);
    const column* reopen = t.find("reopen_count");
    if (reopen == nullptr || !reopen->integral()) {
      e.missing("first_contact_resolution_rate", "ratio", "needs tickets.reopen_count");
    } else {
      const std::vector<std::int64_t> reopens = gather_ints(*reopen, s.rows);
      const fcr_result f =
          on_rows(t, "reopen_count", s, [&] { return first_contact_resolution(done, reopens); });
      e.put("first_contact_resolution_rate", f.rate.value(), "ratio", f.rate.n,
            "resolved and never reopened / resolved", f.rate.wilson());
    }
  }
  const column* complaint = t.find("is_complaint");
  if (complaint == nullptr || complaint->storage != column_storage::boolean) {
    e.missing("complaint_rate", "ratio", "needs tickets.is_complaint");
    return;
  }
  std::uint64_t complaints = 0;
  for (const std::uint32_t r : s.rows) complaints += complaint->bools[r] == 1 ? 1U : 0U;
  if (const auto orders = orders_in(ctx.orders_report, s);
      orders && *orders >= static_cast<double>(complaints)) {
    const proportion p = complaint_rate(complaints, static_cast<std::uint64_t>(*orders));
    e.put("complaint_rate", p.value(), "ratio", p.n, "complaints / orders", p.wilson());
  } else {
    const proportion p = complaint_rate(complaints, s.rows.size());
    e.put("complaint_rate", p.value(), "ratio", p.n, "complaints / tickets", p.wilson());
  }
}

}  // namespace

void add_ticket_section(const table& t, const section_context& ctx, report& r) {
  const ticket_data d = ticket_data_of(t, ctx.options, r.notes);
  const column* satisfaction = t.find("satisfaction");
  const std::string bh = fmt::format(
      "business hours {:02}:{:02}-{:02}:{:02}", ctx.options.calendar.open_second / 3600,
      ctx.options.calendar.open_second % 3600 / 60, ctx.options.calendar.close_second / 3600,
      ctx.options.calendar.close_second % 3600 / 60);
  for (const row_slice& s : slices_of(t, t.find("created_at"), ctx, r.notes)) {
    slice_emitter e{r.metrics, s};
    emit_times(d.response, s, "first_response_time", 60.0, "minutes", d.response_from, e);
    emit_times(d.resolution, s, "resolution_time", 3600.0, "hours", d.resolution_from, e);
    if (!d.response_bh.empty()) {
      emit_times(d.response_bh, s, "first_response_time", 60.0, "minutes", bh, e);
    }
    if (!d.resolution_bh.empty()) {
      emit_times(d.resolution_bh, s, "resolution_time", 3600.0, "hours", bh, e);
    }
    emit_rates(t, d, s, ctx, e);
    if (satisfaction == nullptr || satisfaction->storage != column_storage::real) {
      e.missing("service_satisfaction", "ratio", "needs tickets.satisfaction");
      continue;
    }
    const std::vector<double> v = gather(satisfaction->reals, s.rows);
    csat_options co;
    co.scale_min = ctx.options.csat_scale.first;
    co.scale_max = ctx.options.csat_scale.second;
    const csat_result c = on_rows(t, "satisfaction", s, [&] { return csat(v, co); });
    e.put("service_satisfaction", c.satisfied.value(), "ratio", c.satisfied.n,
          fmt::format("top-2-box of ticket ratings on {:g}..{:g}", co.scale_min, co.scale_max),
          c.satisfied.wilson());
  }
}

}  // namespace crm::io::detail
