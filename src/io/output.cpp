#include "crm/io/output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "crm/io/input_error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crm::io {
namespace {

// `what` is a literal so that building the arguments cannot clobber errno before it is read.
[[noreturn]] void fail(const char* what, const std::string& path, int err) {
  throw file_error(std::string("cannot ") + what + " '" + path + "': " + std::strerror(err),
                   exit_code::io);
}

void write_all(int fd, std::string_view content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write", path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
}

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes count as one column each.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const std::size_t len = b0 < 0x80 ? 1 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) {
    ++i;
    return b0;
  }
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

bool is_wide(char32_t cp) noexcept {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool is_combining(char32_t cp) noexcept {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF;
}

}  // namespace

atomic_file::atomic_file(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  tmp_ = path_ + ".tmp.XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) fail("create a temporary file for", path_, errno);
}

atomic_file::~atomic_file() {
  if (path_ == "-" || done_) return;
  if (fd_ >= 0) ::close(fd_);
  ::unlink(tmp_.c_str());
}

void atomic_file::write(std::string_view bytes) {
  if (done_) throw file_error("cannot write '" + path_ + "': already committed", exit_code::io);
  write_all(fd_, bytes, path_ == "-" ? std::string("standard output") : tmp_);
}

void atomic_file::commit() {
  if (path_ == "-" || done_) return;
  if (::fchmod(fd_, 0644) != 0 || ::fsync(fd_) != 0) fail("write", tmp_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close", tmp_, errno);
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    fail("rename a temporary file to", path_, errno);
  done_ = true;
}

void write_file_atomic(const std::string& path, std::string_view content) {
  atomic_file file(path);
  file.write(content);
  file.commit();
}

std::size_t display_width(std::string_view utf8) noexcept {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    width += is_combining(cp) ? 0U : is_wide(cp) ? 2U : 1U;
  }
  return width;
}

std::string pad_right(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

}  // namespace crm::io
