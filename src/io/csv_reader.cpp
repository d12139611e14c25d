#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "crm/error.hpp"
#include "crm/io/csv.hpp"
#include "crm/io/encoding.hpp"
#include "crm/io/input_error.hpp"

#include "reader_detail.hpp"

namespace crm::io::detail {
namespace {

constexpr std::size_t sniff_bytes = std::size_t{1} << 16;
constexpr std::size_t min_part_bytes = std::size_t{1} << 20;
constexpr std::size_t survey_sample_records = 1000;

bool starts_with_bom(std::string_view s) noexcept {
  return s.size() >= 3 && s[0] == '\xEF' && s[1] == '\xBB' && s[2] == '\xBF';
}

bool all_blank(std::span<const std::string_view> fields) noexcept {
  return std::all_of(fields.begin(), fields.end(),
                     [](std::string_view f) { return trim_blanks(f).empty(); });
}

// Result of scanning one part of a block with its own chunk_builder.
struct part_outcome {
  std::int64_t lines = 0;
  std::int64_t blank = 0;
  std::optional<std::size_t> bad_utf8;  ///< offset in the part of its first invalid byte
  std::exception_ptr crash;
};

// Reads the records of one part into `chunk`. Each record of a delimited file is first offered
// to chunk_builder::add_plain (plain cells converted straight from the bytes); the scanner reads
// the ones it refuses, and every record of a whitespace-aligned file.
void scan_part(std::string_view text, const csv_dialect& dialect, chunk_builder& chunk,
               part_outcome& out, bool stop_on_error) {
  try {
    const bool plain = !dialect.whitespace_aligned;
    const char* const s = text.data();
    const std::size_t n = text.size();
    csv_scanner scanner(text, dialect);
    csv_record record;
    std::int64_t line = 1;  // of the next record
    std::int64_t blank = 0;
    std::size_t pos = 0;
    while (pos < n) {
      if (plain) {
        if (s[pos] == '\n' || s[pos] == '\r') {  // a blank line
          pos += s[pos] == '\r' && pos + 1 < n && s[pos + 1] == '\n' ? 2 : 1;
          ++line;
          ++blank;
          continue;
        }
        if (const char* after = chunk.add_plain(s + pos, s + n, dialect.delimiter, line)) {
          pos = static_cast<std::size_t>(after - s);
          ++line;
          continue;
        }
      }
      scanner.seek(pos);
      const std::int64_t blank_before = scanner.blank_lines();
      // Blank lines the scanner skipped before the record.
      const auto skipped = [&] {
        const std::int64_t k = scanner.blank_lines() - blank_before;
        line += k;
        blank += k;
      };
      bool more = false;
      try {
        more = scanner.next(record);
      } catch (const crm::invalid_input& e) {
        skipped();
        const std::string_view raw = scanner.failed_raw();
        chunk.add_malformed(e.reason(), raw, line);
        line += 1 + std::count(raw.begin(), raw.end(), '\n');
        pos = scanner.offset();
        if (stop_on_error) break;
        continue;
      }
      skipped();
      pos = scanner.offset();
      if (!more) break;
      if (all_blank(record.fields)) {
        line += record.lines;
        blank += record.lines;
        continue;
      }
      chunk.add(record.fields, record.raw, line);
      line += record.lines;
      if (stop_on_error && chunk.error().set) break;
    }
    out.lines = line - 1;
    out.blank = blank;
  } catch (...) {
    out.crash = std::current_exception();
  }
}

class csv_pass {
 public:
  csv_pass(const std::string& name, byte_source& source, const read_options& options,
           bool check_utf8, bool forced_utf8)
      : name_(name),
        source_(source),
        options_(options),
        check_utf8_(check_utf8),
        forced_utf8_(forced_utf8) {}

  // Reads up to the first data record: BOM, dialect, header. Returns the header cells.
  std::vector<std::string> open(read_report& report);
  // Runs one pass over all data records, feeding `plan` into chunks; appends to `assembler`
  // (nullptr in a survey pass, whose evidence is summed into `evidence`).
  void run(const build_plan& plan, table_assembler* assembler,
           std::vector<order_evidence>* evidence, read_report& report);
  [[nodiscard]] const std::vector<std::vector<std::string>>& sample() const { return sample_; }

