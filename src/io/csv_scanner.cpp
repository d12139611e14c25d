#include <algorithm>
#include <cstring>

#include "crm/error.hpp"
#include "crm/io/csv.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace crm::io {
namespace {

bool is_line_end(char ch) noexcept { return ch == '\n' || ch == '\r'; }
bool is_blank(char ch) noexcept { return ch == ' ' || ch == '\t'; }

// First index in [i, n) holding the delimiter, a quote, LF or CR; n when there is none.
std::size_t find_special(const char* s, std::size_t i, std::size_t n, char delim) noexcept {
#if defined(__SSE2__)
  const __m128i vd = _mm_set1_epi8(delim);
  const __m128i vq = _mm_set1_epi8('"');
  const __m128i vn = _mm_set1_epi8('\n');
  const __m128i vr = _mm_set1_epi8('\r');
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vq)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, vn), _mm_cmpeq_epi8(v, vr)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  for (; i < n; ++i) {
    const char ch = s[i];
    if (ch == delim || ch == '"' || ch == '\n' || ch == '\r') return i;
  }
  return n;
}

}  // namespace

std::string_view delimiter_name(const csv_dialect& dialect) noexcept {
  if (dialect.whitespace_aligned) return "whitespace";
  switch (dialect.delimiter) {
    case ',':
      return "comma";
    case ';':
      return "semicolon";
    case '\t':
      return "tab";
    case '|':
      return "pipe";
    default:
      return "other";
  }
}

csv_scanner::csv_scanner(std::string_view input, const csv_dialect& dialect) noexcept
    : in_(input), dialect_(dialect) {}

bool csv_scanner::next(csv_record& out) {
  out.fields.clear();
  scratch_used_ = 0;
  return dialect_.whitespace_aligned ? next_aligned(out) : next_delimited(out);
}

// Offset just past the line terminator at `at` (LF, CRLF or CR); `at` must hold LF or CR.
std::size_t csv_scanner::end_of_line(std::size_t at) const noexcept {
  if (in_[at] == '\r' && at + 1 < in_.size() && in_[at + 1] == '\n') return at + 2;
  return at + 1;
}

bool csv_scanner::next_delimited(csv_record& out) {
  const std::size_t n = in_.size();
  while (pos_ < n && is_line_end(in_[pos_])) {
    pos_ = end_of_line(pos_);
    ++blank_lines_;
  }
  if (pos_ >= n) return false;
  const std::size_t start = pos_;
  record_start_ = start;
  out.lines = 1;
  const char delim = dialect_.delimiter;
  for (;;) {
    std::size_t j = 0;
    if (in_[pos_] == '"') {
      j = quoted_field(out, pos_);
      if (j < n && in_[j] != delim && !is_line_end(in_[j])) {
        recover(start, j);
        throw crm::invalid_input("unexpected text after a closing quote", {});
      }
    } else {
      j = find_special(in_.data(), pos_, n, delim);
      while (j < n && in_[j] == '"') j = find_special(in_.data(), j + 1, n, delim);  // stray quote
      out.fields.emplace_back(in_.data() + pos_, j - pos_);
    }
    if (j >= n) {
      pos_ = n;
      out.raw = in_.substr(start, n - start);
      return true;
    }
    if (in_[j] == delim) {
      pos_ = j + 1;
      if (pos_ >= n) {  // a delimiter at the very end: one more, empty field
        out.fields.emplace_back();
        out.raw = in_.substr(start, n - start);
        return true;
      }
      continue;
    }
    out.raw = in_.substr(start, j - start);
    pos_ = end_of_line(j);
    return true;
  }
}

