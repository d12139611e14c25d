#include "crm/io/encoding.hpp"

#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "crm/error.hpp"

#include <iconv.h>

namespace crm::io {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::string_view utf16le_bom = "\xFF\xFE";
constexpr std::string_view utf16be_bom = "\xFE\xFF";
constexpr std::string_view gb18030_bom = "\x84\x31\x95\x33";  // U+FEFF in GB18030

unsigned char byte_at(std::string_view bytes, std::size_t i) noexcept {
  return static_cast<unsigned char>(bytes[i]);
}

// ---------------------------------------------------------------- errors

std::string hex_bytes(std::string_view bytes, std::size_t offset) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  constexpr std::size_t max_shown = 4;
  std::string text;
  for (std::size_t i = offset; i < bytes.size() && i < offset + max_shown; ++i) {
    if (!text.empty()) text += ' ';
    text += digits[byte_at(bytes, i) >> 4U];
    text += digits[byte_at(bytes, i) & 0x0FU];
  }
  return text;
}

// "not valid GB18030 at byte 12 (bytes 81 20 41 42)", located at `source`.
[[noreturn]] void throw_not_valid(std::string_view source, std::string_view name,
                                  std::string_view bytes, std::size_t offset) {
  std::string reason = "not valid " + std::string(name) + " at byte " + std::to_string(offset);
  if (offset < bytes.size()) reason += " (bytes " + hex_bytes(bytes, offset) + ")";
  throw invalid_input(reason, input_location{std::string(source), {}, -1, {}});
}

// ---------------------------------------------------------------- UTF-8

// Index of the first byte >= 0x80 at or after `i` (or bytes.size()), 8 bytes at a time.
std::size_t skip_ascii(std::string_view bytes, std::size_t i) noexcept {
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  const std::size_t n = bytes.size();
  while (n - i >= sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, sizeof word);
    if ((word & high_bits) != 0) break;
    i += sizeof word;
  }
  while (i < n && byte_at(bytes, i) < 0x80U) ++i;
  return i;
}

// Number of bytes >= 0x80, 8 bytes at a time.
std::size_t count_high_bytes(std::string_view bytes) noexcept {
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  std::size_t count = 0;
  std::size_t i = 0;
  for (; bytes.size() - i >= sizeof(std::uint64_t); i += sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, sizeof word);
    count += static_cast<std::size_t>(std::popcount(word & high_bits));
  }
  for (; i < bytes.size(); ++i) count += byte_at(bytes, i) >= 0x80U ? 1U : 0U;
  return count;
}

// Length of a multi-byte sequence led by `lead`, and the allowed range of its second byte
// (this range excludes overlongs, surrogates and code points above U+10FFFF).
struct lead_info {
  std::size_t length = 0;  // 0: `lead` never starts a sequence
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
};

constexpr lead_info classify_lead(unsigned char lead) noexcept {
  if (lead < 0xC2U) return {0, 0, 0};  // continuation byte, or C0/C1 (always overlong)
  if (lead < 0xE0U) return {2, 0x80, 0xBF};
  if (lead == 0xE0U) return {3, 0xA0, 0xBF};  // E0 80..9F: overlong
  if (lead == 0xEDU) return {3, 0x80, 0x9F};  // ED A0..BF: surrogates
  if (lead < 0xF0U) return {3, 0x80, 0xBF};
  if (lead == 0xF0U) return {4, 0x90, 0xBF};  // F0 80..8F: overlong
  if (lead < 0xF4U) return {4, 0x80, 0xBF};
  if (lead == 0xF4U) return {4, 0x80, 0x8F};  // F4 90..: above U+10FFFF
  return {0, 0, 0};                           // F5..FF
}

