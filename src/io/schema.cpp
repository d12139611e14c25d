#include "crm/io/schema.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "crm/error.hpp"

#include "schema_data.hpp"

namespace crm::io {
namespace {

constexpr std::array<std::string_view, 10> kind_names = {
    "orders", "customers", "customer_summary",  "surveys",  "tickets",
    "leads",  "costs",     "retention_actions", "payments", "unknown"};

// Case-insensitive ASCII comparison that treats '-' and ' ' like '_'.
bool same_kind_name(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto fold = [](char c) {
      if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
      return c == '-' || c == ' ' ? '_' : c;
    };
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

bool is_ascii_space(unsigned char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
bool is_separator(char c) noexcept {
  return c == ' ' || c == '_' || c == '-' || c == '.' || c == '/';
}

// Length of the UTF-8 sequence starting with `lead` (1 for ASCII and for stray bytes).
std::size_t sequence_length(unsigned char lead) noexcept {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  return 1;
}

// The code point of a well-formed sequence at `text[i]`, or nullopt (then the byte is kept).
std::optional<char32_t> decode_at(std::string_view text, std::size_t i, std::size_t len) noexcept {
  if (len == 1 || i + len > text.size()) return std::nullopt;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  char32_t cp = byte(0) & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xC0u) != 0x80u) return std::nullopt;
    cp = (cp << 6) | (byte(k) & 0x3Fu);
  }
  return cp;
}

// Full-width forms and brackets as ASCII, white space as ' '; 0 when the code point is kept.
char fold_code_point(char32_t cp) noexcept {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return static_cast<char>(cp - 0xFEE0);
  if (cp == 0x00A0 || cp == 0x3000) return ' ';
  if (cp == 0x3010 || cp == 0x3014) return '[';
  if (cp == 0x3011 || cp == 0x3015) return ']';
  return '\0';
}

// First pass of normalize_header: folds every code point, keeps case and separators.
std::string fold_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out += is_ascii_space(lead) ? ' ' : static_cast<char>(lead);
      ++i;
      continue;
    }
    std::size_t len = sequence_length(lead);
    const auto cp = decode_at(text, i, len);
    if (!cp) len = 1;
    const char folded = cp ? fold_code_point(*cp) : '\0';
    if (folded != '\0') {
      out += folded;
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string_view strip_bom(std::string_view text) noexcept {
  while (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

// True at a camelCase word start: `rD` in `customerID`, `DN` in `IDNumber`.
bool starts_word(std::string_view folded, std::size_t i) noexcept {
  if (i == 0 || !is_upper(folded[i])) return false;
  const char prev = folded[i - 1];
  if (is_lower(prev)) return true;
  return is_upper(prev) && i + 1 < folded.size() && is_lower(folded[i + 1]);
}

}  // namespace

std::string_view to_string(table_kind kind) noexcept {
  const auto index = static_cast<std::size_t>(kind);
  return index < kind_names.size() ? kind_names[index] : kind_names.back();
}

std::optional<table_kind> parse_table_kind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (same_kind_name(name, kind_names[i])) return static_cast<table_kind>(i);
  }
  if (same_kind_name(name, "summary")) return table_kind::customer_summary;
  if (same_kind_name(name, "retention")) return table_kind::retention_actions;
  return std::nullopt;
}

std::string_view to_string(value_type type) noexcept {
  switch (type) {
    case value_type::id:
      return "id";
    case value_type::text:
      return "text";
    case value_type::timestamp:
      return "timestamp";
    case value_type::money:
      return "money";
    case value_type::decimal:
      return "decimal";
    case value_type::integer:
      return "integer";
    case value_type::boolean:
      return "boolean";
  }
  return "text";
}

const table_spec* find_table(table_kind kind) noexcept {
  for (const table_spec& spec : tables()) {
    if (spec.kind == kind) return &spec;
  }
  return nullptr;
}

