#pragma once

#include <cstdint>
#include <string>

#include "crm/error.hpp"

namespace crm::io {

/// Exit codes of the command line (sysexits.h), chosen by the kind of failure.
enum class exit_code : int {
  ok = 0,
  usage = 64,     ///< EX_USAGE: bad command line
  data = 65,      ///< EX_DATAERR: malformed input
  no_input = 66,  ///< EX_NOINPUT: an input file does not exist or cannot be opened
  io = 74,        ///< EX_IOERR: a read or write failed
};

/// Where in an input file a problem is: 1-based physical line and 1-based field (column)
/// number; 0 means unknown. `column_name` is the header of that field.
struct file_position {
  std::string file;
  std::int64_t line = 0;
  std::int64_t field = 0;
  std::string column_name;
};

/// Malformed input data in a file. what() reads
/// `file:line:field: reason (column 'name', value 'text')`, like a compiler diagnostic.
class input_error : public crm::invalid_input {
 public:
  input_error(const std::string& reason, file_position where, std::string value = {});

  [[nodiscard]] const file_position& position() const noexcept { return position_; }
  [[nodiscard]] const std::string& value() const noexcept { return value_; }

 private:
  file_position position_;
  std::string value_;
};

/// An input that cannot be opened (exit 66) or read / written (exit 74).
class file_error : public crm::error {
 public:
  file_error(const std::string& message, exit_code code);
  [[nodiscard]] exit_code code() const noexcept { return code_; }

 private:
  exit_code code_;
};

/// At most `max_bytes` of `text`, with control characters escaped, for quoting in a message.
[[nodiscard]] std::string quote_for_message(std::string_view text, std::size_t max_bytes = 60);

}  // namespace crm::io