// Length of the valid multi-byte sequence at `i`, or 0 when it is invalid or cut off.
std::size_t sequence_length(std::string_view bytes, std::size_t i) noexcept {
  const lead_info info = classify_lead(byte_at(bytes, i));
  if (info.length == 0 || bytes.size() - i < info.length) return 0;
  const unsigned char second = byte_at(bytes, i + 1);
  if (second < info.low || second > info.high) return 0;
  for (std::size_t k = 2; k < info.length; ++k) {
    if ((byte_at(bytes, i + k) & 0xC0U) != 0x80U) return 0;
  }
  return info.length;
}

// The code point of the valid sequence of `length` bytes at `i`.
char32_t decode_valid(std::string_view bytes, std::size_t i, std::size_t length) noexcept {
  constexpr std::array<unsigned, 5> lead_mask = {0, 0x7FU, 0x1FU, 0x0FU, 0x07U};
  char32_t cp = byte_at(bytes, i) & lead_mask[length];
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6U) | (byte_at(bytes, i + k) & 0x3FU);
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  const auto put = [&out](char32_t value) { out.push_back(static_cast<char>(value)); };
  if (cp < 0x80U) {
    put(cp);
  } else if (cp < 0x800U) {
    put(0xC0U | (cp >> 6U));
    put(0x80U | (cp & 0x3FU));
  } else if (cp < 0x10000U) {
    put(0xE0U | (cp >> 12U));
    put(0x80U | ((cp >> 6U) & 0x3FU));
    put(0x80U | (cp & 0x3FU));
  } else {
    put(0xF0U | (cp >> 18U));
    put(0x80U | ((cp >> 12U) & 0x3FU));
    put(0x80U | ((cp >> 6U) & 0x3FU));
    put(0x80U | (cp & 0x3FU));
  }
}

// ---------------------------------------------------------------- UTF-16

bool is_high_surrogate(char32_t unit) noexcept { return unit >= 0xD800U && unit <= 0xDBFFU; }
bool is_low_surrogate(char32_t unit) noexcept { return unit >= 0xDC00U && unit <= 0xDFFFU; }

char32_t read_unit(std::string_view bytes, std::size_t i, bool little_endian) noexcept {
  const char32_t first = byte_at(bytes, i);
  const char32_t second = byte_at(bytes, i + 1);
  return little_endian ? (first | (second << 8U)) : ((first << 8U) | second);
}

// Decodes bytes[start..] (whole buffer kept so that error offsets count from its beginning).
void utf16_to_utf8(std::string_view bytes, std::size_t start, bool little_endian, std::string& out,
                   std::string_view source) {
  const std::string_view name = little_endian ? "UTF-16LE" : "UTF-16BE";
  const std::size_t n = bytes.size();
  out.reserve((n - start) / 2);
  std::size_t i = start;
  while (n - i >= 2) {
    char32_t cp = read_unit(bytes, i, little_endian);
    std::size_t used = 2;
    if (is_high_surrogate(cp)) {
      const bool paired = n - i >= 4 && is_low_surrogate(read_unit(bytes, i + 2, little_endian));
      if (!paired) throw_not_valid(source, name, bytes, i);
      const char32_t low = read_unit(bytes, i + 2, little_endian);
      cp = 0x10000U + ((cp - 0xD800U) << 10U) + (low - 0xDC00U);
      used = 4;
    } else if (is_low_surrogate(cp)) {
      throw_not_valid(source, name, bytes, i);
    }
    append_utf8(out, cp);
    i += used;
  }
  if (i != n) throw_not_valid(source, name, bytes, i);  // odd number of bytes
}

void append_utf16(std::string& out, char32_t cp, bool little_endian) {
  const auto put_unit = [&out, little_endian](char32_t unit) {
    const auto low = static_cast<char>(unit & 0xFFU);
    const auto high = static_cast<char>(unit >> 8U);
    out.push_back(little_endian ? low : high);
    out.push_back(little_endian ? high : low);
  };
  if (cp < 0x10000U) {
    put_unit(cp);
  } else {
    put_unit(0xD800U + ((cp - 0x10000U) >> 10U));
    put_unit(0xDC00U + ((cp - 0x10000U) & 0x3FFU));
  }
}

