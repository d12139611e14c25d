#include "byte_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crm/io/input_error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crm::io::detail {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err, exit_code code) {
  throw file_error("cannot " + std::string(what) + " '" + path + "': " + std::strerror(err), code);
}

}  // namespace

file_source::file_source(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail(path, "open", errno, exit_code::no_input);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    ::close(fd_);
    fail(path, "stat", err, exit_code::io);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw file_error("cannot read '" + path + "': it is a directory", exit_code::no_input);
  }
  size_ = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
}

file_source::~file_source() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t file_source::read(char* out, std::size_t max) {
  std::size_t got = 0;
  while (got < max) {
    const ssize_t n = ::read(fd_, out + got, max - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path_, "read", errno, exit_code::io);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

void file_source::rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0) fail(path_, "rewind", errno, exit_code::io);
}

std::size_t memory_source::read(char* out, std::size_t max) {
  const std::size_t n = std::min(max, bytes_.size() - pos_);
  std::memcpy(out, bytes_.data() + pos_, n);
  pos_ += n;
  return n;
}

std::string read_stdin() {
  std::string all;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("-", "read", errno, exit_code::io);
    }
    if (n == 0) break;
    all.append(buf, static_cast<std::size_t>(n));
  }
  return all;
}

std::string read_file(const std::string& path) {
  file_source source(path);
  std::string all;
  constexpr std::size_t step = std::size_t{1} << 24;
  for (;;) {
    const std::size_t old = all.size();
    all.resize(old + step);
    const std::size_t got = source.read(all.data() + old, step);
    all.resize(old + got);
    if (got < step) return all;
  }
}

}  // namespace crm::io::detail
