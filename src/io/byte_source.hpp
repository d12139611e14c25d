#pragma once

// Private: where the reader's bytes come from: a file read in blocks, or a buffer in memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crm::io::detail {

/// A rewindable stream of bytes.
class byte_source {
 public:
  byte_source() = default;
  byte_source(const byte_source&) = delete;
  byte_source& operator=(const byte_source&) = delete;
  virtual ~byte_source() = default;
  /// Reads up to `max` bytes into `out`; returns how many (fewer only at the end, 0 there).
  virtual std::size_t read(char* out, std::size_t max) = 0;
  /// Starts again from the first byte.
  virtual void rewind() = 0;
  /// Total size when known (regular files, memory), else 0.
  [[nodiscard]] virtual std::uint64_t size_hint() const noexcept = 0;
};

/// A regular file, read with read(2) so the page cache is not mapped into our memory.
class file_source final : public byte_source {
 public:
  /// Opens `path`; throws file_error (66) when it cannot be opened or is a directory.
  explicit file_source(const std::string& path);
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;
  ~file_source() override;
  std::size_t read(char* out, std::size_t max) override;
  void rewind() override;
  [[nodiscard]] std::uint64_t size_hint() const noexcept override { return size_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// Bytes already in memory (standard input, transcoded text, tests).
class memory_source final : public byte_source {
 public:
  explicit memory_source(std::string_view bytes) noexcept : bytes_(bytes) {}
  std::size_t read(char* out, std::size_t max) override;
  void rewind() override { pos_ = 0; }
  [[nodiscard]] std::uint64_t size_hint() const noexcept override { return bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

/// Reads all of standard input; throws file_error (74) on a read error.
[[nodiscard]] std::string read_stdin();

/// Reads a whole file; throws file_error (66 / 74).
[[nodiscard]] std::string read_file(const std::string& path);

}  // namespace crm::io::detail