// `utf8` must be valid UTF-8.
std::string utf8_to_utf16(std::string_view utf8, bool little_endian) {
  std::string out;
  out.reserve(utf8.size() * 2);
  std::size_t i = 0;
  while (i < utf8.size()) {
    const std::size_t length = byte_at(utf8, i) < 0x80U ? 1 : sequence_length(utf8, i);
    append_utf16(out, decode_valid(utf8, i, length), little_endian);
    i += length;
  }
  return out;
}

// ---------------------------------------------------------------- iconv (GB18030)

class iconv_handle {
 public:
  iconv_handle(const char* to, const char* from) : handle_(iconv_open(to, from)) {
    if (handle_ == invalid()) {
      throw error("iconv_open(\"" + std::string(to) + "\", \"" + std::string(from) +
                  "\") failed: " + std::strerror(errno));
    }
  }
  iconv_handle(const iconv_handle&) = delete;
  iconv_handle& operator=(const iconv_handle&) = delete;
  ~iconv_handle() { iconv_close(handle_); }

  [[nodiscard]] iconv_t get() const noexcept { return handle_; }

 private:
  static iconv_t invalid() noexcept {
    return reinterpret_cast<iconv_t>(static_cast<std::intptr_t>(-1));
  }
  iconv_t handle_;
};

// Converts bytes[start..] with iconv, appending to `out`. Returns nullopt on success, else the
// offset in `bytes` where the input stopped being convertible.
std::optional<std::size_t> iconv_append(const iconv_handle& cd, std::string_view bytes,
                                        std::size_t start, std::string& out) {
  auto* in = const_cast<char*>(bytes.data() + start);  // iconv never writes through it
  std::size_t in_left = bytes.size() - start;
  std::size_t used = out.size();
  // Both ways a character grows by at most its number of bytes >= 0x80: GB18030 -> UTF-8
  // 1 -> 1, 2 -> 3, 4 -> 4; UTF-8 -> GB18030 1 -> 1, 2 -> 4, 3 -> 4, 4 -> 4. The E2BIG branch
  // is only a safety net.
  out.resize(used + in_left + count_high_bytes(bytes.substr(start)) + 16);
  while (in_left > 0) {
    char* dest = out.data() + used;
    std::size_t dest_left = out.size() - used;
    const std::size_t rc = iconv(cd.get(), &in, &in_left, &dest, &dest_left);
    used = static_cast<std::size_t>(dest - out.data());
    if (rc != static_cast<std::size_t>(-1)) break;
    if (errno != E2BIG) {
      out.resize(used);
      return static_cast<std::size_t>(in - bytes.data());
    }
    out.resize(used + 2 * in_left + 16);
  }
  out.resize(used);
  return std::nullopt;
}

std::size_t bom_length(std::string_view bytes, std::string_view bom) noexcept {
  return bytes.starts_with(bom) ? bom.size() : 0;
}

void convert_into(std::string_view bytes, encoding from, std::string& out,
                  std::string_view source) {
  switch (from) {
    case encoding::utf8: {
      if (const auto bad = find_invalid_utf8(bytes)) throw_not_valid(source, "UTF-8", bytes, *bad);
      out.append(bytes.substr(bom_length(bytes, utf8_bom)));
      return;
    }
    case encoding::utf16le:
    case encoding::utf16be: {
      // A BOM decides the byte order; without one the requested order is used.
      bool little = from == encoding::utf16le;
      if (bytes.starts_with(utf16le_bom)) little = true;
      if (bytes.starts_with(utf16be_bom)) little = false;
      const std::size_t start = bom_length(bytes, little ? utf16le_bom : utf16be_bom);
      utf16_to_utf8(bytes, start, little, out, source);
      return;
    }
    case encoding::gb18030: {
      const iconv_handle cd("UTF-8", "GB18030");
      if (const auto bad = iconv_append(cd, bytes, bom_length(bytes, gb18030_bom), out)) {
        throw_not_valid(source, "GB18030", bytes, *bad);
      }
      return;
    }
    case encoding::automatic:
      break;
  }
  throw invalid_input("convert_to_utf8: the encoding must be decided first (got 'auto')",
                      input_location{std::string(source), {}, -1, {}});
}

}  // namespace

