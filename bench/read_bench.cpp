// Reads a file into typed columns with crm::io::read_table and prints the throughput.
// Usage: read_bench FILE [RUNS] [THREADS] [COMPACT]   (prints one line per run and the median;
// COMPACT 1 reads 32-bit columns where they fit, as the CLI does)
// Run it through bench/read_w1.sh, which also measures the floor and peak memory.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <span>
#include <vector>

#include "crm/io/reader.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: read_bench FILE [RUNS] [THREADS] [COMPACT]\n");
    return 64;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  crm::io::read_options options;
  options.threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 0;
  options.compact_integers = argc > 4 && std::atoi(argv[4]) != 0;
  std::vector<double> seconds;
  std::uint64_t bytes = 0;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const crm::io::read_result r = crm::io::read_table(argv[1], options);
    const auto t1 = std::chrono::steady_clock::now();
    seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    const crm::io::column* amount = r.data.find("amount");
    std::vector<std::int64_t> widened;
    const std::span<const std::int64_t> values =
        amount == nullptr ? std::span<const std::int64_t>() : amount->int64_values(widened);
    const std::int64_t total = std::accumulate(values.begin(), values.end(), std::int64_t{0});
    FILE* f = std::fopen(argv[1], "rb");
    std::fseek(f, 0, SEEK_END);
    bytes = static_cast<std::uint64_t>(std::ftell(f));
    std::fclose(f);
    std::printf("run %d: %.3f s, %.0f MB/s, rows=%zu customers=%zu revenue_e4=%lld\n", i + 1,
                seconds.back(), static_cast<double>(bytes) / seconds.back() / 1e6, r.data.rows,
                r.data.customer_key() ? r.data.customer_key()->distinct() : 0,
                static_cast<long long>(total));
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf("median: %.3f s = %.0f MB/s (threads=%u compact=%d)\n", median,
              static_cast<double>(bytes) / median / 1e6, options.threads,
              options.compact_integers ? 1 : 0);
  return 0;
}