// Reads the quoted field starting at `start` (a quote); returns the offset after its closing quote.
std::size_t csv_scanner::quoted_field(csv_record& out, std::size_t start) {
  const std::size_t n = in_.size();
  std::size_t seg = start + 1;
  std::string* unescaped = nullptr;
  for (;;) {
    const void* hit = std::memchr(in_.data() + seg, '"', n - seg);
    if (hit == nullptr) {
      recover(record_start_, n);
      throw crm::invalid_input("a quoted field is never closed", {});
    }
    const auto q = static_cast<std::size_t>(static_cast<const char*>(hit) - in_.data());
    out.lines += std::count(in_.begin() + static_cast<std::ptrdiff_t>(seg),
                            in_.begin() + static_cast<std::ptrdiff_t>(q), '\n');
    if (q + 1 < n && in_[q + 1] == '"') {  // doubled quote: a literal quote
      if (unescaped == nullptr) {
        if (scratch_used_ == scratch_.size()) scratch_.emplace_back();
        unescaped = &scratch_[scratch_used_++];
        unescaped->clear();
      }
      unescaped->append(in_.data() + seg, q + 1 - seg);
      seg = q + 2;
      continue;
    }
    if (unescaped != nullptr) {
      unescaped->append(in_.data() + seg, q - seg);
      out.fields.emplace_back(*unescaped);
    } else {
      out.fields.emplace_back(in_.data() + start + 1, q - start - 1);
    }
    return q + 1;
  }
}

void csv_scanner::recover(std::size_t start, std::size_t from) noexcept {
  std::size_t i = from;
  while (i < in_.size() && !is_line_end(in_[i])) ++i;
  failed_raw_ = in_.substr(start, i - start);
  pos_ = i < in_.size() ? end_of_line(i) : in_.size();
}

bool csv_scanner::next_aligned(csv_record& out) {
  const std::size_t n = in_.size();
  for (;;) {
    std::size_t i = pos_;
    while (i < n && is_blank(in_[i])) ++i;
    if (i >= n) {
      pos_ = n;
      return false;
    }
    if (!is_line_end(in_[i])) break;
    pos_ = end_of_line(i);
    ++blank_lines_;
  }
  const std::size_t start = pos_;
  out.lines = 1;
  std::size_t i = pos_;
  for (;;) {
    while (i < n && is_blank(in_[i])) ++i;
    if (i >= n || is_line_end(in_[i])) break;
    const std::size_t token = i;
    while (i < n && !is_blank(in_[i]) && !is_line_end(in_[i])) ++i;
    out.fields.emplace_back(in_.data() + token, i - token);
  }
  out.raw = in_.substr(start, i - start);
  pos_ = i < n ? end_of_line(i) : n;
  return true;
}

namespace {

// Positions of every quote in text (empty when there is none: the common, fast case).
std::vector<std::size_t> quote_positions(std::string_view text) {
  std::vector<std::size_t> quotes;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const void* hit = std::memchr(p, '"', static_cast<std::size_t>(end - p));
    if (hit == nullptr) break;
    const char* q = static_cast<const char*>(hit);
    quotes.push_back(static_cast<std::size_t>(q - text.data()));
    p = q + 1;
  }
  return quotes;
}

bool inside_quotes(const std::vector<std::size_t>& quotes, std::size_t pos) noexcept {
  const auto before = std::lower_bound(quotes.begin(), quotes.end(), pos) - quotes.begin();
  return (before & 1) != 0;
}

}  // namespace

std::vector<std::size_t> split_records(std::string_view text, std::size_t parts) {
  std::vector<std::size_t> starts{0};
  if (parts < 2 || text.empty()) return starts;
  const std::vector<std::size_t> quotes = quote_positions(text);
  for (std::size_t k = 1; k < parts; ++k) {
    std::size_t at = std::max(text.size() * k / parts, starts.back() + 1);
    for (; at < text.size(); ++at) {
      if (!is_line_end(text[at]) || inside_quotes(quotes, at)) continue;
      if (text[at] == '\r' && at + 1 < text.size() && text[at + 1] == '\n') ++at;
      break;
    }
    if (at + 1 >= text.size()) break;
    starts.push_back(at + 1);
  }
  return starts;
}

std::size_t last_record_end(std::string_view text) noexcept {
  // Without quotes (most blocks) the last line end is the answer: no count over the block.
  const bool quotes = std::memchr(text.data(), '"', text.size()) != nullptr;
  bool outside = !quotes || std::count(text.begin(), text.end(), '"') % 2 == 0;
  for (std::size_t i = text.size(); i-- > 0;) {
    const char ch = text[i];
    if (ch == '"') {
      outside = !outside;
    } else if (outside && ch == '\n') {
      return i + 1;
    } else if (outside && ch == '\r' && i + 1 < text.size()) {
      // A CR at the very end may be the first half of a CRLF split across reads.
      return i + 1;
    }
  }
  return 0;
}

}  // namespace crm::io