 private:
  bool fill();
  [[nodiscard]] std::string_view view() const noexcept;
  void validate(std::string_view text, std::int64_t line_base) const;
  // Throws for the invalid byte at `bad` of `text` (file offset `at`; `text` starts on line
  // `line_base`): not_utf8 while detecting, else an input_error naming the line.
  [[noreturn]] void throw_invalid_utf8(std::string_view text, std::size_t bad, std::uint64_t at,
                                       std::int64_t line_base) const;
  void start();

  const std::string& name_;
  byte_source& source_;
  const read_options& options_;
  bool check_utf8_;
  bool forced_utf8_;
  // The current block: bytes [0, size_) of a buffer allocated once (never zero-filled),
  // parsed from pos_; the unparsed tail moves to the front before the next read.
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::uint64_t offset_ = 0;  // file offset of buf_[0]
  csv_dialect dialect_;
  std::int64_t header_lines_ = 0;
  std::vector<std::vector<std::string>> sample_;
};

std::string_view csv_pass::view() const noexcept { return {buf_.get() + pos_, size_ - pos_}; }

bool csv_pass::fill() {
  if (eof_) return false;
  if (pos_ > 0) {  // keep only the unparsed tail
    std::memmove(buf_.get(), buf_.get() + pos_, size_ - pos_);
    offset_ += pos_;
    size_ -= pos_;
    pos_ = 0;
  }
  if (capacity_ - size_ < options_.block_bytes) {  // a record longer than a block: grow
    const std::size_t grown = std::max(capacity_ * 2, size_ + options_.block_bytes);
    auto bigger = std::make_unique_for_overwrite<char[]>(grown);
    std::memcpy(bigger.get(), buf_.get(), size_);
    buf_ = std::move(bigger);
    capacity_ = grown;
  }
  const std::size_t got = source_.read(buf_.get() + size_, options_.block_bytes);
  size_ += got;
  if (got < options_.block_bytes) eof_ = true;
  return got > 0;
}

void csv_pass::validate(std::string_view text, std::int64_t line_base) const {
  if (!check_utf8_) return;
  const std::optional<std::size_t> bad = find_invalid_utf8(text);
  if (bad) throw_invalid_utf8(text, *bad, offset_ + pos_ + *bad, line_base);
}

void csv_pass::throw_invalid_utf8(std::string_view text, std::size_t bad, std::uint64_t at,
                                  std::int64_t line_base) const {
  if (!forced_utf8_) throw not_utf8{static_cast<std::size_t>(at)};
  const auto line =
      line_base + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
  throw input_error("not valid UTF-8 at byte " + std::to_string(at) +
                        "; pass --encoding gb18030 if the file is GBK",
                    {name_, line, 0, {}});
}

void csv_pass::start() {
  source_.rewind();
  if (!buf_) {
    capacity_ = 2 * options_.block_bytes;
    buf_ = std::make_unique_for_overwrite<char[]>(capacity_);
  }
  size_ = 0;
  pos_ = 0;
  offset_ = 0;
  eof_ = false;
  fill();
  if (starts_with_bom(view())) pos_ = 3;
}

std::vector<std::string> csv_pass::open(read_report& report) {
  start();
  report.had_bom = pos_ == 3;
  while (!eof_ && last_record_end(view()) == 0) fill();
  std::string_view head = view();
  if (head.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw input_error("the file is empty", {name_, 0, 0, {}});
  }
  std::size_t sample_end = eof_ ? head.size() : last_record_end(head.substr(0, sniff_bytes));
  if (sample_end == 0) sample_end = eof_ ? head.size() : last_record_end(head);
  const std::string_view sample = head.substr(0, sample_end);
  validate(sample, 1);
  dialect_ = sniff_dialect(sample);
  if (options_.delimiter) {
    dialect_.delimiter = *options_.delimiter;
    dialect_.whitespace_aligned = *options_.delimiter == ' ';
  }
  if (options_.header) dialect_.has_header = *options_.header;
  report.dialect = dialect_;

  csv_scanner scanner(sample, dialect_);
  csv_record record;
  std::vector<std::string> headers;
  bool first = true;
  try {
    while (scanner.next(record) && sample_.size() < survey_sample_records) {
      std::vector<std::string> cells(record.fields.begin(), record.fields.end());
      if (first && dialect_.has_header) {
        headers = std::move(cells);
        report.header_text.assign(record.raw);
        header_lines_ = record.lines + scanner.blank_lines();
      } else {
        if (first) {
          for (std::size_t i = 0; i < cells.size(); ++i)
            headers.push_back("column_" + std::to_string(i + 1));
        }
        sample_.push_back(std::move(cells));
      }
      first = false;
    }
  } catch (const crm::invalid_input&) {
    // The malformed record is reported with its line by the full pass.
  }
  return headers;
}

void csv_pass::run(const build_plan& plan, table_assembler* assembler,
                   std::vector<order_evidence>* evidence, read_report& report) {
  start();
  if (dialect_.has_header) {  // skip the header record (it may span several blocks)
    while (!eof_ && last_record_end(view()) == 0) fill();
    csv_scanner scanner(view(), dialect_);
    csv_record record;
    scanner.next(record);
    pos_ += scanner.offset();
  }
  const unsigned threads =
      options_.threads != 0 ? options_.threads : std::max(1U, std::thread::hardware_concurrency());
  std::vector<chunk_builder> chunks;
  for (unsigned t = 0; t < std::min(threads, 16U); ++t) chunks.emplace_back(plan);
  std::int64_t line_base = header_lines_ + 1;
  bool reserved = false;
  for (;;) {
    const std::string_view rest = view();
    std::size_t end = eof_ ? rest.size() : last_record_end(rest);
    if (end == 0 && !eof_) {  // a record longer than a block: read more
      fill();
      continue;
    }
    const std::string_view text = rest.substr(0, end);
    // Parts of about min_part_bytes (their output stays in cache until it is appended), taken in
    // turn by the threads; each thread appends its part when the parts before it are in, so one
    // thread's append runs beside the others' parsing.
    const std::size_t part_bytes =
        std::clamp<std::size_t>(options_.block_bytes / 8, 256, min_part_bytes);
    const std::vector<std::size_t> starts =
        split_records(text, std::max<std::size_t>(1, text.size() / part_bytes));
    const bool stop = plan.policy == error_policy::fail;
    const auto part_text = [&](std::size_t k) {
      const std::size_t b = starts[k];
      const std::size_t e = k + 1 < starts.size() ? starts[k + 1] : text.size();
      return text.substr(b, e - b);
    };
    // In part order, under the lock: errors, counts, rejects, then the rows.
    const auto merge = [&](std::size_t k, chunk_builder& chunk, const part_outcome& outcome) {
      if (outcome.bad_utf8) {
        throw_invalid_utf8(part_text(k), *outcome.bad_utf8,
                           offset_ + pos_ + starts[k] + *outcome.bad_utf8, line_base);
      }
      if (outcome.crash) std::rethrow_exception(outcome.crash);
      if (chunk.error().set) throw_failure(chunk.error(), line_base, name_);
      report.blank_lines += outcome.blank;
      report.rows_read += chunk.rows_seen();
      if (evidence != nullptr) {
        for (std::size_t c = 0; c < evidence->size(); ++c) {
          (*evidence)[c].merge(chunk.columns()[c].evidence, line_base);
        }
      }
      if (assembler != nullptr) {
        collect_rejects(chunk, line_base, name_, report);
        assembler->append(chunk, line_base);
      }
      line_base += outcome.lines;
    };
    std::atomic<std::size_t> next{0};
    std::mutex turn_mutex;
    std::condition_variable turn;
    std::size_t merged = 0;
    bool failed = false;
    std::exception_ptr failure;
    const auto work = [&](chunk_builder& chunk) {
      for (;;) {
        const std::size_t k = next.fetch_add(1);
        if (k >= starts.size()) return;
        part_outcome outcome;
        const std::string_view part = part_text(k);
        if (check_utf8_) outcome.bad_utf8 = find_invalid_utf8(part);
        chunk.reset();
        if (!outcome.bad_utf8) scan_part(part, dialect_, chunk, outcome, stop);
        std::unique_lock lock(turn_mutex);
        turn.wait(lock, [&] { return merged == k || failed; });
        if (failed) return;
        try {
          merge(k, chunk, outcome);
        } catch (...) {
          failure = std::current_exception();
          failed = true;
        }
        merged = k + 1;
        turn.notify_all();
        if (failed) return;
      }
    };
    {
      const std::size_t helpers = std::min(chunks.size(), starts.size()) - 1;
      std::vector<std::jthread> workers;
      for (std::size_t t = 1; t <= helpers; ++t) {
        workers.emplace_back([&work, &chunks, t] { work(chunks[t]); });
      }
      work(chunks[0]);
    }
    if (failure) std::rethrow_exception(failure);
    if (assembler != nullptr && !reserved && !eof_ && source_.size_hint() > 0 && end > 0) {
      const double per_byte =
          static_cast<double>(assembler->rows()) / static_cast<double>(offset_ + pos_ + end);
      assembler->reserve(
          static_cast<std::size_t>(per_byte * static_cast<double>(source_.size_hint()) * 1.02) +
          64);
      reserved = true;
    }
    pos_ += end;
    if (eof_ && pos_ >= size_) break;
    fill();
  }
  report.lines = line_base - 1;
}

}  // namespace

std::vector<column> read_csv(const std::string& name, byte_source& source,
                             const read_options& options, bool check_utf8, bool forced_utf8,
                             header_mapping& mapping, read_report& report, line_marks_t& marks) {
  csv_pass pass(name, source, options, check_utf8, forced_utf8);
  const std::vector<std::string> headers = pass.open(report);
  build_plan plan = plan_columns(name, headers, options, options.zone, mapping);

  // Day/month order: survey the whole column when its sample holds day/month dates.
  std::vector<std::size_t> surveyed;
  for (std::size_t c = 0; c < plan.columns.size(); ++c) {
    column_plan& col = plan.columns[c];
    if (col.type != value_type::timestamp || col.order != date_order::automatic) continue;
    // Any day/month form in the sample (even one valid in a single order) makes the whole
    // column decide one order, so 12/13 and 13/12 in one column cannot both pass.
    for (const auto& row : pass.sample()) {
      const day_month_fit fit = c < row.size() ? classify_day_month(row[c]) : day_month_fit{};
      if (fit.mdy || fit.dmy) {
        col.survey = true;
        surveyed.push_back(c);
        break;
      }
    }
  }
  if (!surveyed.empty()) {
    build_plan survey = plan;
    survey.survey_only = true;
    std::vector<order_evidence> evidence(plan.columns.size());
    read_report scratch;
    pass.run(survey, nullptr, &evidence, scratch);
    for (const std::size_t c : surveyed) {
      const order_evidence& e = evidence[c];
      column_plan& col = plan.columns[c];
      if (e.mdy_only > 0 && e.dmy_only > 0) {
        throw input_error("dates mix day/month orders: line " + std::to_string(e.first_mdy_line) +
                              " is only valid as month/day/year, line " +
                              std::to_string(e.first_dmy_line) + " only as day/month/year",
                          {name, 0, static_cast<std::int64_t>(c) + 1, col.header});
      }
      if (e.mdy_only == 0 && e.dmy_only == 0) {
        throw input_error(
            "every date fits both day/month/year and month/day/year; pass "
            "--date-order mdy or --date-order dmy",
            {name, 0, static_cast<std::int64_t>(c) + 1, col.header});
      }
      col.order = e.mdy_only > 0 ? date_order::mdy : date_order::dmy;
      col.survey = false;
      report.date_orders.emplace_back(col.header, e.mdy_only > 0 ? "mdy" : "dmy");
    }
  }
  table_assembler assembler(plan);
  pass.run(plan, &assembler, nullptr, report);
  report.rows_ok = assembler.rows();
  report.rows_rejected = report.rows_read - report.rows_ok;
  marks = std::move(assembler.line_marks());
  return assembler.finish();
}

}  // namespace crm::io::detail
