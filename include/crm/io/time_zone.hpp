#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace crm::io {

/// The zone that naive timestamps are read in and periods are cut in: UTC (the default, never
/// the machine's zone), a fixed offset, or an IANA zone from the system tz database.
/// Immutable and thread-safe; cheap to copy.
class time_zone {
 public:
  /// UTC.
  time_zone();

  /// Parses "UTC", "Z", "GMT", a fixed offset ("+08:00", "-0530", "+8", "UTC+8", "GMT-03:00")
  /// or an IANA name ("Asia/Shanghai", "Europe/Berlin"). Throws crm::invalid_input naming the
  /// text when it is none of these (IANA names are looked up in the system tz database).
  [[nodiscard]] static time_zone parse(std::string_view spec);

  /// A fixed offset east of UTC, in seconds (|offset| < 24 h).
  [[nodiscard]] static time_zone fixed(std::int32_t offset_seconds);

  /// Canonical name: "UTC", "+08:00", or the IANA name.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  /// True for UTC and fixed offsets (no daylight-saving rules).
  [[nodiscard]] bool is_fixed() const noexcept { return zone_ == nullptr; }

  /// Offset east of UTC, in seconds, in force at the UTC instant `utc_seconds`.
  [[nodiscard]] std::int32_t offset_at_utc(std::int64_t utc_seconds) const;

  /// Wall-clock seconds (since 1970-01-01T00:00 local) of a UTC instant.
  [[nodiscard]] std::int64_t to_local(std::int64_t utc_seconds) const;

  /// UTC instant of a wall-clock time. A wall time that does not exist (the hour skipped when
  /// clocks go forward) maps to the instant just after the gap, shifted by the gap's length;
  /// an ambiguous one (the hour repeated when clocks go back) maps to the earlier instant.
  [[nodiscard]] std::int64_t to_utc(std::int64_t local_seconds) const;

 private:
  struct iana;  // wraps date::time_zone; defined in time_zone.cpp
  std::string name_;
  std::int32_t fixed_offset_ = 0;
  std::shared_ptr<const iana> zone_;
};

}  // namespace crm::io