const column_spec* find_column(table_kind kind, std::string_view canonical) noexcept {
  const table_spec* spec = find_table(kind);
  if (spec == nullptr) return nullptr;
  std::string_view name = canonical;
  if (kind == table_kind::surveys && canonical.size() > detail::survey_item_prefix.size() &&
      canonical.starts_with(detail::survey_item_prefix)) {
    name = detail::survey_item_spec;
  }
  for (const column_spec& column : spec->columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

std::string normalize_header(std::string_view header) {
  const std::string folded = fold_text(strip_bom(header));
  std::string out;
  out.reserve(folded.size() + 4);
  bool pending = false;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const char c = folded[i];
    if (is_separator(c)) {
      pending = true;
      continue;
    }
    if (starts_word(folded, i)) pending = true;
    if (pending && !out.empty()) out += '_';
    pending = false;
    out += is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

namespace {

// ---- headers -------------------------------------------------------------------------------

constexpr std::string_view nbsp = "\xC2\xA0";
constexpr std::string_view ideographic_space = "\xE3\x80\x80";

std::string_view trim_header(std::string_view text) noexcept {
  text = strip_bom(text);
  for (bool changed = true; changed && !text.empty();) {
    changed = false;
    if (is_ascii_space(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
      changed = true;
    } else if (text.starts_with(nbsp) || text.starts_with(ideographic_space)) {
      text.remove_prefix(text.starts_with(nbsp) ? 2 : 3);
      changed = true;
    }
  }
  for (bool changed = true; changed && !text.empty();) {
    changed = false;
    if (is_ascii_space(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
      changed = true;
    } else if (text.ends_with(nbsp) || text.ends_with(ideographic_space)) {
      text.remove_suffix(text.ends_with(nbsp) ? 2 : 3);
      changed = true;
    }
  }
  return text;
}

// Removes a question number: `12、`, `3.`, `4．`, `5:`, `6：` or `第7题`. Sets `numbered`.
std::string_view strip_question_number(std::string_view title, bool& numbered) noexcept {
  numbered = false;
  std::size_t i = 0;
  const bool ordinal = title.starts_with("\xE7\xAC\xAC");  // 第
  if (ordinal) i = 3;
  const std::size_t digits_from = i;
  while (i < title.size() && i - digits_from < 4 && title[i] >= '0' && title[i] <= '9') ++i;
  const std::size_t digits = i - digits_from;
  if (digits == 0 || digits > (ordinal ? 4 : 3)) return title;
  const std::string_view rest = title.substr(i);
  constexpr std::array<std::string_view, 5> marks = {"\xE3\x80\x81", ".", "\xEF\xBC\x8E", ":",
                                                     "\xEF\xBC\x9A"};  // 、 . ． : ：
  if (ordinal) {
    if (!rest.starts_with("\xE9\xA2\x98")) return title;  // 题
    numbered = true;
    return rest.substr(3);
  }
  for (std::string_view mark : marks) {
    if (rest.starts_with(mark)) {
      numbered = true;
      return rest.substr(mark.size());
    }
  }
  return title;
}

// True when a maximal run of ASCII letters of `lower` equals `word`.
bool has_ascii_word(std::string_view lower, std::string_view word) noexcept {
  std::size_t i = 0;
  while (i < lower.size()) {
    if (!is_lower(lower[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < lower.size() && is_lower(lower[end])) ++end;
    if (lower.substr(i, end - i) == word) return true;
    i = end;
  }
  return false;
}

// True when `text` holds `word` at least once without one of the negating prefixes before it.
bool has_unnegated(std::string_view text, std::string_view word,
                   std::span<const std::string_view> negations) noexcept {
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const std::string_view before = text.substr(0, at);
    const bool negated = std::any_of(negations.begin(), negations.end(),
                                     [&](std::string_view n) { return before.ends_with(n); });
    if (!negated) return true;
  }
  return false;
}

// "NPS" or "CSAT" when a header reads as a survey question about recommending or satisfaction.
std::string_view question_tag(std::string_view trimmed) {
  bool numbered = false;
  const std::string_view title = strip_question_number(trimmed, numbered);
  std::string lower(title);
  for (char& c : lower) c = is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
  const bool wide = std::any_of(lower.begin(), lower.end(),
                                [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  const std::string key = normalize_header(title);
  const auto words = std::count(key.begin(), key.end(), '_') + 1;
  if (!numbered && !wide && !lower.ends_with('?') && words < 3) return {};
  const bool recommend =
      lower.find("推荐") != std::string::npos &&
      (lower.find("可能") != std::string::npos || lower.find("意愿") != std::string::npos);
  if (recommend || has_ascii_word(lower, "nps") || lower.find("recommend") != std::string::npos) {
    return "NPS";
  }
  constexpr std::array<std::string_view, 1> zh_not = {"不"};
  constexpr std::array<std::string_view, 2> en_not = {"dis", "un"};
  if (has_unnegated(lower, "满意", zh_not) || has_unnegated(lower, "satisf", en_not) ||
      has_ascii_word(lower, "csat")) {
    return "CSAT";
  }
  return {};
}

// One header of the file, prepared once.
struct header_info {
  std::string name;           // trimmed text, or column_<n> when empty
  std::string key;            // normalize_header(name); empty for blank headers
  std::string_view question;  // "NPS", "CSAT" or empty
};

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::vector<header_info> prepare_headers(std::span<const std::string> headers) {
  std::vector<header_info> infos;
  infos.reserve(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const std::string_view trimmed = trim_header(headers[i]);
    header_info info{std::string(trimmed), normalize_header(trimmed), question_tag(trimmed)};
    if (trimmed.empty()) info.name = "column_" + std::to_string(i + 1);
    for (std::size_t j = 0; j < i && !info.key.empty(); ++j) {
      if (infos[j].key != info.key) continue;
      throw invalid_input("duplicate header: column " + std::to_string(j + 1) + " " +
                              quoted(infos[j].name) + " and column " + std::to_string(i + 1) + " " +
                              quoted(info.name) + " both read as " + quoted(info.key),
                          input_location{"map_headers", info.name, -1, {}});
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

// ---- overrides -----------------------------------------------------------------------------

struct override_entry {
  std::string canonical;
  std::size_t header = 0;
};

bool known_column(std::optional<table_kind> kind, std::string_view canonical) noexcept {
  if (kind) return find_column(*kind, canonical) != nullptr;
  return std::any_of(tables().begin(), tables().end(), [&](const table_spec& spec) {
    return find_column(spec.kind, canonical) != nullptr;
  });
}

std::size_t find_header(const std::vector<header_info>& infos, std::string_view wanted) {
  const std::string_view trimmed = trim_header(wanted);
  for (std::size_t i = 0; i < infos.size(); ++i) {
    if (infos[i].name == trimmed) return i;
  }
  const std::string key = normalize_header(trimmed);
  for (std::size_t i = 0; i < infos.size() && !key.empty(); ++i) {
    if (infos[i].key == key) return i;
  }
  throw invalid_input("--map names header " + quoted(trimmed) + ", which is not in the file",
                      input_location{"map_headers", std::string(trimmed), -1, {}});
}

std::vector<override_entry> resolve_overrides(
    std::span<const std::pair<std::string, std::string>> requested,
    const std::vector<header_info>& infos, std::optional<table_kind> kind) {
  std::vector<override_entry> out;
  for (const auto& [name, header] : requested) {
    std::string canonical = normalize_header(name);
    if (!known_column(kind, canonical)) {
      const std::string scope = kind ? std::string(to_string(*kind)) : "any table";
      throw invalid_input("--map names " + quoted(name) + ", not a canonical column of " + scope,
                          input_location{"map_headers", name, -1, header});
    }
    override_entry entry{std::move(canonical), find_header(infos, header)};
    const auto same = std::find_if(out.begin(), out.end(), [&](const override_entry& o) {
      return o.canonical == entry.canonical;
    });
    if (same != out.end()) {
      *same = std::move(entry);  // a later --map for the same column wins
    } else {
      out.push_back(std::move(entry));
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (std::size_t j = i + 1; j < out.size(); ++j) {
      if (out[i].header != out[j].header) continue;
      throw invalid_input("--map gives header " + quoted(infos[out[i].header].name) +
                              " two columns: " + out[i].canonical + " and " + out[j].canonical,
                          input_location{"map_headers", infos[out[i].header].name, -1, {}});
    }
  }
  return out;
}

// The kind named by overrides of columns that only one table has; nullopt when none.
std::optional<table_kind> kind_fixed_by(const std::vector<override_entry>& overrides) {
  std::optional<table_kind> fixed;
  std::string fixed_by;
  for (const override_entry& o : overrides) {
    std::vector<table_kind> owners;
    for (const table_spec& spec : tables()) {
      if (find_column(spec.kind, o.canonical) != nullptr) owners.push_back(spec.kind);
    }
    if (owners.size() != 1) continue;
    if (fixed && *fixed != owners.front()) {
      throw invalid_input("--map names columns of two tables: " + fixed_by + " (" +
                              std::string(to_string(*fixed)) + ") and " + o.canonical + " (" +
                              std::string(to_string(owners.front())) + ")",
                          input_location{"map_headers", o.canonical, -1, {}});
    }
    fixed = owners.front();
    fixed_by = o.canonical;
  }
  return fixed;
}

// ---- one kind ------------------------------------------------------------------------------

constexpr int override_rank = -1;
constexpr int weak_rank = 3;

// The alias table keyed by normalised header, built on first use.
const std::vector<std::pair<std::string, std::size_t>>& alias_index() {
  static const auto index = [] {
    std::vector<std::pair<std::string, std::size_t>> out;
    const std::span<const alias> all = aliases();
    out.reserve(all.size());
    for (std::size_t i = 0; i < all.size(); ++i)
      out.emplace_back(normalize_header(all[i].header), i);
    std::sort(out.begin(), out.end());
    return out;
  }();
  return index;
}

// A way one header could map in one kind. Lower rank first; table-specific aliases before
// generic ones; then the order of the alias table.
struct candidate {
  std::size_t header = 0;
  std::string canonical;
  int rank = 0;
  bool generic = false;
  std::size_t order = 0;
  std::string how;

  bool operator<(const candidate& other) const {
    return std::tie(rank, generic, order, header) <
           std::tie(other.rank, other.generic, other.order, other.header);
  }
};

void add_candidates(table_kind kind, std::size_t h, const header_info& info,
                    std::vector<candidate>& out) {
  const std::string& key = info.key;
  if (key.empty()) return;
  const bool surveys = kind == table_kind::surveys;
  if (surveys && key.size() > 2 && key.starts_with(detail::survey_item_prefix)) {
    out.push_back({h, key, 0, false, 0, "survey item (q_)"});
    return;
  }
  if (find_column(kind, key) != nullptr) out.push_back({h, key, 0, false, 0, "canonical name"});
  const auto& index = alias_index();
  const auto range =
      std::equal_range(index.begin(), index.end(), std::pair{key, std::size_t{0}},
                       [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto it = range.first; it != range.second; ++it) {
    const alias& a = aliases()[it->second];
    if (a.table != kind && a.table != table_kind::unknown) continue;
    if (find_column(kind, a.canonical) == nullptr) continue;
    out.push_back({h, std::string(a.canonical), a.rank, a.table == table_kind::unknown,
                   it->second + 1,
                   "alias (rank " + std::to_string(a.rank) + ", " + std::string(a.origin) + ")"});
  }
  if (surveys && !info.question.empty()) {
    out.push_back({h, info.question == "NPS" ? "nps" : "csat", 2, false, aliases().size() + 1,
                   "question title (" + std::string(info.question) + ")"});
  }
}

struct slot {
  std::string canonical;  // empty: unmapped
  int rank = 0;
  std::string how;
};

// A header that wanted `canonical` but found it taken by `winner` at a lower rank.
struct loss {
  std::size_t header = 0;
  std::string canonical;
  int rank = 0;
  std::size_t winner = 0;
  int winner_rank = 0;
};

struct conflict_info {
  std::string canonical;
  std::size_t first = 0;
  std::size_t second = 0;
  int rank = 0;
};

// The mapping of a file's headers for one kind.
struct kind_trial {
  table_kind kind = table_kind::unknown;
  std::vector<slot> slots;
  std::vector<loss> losses;
  std::optional<conflict_info> conflict;
  std::vector<std::string> missing;
  std::size_t mapped = 0;
  std::size_t weak = 0;
  bool eligible = false;
  double score = 0;
};

struct taken_column {
  std::string canonical;
  std::size_t header = 0;
  int rank = 0;
};

// Gives each column to its lowest-rank header; a header whose column is taken tries its next
// candidate. Equal ranks for one column are a conflict (the first header keeps it).
void assign(kind_trial& trial, std::vector<candidate>& candidates,
            std::vector<taken_column>& taken) {
  std::stable_sort(candidates.begin(), candidates.end());
  for (candidate& c : candidates) {
    if (!trial.slots[c.header].canonical.empty()) continue;
    const auto holder = std::find_if(taken.begin(), taken.end(), [&](const taken_column& t) {
      return t.canonical == c.canonical;
    });
    if (holder == taken.end()) {
      taken.push_back({c.canonical, c.header, c.rank});
      trial.slots[c.header] = slot{std::move(c.canonical), c.rank, std::move(c.how)};
    } else if (holder->rank == c.rank) {
      if (!trial.conflict) trial.conflict = {c.canonical, holder->header, c.header, c.rank};
    } else {
      trial.losses.push_back({c.header, c.canonical, c.rank, holder->header, holder->rank});
    }
  }
}

void check_requirements(kind_trial& trial, std::size_t header_count) {
  auto mapped = [&](std::string_view name) {
    return std::any_of(trial.slots.begin(), trial.slots.end(),
                       [&](const slot& s) { return s.canonical == name; });
  };
  for (const detail::table_requirement& r : detail::table_requirements()) {
    if (r.kind != trial.kind) continue;
    if (std::none_of(r.any_of.begin(), r.any_of.end(), mapped)) {
      trial.missing.emplace_back(r.label);
    }
  }
  for (const slot& s : trial.slots) {
    if (s.canonical.empty()) continue;
    ++trial.mapped;
    if (s.rank >= weak_rank) ++trial.weak;
  }
  // Eligible kinds score their mapped columns (weak aliases count a little less), always > 0;
  // others score minus their missing requirements plus a fraction for mapped columns, < 0.
  const auto scale = static_cast<double>(header_count + 1);
  trial.eligible = trial.missing.empty();
  trial.score = trial.eligible
                    ? static_cast<double>(trial.mapped) - static_cast<double>(trial.weak) / scale
                    : -static_cast<double>(trial.missing.size()) +
                          static_cast<double>(trial.mapped) / (2 * scale);
}

kind_trial try_kind(table_kind kind, const std::vector<header_info>& infos,
                    const std::vector<override_entry>& overrides) {
  kind_trial trial;
  trial.kind = kind;
  trial.slots.resize(infos.size());
  std::vector<taken_column> taken;
  for (const override_entry& o : overrides) {
    if (find_column(kind, o.canonical) == nullptr) continue;
    trial.slots[o.header] = slot{o.canonical, override_rank, "--map"};
    taken.push_back({o.canonical, o.header, override_rank});
  }
  std::vector<candidate> candidates;
  for (std::size_t h = 0; h < infos.size(); ++h) {
    if (trial.slots[h].canonical.empty()) add_candidates(kind, h, infos[h], candidates);
  }
  assign(trial, candidates, taken);
  check_requirements(trial, infos.size());
  return trial;
}

// ---- the result ----------------------------------------------------------------------------

std::string rank_text(int rank) {
  return rank == override_rank ? "--map" : "rank " + std::to_string(rank);
}

std::string conflict_message(const conflict_info& c, const std::vector<header_info>& infos,
                             table_kind kind) {
  return "headers " + quoted(infos[c.first].name) + " and " + quoted(infos[c.second].name) +
         " both map to " + c.canonical + " of " + std::string(to_string(kind)) + " (" +
         rank_text(c.rank) + "); choose one with --map " + c.canonical + "=<header>";
}

void note_losses(const kind_trial& trial, const std::vector<header_info>& infos,
                 std::vector<std::string>& notes) {
  std::vector<std::size_t> seen;
  for (const loss& l : trial.losses) {
    if (std::find(seen.begin(), seen.end(), l.header) != seen.end()) continue;
    seen.push_back(l.header);
    const slot& s = trial.slots[l.header];
    const std::string outcome = s.canonical.empty() ? "left unmapped" : "mapped to " + s.canonical;
    notes.push_back("header " + quoted(infos[l.header].name) + " " + outcome + ": " + l.canonical +
                    " is taken by " + quoted(infos[l.winner].name) + " (" +
                    rank_text(l.winner_rank) + " beats " + rank_text(l.rank) + ")");
  }
}

void note_orders(const kind_trial& trial, std::vector<std::string>& notes) {
  auto has = [&](std::string_view name) {
    return std::any_of(trial.slots.begin(), trial.slots.end(),
                       [&](const slot& s) { return s.canonical == name; });
  };
  if (!has("customer_id") && has("email")) {
    notes.emplace_back("customer_id = email (no customer id column; email identifies customers)");
  }
  if (!has("amount") && has("unit_price")) {
    notes.emplace_back(has("quantity")
                           ? "amount = quantity × unit_price (no amount column)"
                           : "amount = quantity × unit_price (no amount column; quantity = 1)");
  }
}

void note_choice(const std::vector<kind_trial>& trials, const kind_trial& chosen, bool detected,
                 std::vector<std::string>& notes) {
  if (!detected) {
    notes.push_back("table kind " + std::string(to_string(chosen.kind)) + " was given");
  } else if (!chosen.eligible) {
    std::string missing;
    for (const std::string& m : chosen.missing) missing += (missing.empty() ? "" : ", ") + m;
    notes.push_back("no table recognised; closest is " + std::string(to_string(chosen.kind)) +
                    " (missing " + missing + ")");
  }
  for (const kind_trial& t : trials) {
    if (&t == &chosen || !t.eligible) continue;
    notes.push_back(std::string(to_string(t.kind)) + " also fits with " + std::to_string(t.mapped) +
                    " mapped column(s); " + std::string(to_string(chosen.kind)) + " maps " +
                    std::to_string(chosen.mapped));
  }
}

void note_overrides(const std::vector<override_entry>& overrides,
                    const std::vector<header_info>& infos, table_kind kind,
                    std::vector<std::string>& notes) {
  for (const override_entry& o : overrides) {
    if (kind == table_kind::unknown || find_column(kind, o.canonical) != nullptr) continue;
    notes.push_back("--map " + o.canonical + "=" + infos[o.header].name +
                    " ignored: " + std::string(to_string(kind)) + " has no column " + o.canonical);
  }
}

std::vector<column_binding> bindings(const kind_trial& trial,
                                     const std::vector<header_info>& infos) {
  std::vector<column_binding> out;
  out.reserve(infos.size());
  for (std::size_t h = 0; h < infos.size(); ++h) {
    const slot& s = trial.slots[h];
    column_binding b{h, infos[h].name, s.canonical, value_type::text, s.how};
    if (const column_spec* spec = find_column(trial.kind, s.canonical)) b.type = spec->type;
    out.push_back(std::move(b));
  }
  return out;
}

header_mapping finish(std::vector<kind_trial> trials, std::optional<table_kind> forced,
                      const std::vector<header_info>& infos,
                      const std::vector<override_entry>& overrides) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const bool wins = forced ? trials[i].kind == *forced : trials[i].score > trials[best].score;
    if (wins) best = i;
  }
  const kind_trial& chosen = trials[best];
  header_mapping m;
  m.kind = forced || chosen.eligible ? chosen.kind : table_kind::unknown;
  if (chosen.conflict && m.kind != table_kind::unknown) {
    throw invalid_input(conflict_message(*chosen.conflict, infos, chosen.kind),
                        input_location{"map_headers", chosen.conflict->canonical, -1, {}});
  }
  m.columns = bindings(chosen, infos);
  m.missing_required = chosen.missing;
  note_losses(chosen, infos, m.notes);
  if (chosen.conflict) m.notes.push_back(conflict_message(*chosen.conflict, infos, chosen.kind));
  if (chosen.kind == table_kind::orders) note_orders(chosen, m.notes);
  note_choice(trials, chosen, !forced, m.notes);
  note_overrides(overrides, infos, m.kind, m.notes);
  for (const kind_trial& t : trials) m.candidates.emplace_back(t.kind, t.score);
  std::stable_sort(m.candidates.begin(), m.candidates.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return m;
}

}  // namespace

header_mapping map_headers(std::span<const std::string> headers, const mapping_options& options) {
  const std::vector<header_info> infos = prepare_headers(headers);
  std::optional<table_kind> kind = options.kind;
  if (kind == table_kind::unknown) kind.reset();
  const std::vector<override_entry> overrides = resolve_overrides(options.overrides, infos, kind);
  if (!kind) kind = kind_fixed_by(overrides);
  std::vector<kind_trial> trials;
  for (const table_spec& spec : tables()) trials.push_back(try_kind(spec.kind, infos, overrides));
  return finish(std::move(trials), kind, infos, overrides);
}

}  // namespace crm::io
