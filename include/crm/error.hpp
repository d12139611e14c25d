#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace crm {

/// Base of every exception thrown by crm-metrics (a std::runtime_error).
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a bad value was found: the function or file, the column, the 0-based row, the text.
/// Empty strings and row = -1 mean "not known".
struct input_location {
  std::string source;
  std::string column;
  std::int64_t row = -1;
  std::string value;
};

/// Input that violates a documented precondition (bad value, mismatched lengths, ...).
/// `what()` names the source, column, row and value; the parts are also kept separately.
class invalid_input : public error {
 public:
  /// `reason` is the human sentence ("score 11 is outside 0..10"); `where` locates it.
  invalid_input(const std::string& reason, input_location where);

  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }
  [[nodiscard]] const input_location& where() const noexcept { return where_; }

 protected:
  /// For derived errors that format their own message (e.g. `file:line:field: ...`).
  invalid_input(const std::string& message, const std::string& reason, input_location where);

 private:
  std::string reason_;
  input_location where_;
};

/// Throws invalid_input when two columns handed to `function` differ in length.
void require_same_length(const char* function, const char* column_a, std::size_t size_a,
                         const char* column_b, std::size_t size_b);

}  // namespace crm
