// The surveys section of a report: CSAT, CES, CSI (satisfaction) and NPS (loyalty), from wide
// columns (nps, csat, ces, q_<item>) or the long form (score + survey_type [+ question_id]).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "crm/loyalty.hpp"
#include "crm/satisfaction.hpp"

#include "report_tables.hpp"

namespace crm::io::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// One CSI item: its header and answers per table row.
struct item_values {
  std::string name;
  std::vector<double> values;
};

/// Answers per table row (NaN = none) for each survey type, and where they came from.
struct survey_answers {
  std::vector<double> nps, csat, ces;
  std::vector<item_values> items;
  std::string nps_from, csat_from, ces_from, csi_from;
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const std::vector<double>* reals_of(const table& t, std::string_view canonical) {
  const column* c = t.find(canonical);
  return c != nullptr && c->storage == column_storage::real ? &c->reals : nullptr;
}

/// The survey type a long-form `survey_type` value names; "" when none.
std::string type_of(std::string_view text) {
  const std::string t = lower(text);
  for (const char* known : {"nps", "csat", "ces", "csi"}) {
    if (t.find(known) != std::string::npos) return known;
  }
  if (t.find("推荐") != std::string::npos) return "nps";
  if (t.find("满意") != std::string::npos) return "csat";
  if (t.find("费力") != std::string::npos) return "ces";
  return {};
}

/// A `score` column without survey_type: --survey-type, else the scale its values fit.
std::string infer_score_type(const std::vector<double>& score, const report_options& options,
                             std::string& how) {
  if (!options.survey_type.empty()) {
    how = "score (--survey-type " + options.survey_type + ")";
    return options.survey_type;
  }
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const double v : score) {
    if (!std::isnan(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi) return {};
  if (lo >= 0.0 && hi <= 10.0 && (lo < 1.0 || hi > 7.0)) {
    how = "score read as NPS (its answers span 0..10; --survey-type to change)";
    return "nps";
  }
  if (lo >= 1.0 && hi <= 5.0) {
    how = "score read as CSAT on 1..5 (its answers span 1..5; --survey-type to change)";
    return "csat";
  }
  return {};
}

/// The long form: rows of each type, CSI items collapsed onto each respondent's first row.
void long_form(const table& t, survey_answers& a) {
  const column& score = *t.find("score");
  const column& type = *t.find("survey_type");
  const column* question = t.find("question_id");
  const column* response = t.find("response_id");
  const column* customer = t.customer_key();
  const column* at = t.find("responded_at");
  std::vector<std::string> type_of_code(type.dictionary.size());
  for (std::uint32_t k = 0; k < type_of_code.size(); ++k)
    type_of_code[k] = type_of(type.dictionary[k]);
  a.nps.assign(t.rows, nan);
  a.csat.assign(t.rows, nan);
  a.ces.assign(t.rows, nan);
  std::unordered_map<std::string, std::uint32_t> first_row_of;  // respondent -> row
  std::map<std::string, std::size_t> item_of;                   // question -> item index
  for (std::uint32_t i = 0; i < t.rows; ++i) {
    if (type.codes[i] == missing_code) continue;
    const std::string& kind = type_of_code[type.codes[i]];
    const double v = score.reals[i];
    if (kind == "nps") a.nps[i] = v;
    if (kind == "csat") a.csat[i] = v;
    if (kind == "ces") a.ces[i] = v;
    if (kind != "csi") continue;
    const std::string who = response != nullptr ? response->text(i)
                                                : (customer != nullptr ? customer->text(i) : "") +
                                                      "|" + (at != nullptr ? at->text(i) : "");
    const std::uint32_t row = first_row_of.try_emplace(who, i).first->second;
    const std::string q = question != nullptr ? question->text(i) : "csi";
    auto [it, added] = item_of.try_emplace(q, a.items.size());
    if (added) a.items.push_back({q, std::vector<double>(t.rows, nan)});
    a.items[it->second].values[row] = v;
  }
  const std::string how = "score by survey_type";
  a.nps_from = a.csat_from = a.ces_from = how;
  if (!a.items.empty()) a.csi_from = how + " (csi rows by respondent and question_id)";
}

survey_answers answers_of(const table& t, const report_options& options,
                          std::vector<std::string>& notes) {
  survey_answers a;
  const auto take = [&](std::string_view id, std::vector<double>& into, std::string& from) {
    if (const auto* v = reals_of(t, id); v != nullptr) {
      into = *v;
      from = std::string(id) + " column";
    }
  };
  const column* score = t.find("score");
  if (score != nullptr && t.find("survey_type") != nullptr) {
    long_form(t, a);
  } else if (score != nullptr && score->storage == column_storage::real) {
    std::string how;
    const std::string type = infer_score_type(score->reals, options, how);
    if (type == "nps") a.nps = score->reals, a.nps_from = how;
    if (type == "csat") a.csat = score->reals, a.csat_from = how;
    if (type == "ces") a.ces = score->reals, a.ces_from = how;
    if (type.empty()) {
      notes.push_back(t.source +
                      ": cannot tell which survey the score column answers; pass "
                      "--survey-type nps|csat|ces");
    } else {
      notes.push_back(t.source + ": " + how);
    }
  }
  if (a.nps.empty()) take("nps", a.nps, a.nps_from);
  if (a.csat.empty()) take("csat", a.csat, a.csat_from);
  if (a.ces.empty()) take("ces", a.ces, a.ces_from);
  if (a.items.empty()) {
    for (const column& c : t.columns) {
      if (c.canonical.starts_with("q_") && c.storage == column_storage::real) {
        a.items.push_back({c.header, c.reals});
      }
    }
    if (!a.items.empty()) a.csi_from = std::to_string(a.items.size()) + " q_ item columns";
  }
  return a;
}

}  // namespace

// --- metrics ------------------------------------------------------------------------------

namespace {

std::optional<nps_result> emit_nps(const table& t, const survey_answers& a, const row_slice& s,
                                   slice_emitter& e) {
  if (a.nps.empty()) {
    for (const char* id :
         {"nps", "promoters_share", "passives_share", "detractors_share", "recommendation_rate"}) {
      e.missing(id, id[0] == 'n' ? "points" : "ratio", "needs surveys.nps (0..10 answers)");
    }
    return std::nullopt;
  }
  const std::vector<double> v = gather(a.nps, s.rows);
  const nps_result r = on_rows(t, "nps", s, [&] { return nps(v); });
  e.put("nps", r.score, "points", r.n(), "adjusted-Wald 95 % interval; " + a.nps_from, r.ci);
  e.put("promoters_share", r.promoters_share().value(), "ratio", r.n(), "answers 9-10",
        r.promoters_share().wilson());
  e.put("passives_share", r.passives_share().value(), "ratio", r.n(), "answers 7-8",
        r.passives_share().wilson());
  e.put("detractors_share", r.detractors_share().value(), "ratio", r.n(), "answers 0-6",
        r.detractors_share().wilson());
  const proportion rec = recommendation_rate(r);
  e.put("recommendation_rate", rec.value(), "ratio", rec.n, "share of promoters", rec.wilson());
  return r;
}

/// nps_change: the last period with answers against the one before it that has answers
/// (difference test with SE = sqrt(SE1² + SE2²)).
void emit_nps_change(const std::vector<std::pair<std::string, nps_result>>& periods,
                     std::vector<metric_result>& out) {
  std::vector<const std::pair<std::string, nps_result>*> answered;
  for (const auto& p : periods) {
    if (p.second.n() > 0) answered.push_back(&p);
  }
  if (answered.size() < 2) return;
  const auto& [label_a, a] = *answered[answered.size() - 2];
  const auto& [label_b, b] = *answered.back();
  const auto d = nps_difference(a, b);
  const row_slice whole{};
  slice_emitter e{out, whole};
  e.put("nps_change", d ? std::optional<double>(d->difference) : std::nullopt, "points",
        a.n() + b.n(),
        d ? fmt::format("{} vs {}: z = {:.2f}, two-sided p = {:.3f}", label_b, label_a, d->z,
                        d->p_value)
          : label_b + " vs " + label_a,
        d ? std::optional<interval>(d->ci) : std::nullopt,
        "every answer in both periods is the same (standard error 0)");
}

void emit_satisfaction(const table& t, const survey_answers& a, const row_slice& s,
                       const report_options& o, slice_emitter& e) {
  if (a.csat.empty()) {
    e.missing("csat", "ratio", "needs surveys.csat (1..5 answers)");
    e.missing("csat_mean", "score", "needs surveys.csat (1..5 answers)");
  } else {
    const std::vector<double> v = gather(a.csat, s.rows);
    csat_options co;
    co.scale_min = o.csat_scale.first;
    co.scale_max = o.csat_scale.second;
    co.satisfied_from = o.csat_satisfied_from;
    const csat_result r = on_rows(t, "csat", s, [&] { return csat(v, co); });
    const std::string scale = fmt::format("{:g}..{:g}", co.scale_min, co.scale_max);
    e.put("csat", r.satisfied.value(), "ratio", r.satisfied.n,
          "top-2-box on " + scale + "; " + a.csat_from, r.satisfied.wilson());
    e.put("csat_mean", r.mean, "score", r.satisfied.n, "mean on " + scale);
  }
  if (a.ces.empty()) {
    e.missing("ces", "score", "needs surveys.ces (1..7 answers)");
  } else {
    const std::vector<double> v = gather(a.ces, s.rows);
    ces_options co;
    co.scale_min = o.ces_scale.first;
    co.scale_max = o.ces_scale.second;
    co.higher_is_easier = o.ces_higher_is_easier;
    const ces_result r = on_rows(t, "ces", s, [&] { return ces(v, co); });
    e.put("ces", r.mean, "score", r.low_effort.n,
          fmt::format("mean on {:g}..{:g} ({:g} = least effort)", co.scale_min, co.scale_max,
                      co.higher_is_easier ? co.scale_max : co.scale_min));
  }
  if (a.items.empty()) {
    e.missing("csi", "index", "needs surveys q_<item> columns (or csi rows in the long form)");
  } else {
    std::vector<std::vector<double>> cells;
    std::vector<csi_item> items;
    for (const item_values& item : a.items) cells.push_back(gather(item.values, s.rows));
    for (std::size_t k = 0; k < a.items.size(); ++k) {
      csi_item item;
      item.scores = cells[k];
      item.scale_min = o.csi_scale.first;
      item.scale_max = o.csi_scale.second;
      for (const auto& [name, weight] : o.csi_weights) {
        const std::string& header = a.items[k].name;
        if (name == header || "q_" + name == header || name == "q_" + header) item.weight = weight;
      }
      items.push_back(item);
    }
    const csi_result r = on_rows(t, "q_", s, [&] { return csi(items); });
    e.put("csi", r.mean, "index", r.n,
          fmt::format("{} weights, items on {:g}..{:g}; {}",
                      o.csi_weights.empty() ? "equal" : "configured", o.csi_scale.first,
                      o.csi_scale.second, a.csi_from),
          r.ci);
  }
}

}  // namespace

void add_survey_section(const table& t, const section_context& ctx, report& r) {
  const survey_answers a = answers_of(t, ctx.options, r.notes);
  const std::vector<row_slice> slices = slices_of(t, t.find("responded_at"), ctx, r.notes);
  std::vector<std::pair<std::string, nps_result>> by_period;
  for (const row_slice& s : slices) {
    slice_emitter e{r.metrics, s};
    emit_satisfaction(t, a, s, ctx.options, e);
    const auto n = emit_nps(t, a, s, e);
    if (n && s.period && s.group.empty()) by_period.emplace_back(*s.period, *n);
  }
  emit_nps_change(by_period, r.metrics);
}

}  // namespace crm::io::detail