std::string_view to_string(encoding e) noexcept {
  switch (e) {
    case encoding::automatic:
      return "auto";
    case encoding::utf8:
      return "utf-8";
    case encoding::utf16le:
      return "utf-16le";
    case encoding::utf16be:
      return "utf-16be";
    case encoding::gb18030:
      return "gb18030";
  }
  return "unknown";
}

std::optional<encoding> parse_encoding(std::string_view name) noexcept {
  struct alias {
    std::string_view name;
    encoding value;
  };
  static constexpr std::array<alias, 13> aliases = {{
      {"auto", encoding::automatic},
      {"utf-8", encoding::utf8},
      {"utf8", encoding::utf8},
      {"utf-8-sig", encoding::utf8},
      {"utf-16le", encoding::utf16le},
      {"utf-16be", encoding::utf16be},
      {"utf-16", encoding::utf16le},
      {"utf16", encoding::utf16le},
      {"gb18030", encoding::gb18030},
      {"gb-18030", encoding::gb18030},
      {"gbk", encoding::gb18030},
      {"gb2312", encoding::gb18030},
      {"cp936", encoding::gb18030},
  }};
  const auto lower = [](char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  };
  for (const alias& a : aliases) {
    if (a.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; same && i < name.size(); ++i) same = lower(name[i]) == a.name[i];
    if (same) return a.value;
  }
  return std::nullopt;
}

encoding_guess detect_encoding(std::string_view bytes) noexcept {
  if (bytes.starts_with(utf8_bom)) return {encoding::utf8, utf8_bom.size(), true};
  if (bytes.starts_with(utf16le_bom)) return {encoding::utf16le, utf16le_bom.size(), true};
  if (bytes.starts_with(utf16be_bom)) return {encoding::utf16be, utf16be_bom.size(), true};
  if (!find_invalid_utf8(bytes)) return {encoding::utf8, 0, false};
  return {encoding::gb18030, 0, false};
}

std::optional<std::size_t> find_invalid_utf8(std::string_view bytes) noexcept {
  std::size_t i = 0;
  while (true) {
    i = skip_ascii(bytes, i);
    if (i == bytes.size()) return std::nullopt;
    const std::size_t length = sequence_length(bytes, i);
    if (length == 0) return i;
    i += length;
  }
}

void convert_to_utf8(std::string_view bytes, encoding from, std::string& out,
                     std::string_view source) {
  out.clear();
  try {
    convert_into(bytes, from, out, source);
  } catch (...) {
    out.clear();  // never leave a partial conversion behind
    throw;
  }
}

std::string convert_from_utf8(std::string_view utf8, encoding to) {
  constexpr std::string_view source = "convert_from_utf8";
  if (const auto bad = find_invalid_utf8(utf8)) throw_not_valid(source, "UTF-8", utf8, *bad);
  switch (to) {
    case encoding::utf8:
      return std::string(utf8);
    case encoding::utf16le:
    case encoding::utf16be:
      return utf8_to_utf16(utf8, to == encoding::utf16le);
    case encoding::gb18030: {
      const iconv_handle cd("GB18030", "UTF-8");
      std::string out;
      if (const auto bad = iconv_append(cd, utf8, 0, out)) {
        throw invalid_input("character at byte " + std::to_string(*bad) + " (bytes " +
                                hex_bytes(utf8, *bad) + ") cannot be represented in GB18030",
                            input_location{std::string(source), {}, -1, {}});
      }
      return out;
    }
    case encoding::automatic:
      break;
  }
  throw invalid_input("the target encoding must not be 'auto'",
                      input_location{std::string(source), {}, -1, {}});
}

}  // namespace crm::io
