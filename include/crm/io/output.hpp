#pragma once

#include <string>
#include <string_view>

namespace crm::io {

/// Writes `content` to `path` atomically: into a temporary file in the same directory, flushed
/// with fsync, then renamed over `path`, so readers see the old or the new file, never a part.
/// "-" writes to standard output. Throws file_error (exit 74) when any step fails; the temporary
/// file is removed on failure.
void write_file_atomic(const std::string& path, std::string_view content);

/// Columns a string occupies on a terminal: 2 for East Asian wide and full-width characters
/// (CJK, Hangul, full-width forms), 0 for combining marks, else 1 per code point.
[[nodiscard]] std::size_t display_width(std::string_view utf8) noexcept;

/// `text` padded with spaces on the right to `width` terminal columns.
[[nodiscard]] std::string pad_right(std::string_view text, std::size_t width);

}  // namespace crm::io
