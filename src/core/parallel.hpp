#pragma once

// Private: the one way the kernels and the report engine run work on several threads.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace crm::detail {

/// How many parts to cut `items` into for up to `threads` threads: at least one, and no part
/// under `min_items` (a thread is not worth starting for less).
[[nodiscard]] inline std::size_t parts_for(std::size_t threads, std::size_t items,
                                           std::size_t min_items = 65536) noexcept {
  return std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(items / min_items, 1));
}

/// Runs fn(0) .. fn(parts − 1), each on a thread of its own except the last, which runs on the
/// calling thread; returns when all are done and rethrows the first part's exception (in part
/// order). The parts must not write the same data.
template <typename Fn>
void on_threads(std::size_t parts, Fn&& fn) {
  std::vector<std::exception_ptr> failed(parts);
  {
    std::vector<std::jthread> others;
    for (std::size_t p = 0; p + 1 < parts; ++p) {
      others.emplace_back([&fn, &failed, p] {
        try {
          fn(p);
        } catch (...) {
          failed[p] = std::current_exception();
        }
      });
    }
    if (parts > 0) {
      try {
        fn(parts - 1);
      } catch (...) {
        failed[parts - 1] = std::current_exception();
      }
    }
  }
  for (const std::exception_ptr& e : failed) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace crm::detail
