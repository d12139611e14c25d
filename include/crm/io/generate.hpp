#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "crm/dates.hpp"

namespace crm::io {

/// Options of generate_orders (the `generate` command).
struct generate_options {
  std::uint64_t customers = 1000;  ///< customers simulated (all buy at least once)
  std::uint64_t seed = 42;
  day_t start = days_from_civil(2023, 1, 1);  ///< first day of the window
  std::int32_t days = 731;                    ///< window length
};

/// What was generated (printed on stderr by the command).
struct generate_summary {
  std::uint64_t customers = 0;  ///< customers with at least one order
  std::uint64_t rows = 0;
  std::int64_t revenue_cents = 0;
  day_t first = 0;
  day_t last = 0;
};

/// Simulates a realistic orders export (docs/cli.md "generate"): buy-till-you-die purchasing
/// (BG/NBD: purchase rates Gamma(r = 0.25, α = 4 weeks), dropout after each repeat purchase with
/// p ~ Beta(0.8, 2.4)), acquisition density growing from 1x to 2x over the window, gamma-gamma
/// spend (p = 6, q = 4, γ = 15: mean 30.00), rising customer ids with gaps, order ids rising with
/// time. Writes `customer_id,order_id,order_date,amount` CSV text to `sink` in chunks, rows sorted
/// by time. The same options give the same bytes (std::mt19937_64 and libstdc++'s
/// distributions). Throws invalid_input unless 1 <= customers <= 4294967295, days >= 1 and the
/// window lies within the years 0001 .. 9999; nothing is written then.
generate_summary generate_orders(const generate_options& options,
                                 const std::function<void(std::string_view)>& sink);

}  // namespace crm::io
