#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace crm::io {

/// Text encodings the readers understand. Everything is converted to UTF-8 before parsing.
enum class encoding : unsigned char {
  automatic,  ///< detect: UTF-8 BOM, UTF-16 BOM, valid UTF-8, else GB18030 (a superset of GBK)
  utf8,       ///< UTF-8 (a BOM, if present, is skipped)
  utf16le,    ///< UTF-16 little-endian (BOM optional when forced)
  utf16be,    ///< UTF-16 big-endian (BOM optional when forced)
  gb18030,    ///< GB18030 / GBK / GB2312 (Chinese Excel and Taobao exports)
};

/// "auto", "utf-8", "utf-16le", "utf-16be", "gb18030".
[[nodiscard]] std::string_view to_string(encoding e) noexcept;

/// Accepts the names above case-insensitively plus aliases: utf8, utf-8-sig, utf16, utf-16
/// (BOM decides the byte order), gbk, gb2312, cp936, gb-18030. nullopt for anything else.
/// utf16 / utf-16 give utf16le: convert_to_utf8 follows a BOM if present, else reads LE.
[[nodiscard]] std::optional<encoding> parse_encoding(std::string_view name) noexcept;

/// What detection decided, and how many bytes of BOM precede the text.
struct encoding_guess {
  encoding detected = encoding::utf8;
  std::size_t bom_bytes = 0;
  bool had_bom = false;
};

/// Decides the encoding of `bytes`: a UTF-8 BOM (EF BB BF) -> utf8; FF FE -> utf16le;
/// FE FF -> utf16be; else utf8 when the bytes are valid UTF-8; else gb18030.
/// Reads the whole buffer for the UTF-8 check (ASCII fast path), never copies.
[[nodiscard]] encoding_guess detect_encoding(std::string_view bytes) noexcept;

/// Byte offset of the first invalid UTF-8 sequence (overlongs, surrogates and code points
/// above U+10FFFF are invalid), or nullopt when `bytes` is valid UTF-8. A sequence cut off
/// by the end of the buffer is invalid. Fast: 8 bytes at a time over ASCII.
[[nodiscard]] std::optional<std::size_t> find_invalid_utf8(std::string_view bytes) noexcept;

/// The text of `bytes` in `from` (after its BOM, if any) converted to UTF-8, into `out`
/// (cleared first). For utf8 this validates and copies the bytes after the BOM.
/// Throws crm::invalid_input naming `source` and the byte offset of the first byte that is not
/// valid in `from` (e.g. "not valid GB18030 at byte 1234"). `from` must not be automatic.
/// Offsets count from the start of `bytes`, BOM included. For utf16le / utf16be a BOM, when
/// present, decides the byte order. On error `out` is left empty.
void convert_to_utf8(std::string_view bytes, encoding from, std::string& out,
                     std::string_view source);

/// Converts `utf8` text to `to` (for writing GBK output and for making test fixtures).
/// Throws crm::invalid_input when a character cannot be represented in `to`, when `utf8` is
/// not valid UTF-8, or when `to` is automatic. Writes no BOM.
[[nodiscard]] std::string convert_from_utf8(std::string_view utf8, encoding to);

}  // namespace crm::io
