#pragma once

// What the orders simulation of `generate` knows about its company, for the other tables.

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "crm/io/generate.hpp"

namespace crm::io::detail {

/// One simulated order.
struct simulated_order {
  day_t day = 0;
  std::uint32_t customer = 0;  ///< index into simulated_company::ids
  std::int64_t cents = 0;
};

/// The customers and orders of one simulation.
struct simulated_company {
  std::vector<std::uint64_t> ids;       ///< customer id per customer index
  std::vector<std::uint8_t> dropped;    ///< 1: the customer died inside the window (BG/NBD)
  std::vector<simulated_order> orders;  ///< in time order
};

/// Runs the orders simulation, writes the orders CSV to `sink`, and fills `company` if given.
generate_summary simulate(const generate_options& options,
                          const std::function<void(std::string_view)>& sink,
                          simulated_company* company);

}  // namespace crm::io::detail
