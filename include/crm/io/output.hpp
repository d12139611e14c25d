#pragma once

#include <string>
#include <string_view>

namespace crm::io {

/// Writes `content` to `path` atomically: into a temporary file in the same directory, flushed
/// with fsync, then renamed over `path`, so readers see the old or the new file, never a part.
/// "-" writes to standard output. Throws file_error (exit 74) when any step fails; the temporary
/// file is removed on failure.
void write_file_atomic(const std::string& path, std::string_view content);

/// A file written in pieces and published atomically: write() into a temporary file in the
/// target's directory, commit() fsyncs and renames it over the target. Destroyed without
/// commit(), the temporary file is removed. "-" streams to standard output (commit is a no-op).
/// Errors throw file_error (exit 74), as does write() after commit().
class atomic_file {
 public:
  /// Creates the temporary file `path`.tmp.XXXXXX (mode 0644 once committed).
  explicit atomic_file(std::string path);
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;
  ~atomic_file();

  /// Appends `bytes` (all of them: short writes and EINTR are retried).
  void write(std::string_view bytes);
  /// fsync, close, rename over the target; a second call does nothing.
  void commit();

 private:
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  bool done_ = false;
};

/// Columns a string occupies on a terminal: 2 for East Asian wide and full-width characters
/// (CJK, Hangul, full-width forms), 0 for combining marks, else 1 per code point.
[[nodiscard]] std::size_t display_width(std::string_view utf8) noexcept;

/// `text` padded with spaces on the right to `width` terminal columns.
[[nodiscard]] std::string pad_right(std::string_view text, std::size_t width);

}  // namespace crm::io
