#include <algorithm>
#include <array>
#include <map>

#include "crm/error.hpp"
#include "crm/io/csv.hpp"
#include "crm/io/values.hpp"

namespace crm::io {
namespace {

constexpr std::size_t max_sample_records = 200;

// Field counts of the first records of `sample` under `dialect`; stops at a malformed record.
std::vector<std::size_t> field_counts(std::string_view sample, const csv_dialect& dialect) {
  std::vector<std::size_t> counts;
  csv_scanner scanner(sample, dialect);
  csv_record record;
  try {
    while (counts.size() < max_sample_records && scanner.next(record)) {
      counts.push_back(record.fields.size());
    }
  } catch (const crm::error&) {
    // A quote left open by the cut: keep what was read.
  }
  return counts;
}

// How well a dialect explains the sample: the share of records having the most common field
// count, and that count.
struct fit {
  double consistency = 0.0;
  std::size_t fields = 0;
};

fit assess(const std::vector<std::size_t>& counts) {
  if (counts.empty()) return {};
  std::map<std::size_t, std::size_t> histogram;
  for (const std::size_t c : counts) ++histogram[c];
  const auto best = std::max_element(histogram.begin(), histogram.end(), [](auto a, auto b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return {static_cast<double>(best->second) / static_cast<double>(counts.size()), best->first};
}

// The value parsers ignore surrounding blanks and reject empty cells themselves.
bool looks_like_data(std::string_view cell) {
  double number = 0.0;
  timestamp_value ts;
  return parse_decimal(cell, number) == parse_status::ok ||
         parse_timestamp(cell, ts) != parse_status::bad;
}

bool first_record_is_data(std::string_view sample, const csv_dialect& dialect) {
  csv_scanner scanner(sample, dialect);
  csv_record record;
  try {
    if (!scanner.next(record)) return false;
  } catch (const crm::error&) {
    return false;
  }
  return std::all_of(record.fields.begin(), record.fields.end(), looks_like_data);
}

}  // namespace

csv_dialect sniff_dialect(std::string_view sample) {
  csv_dialect best;
  fit best_fit;
  for (const char delim : std::array<char, 4>{',', ';', '\t', '|'}) {
    csv_dialect candidate;
    candidate.delimiter = delim;
    const fit f = assess(field_counts(sample, candidate));
    if (f.fields < 2) continue;
    if (f.consistency > best_fit.consistency + 1e-9 ||
        (f.consistency > best_fit.consistency - 1e-9 && f.fields > best_fit.fields)) {
      best = candidate;
      best_fit = f;
    }
  }
  if (best_fit.consistency < 0.9) {
    csv_dialect aligned;
    aligned.whitespace_aligned = true;
    const fit f = assess(field_counts(sample, aligned));
    if (f.fields >= 2 && f.consistency >= 0.9 && f.consistency > best_fit.consistency) {
      best = aligned;
    }
  }
  best.has_header = !first_record_is_data(sample, best);
  return best;
}

}  // namespace crm::io
