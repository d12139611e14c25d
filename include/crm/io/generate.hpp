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

/// Where generate_company writes each table (CSV text in chunks); an empty function = not
/// wanted (the table is still drawn, so each table's bytes depend only on the options).
struct company_sinks {
  std::function<void(std::string_view)> orders, customers, surveys, tickets, leads, costs,
      retention_actions;
};

/// Rows written per table.
struct company_summary {
  generate_summary orders;
  std::uint64_t customers = 0, surveys = 0, tickets = 0, leads = 0, costs = 0,
                retention_actions = 0;
};

/// The orders of generate_orders (byte-identical for the same options) and, for the same
/// customers, every other table kind (docs/cli.md "generate"), headers in canonical names:
/// customers (created_at = first order, acquisition channel, region, churned_at = last order +
/// 90 days for customers the model lets die, when inside the window); surveys (wide: nps, csat,
/// ces, q_product, q_service, q_speed; 20 % of orders answered 1-7 days later, survivors
/// promote more); tickets (10 % of orders, response ~ Exp(2 h), resolution ~ Exp(24 h), open
/// when not resolved by the window's end, 25 % complaints); leads (every customer a won lead
/// 0-30 days before the first order, plus Poisson(1.5) lost or open leads each); costs (monthly
/// acquisition per channel = its new customers × 40/30/20/10/5, sales = new customers × 15,
/// marketing 1000, retention 500 and service 800, each ± 20 %); retention actions (a customer
/// with 2+ orders 60 days without an order: retained if ordering within 30 more days, else lost,
/// pending when undecided at the window's end). The tables come from their own random stream
/// seeded from the seed. Throws as generate_orders.
company_summary generate_company(const generate_options& options, const company_sinks& sinks);

}  // namespace crm::io
