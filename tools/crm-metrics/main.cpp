// crm-metrics: customer-management metrics from CRM exports. This file wires the commands;
// all reading and computing lives in the crm::io and crm::metrics libraries.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#if defined(__linux__) && defined(__GLIBC__)
#include <unistd.h>
#endif

#include "crm/io/input_error.hpp"
#include "crm/version.hpp"

#include "cli.hpp"

namespace {

int fail(const std::string& message, crm::io::exit_code code) {
  std::fprintf(stderr, "crm-metrics: %s\n", message.c_str());
  return static_cast<int>(code);
}

/// Large typed columns are first touched page by page; on Linux each 4 KiB page fault costs more
/// than parsing the bytes that fill it, and every fresh allocation is zeroed by the kernel again.
/// glibc (>= 2.35) backs large allocations with transparent huge pages when the tunable
/// glibc.malloc.hugetlb=1 is set, and keeps freed memory for reuse with high mmap and trim
/// thresholds, in one arena for all threads (memory one thread frees is reused by the others
/// rather than faulted in afresh: 10M-row W1 report 700 -> 665 MiB, system time 0.4 -> 0.15 s);
/// glibc reads tunables only at start-up, so the tool re-executes itself once with
/// them (docs/performance.md: W1 at 10M rows 7.3 s -> 3.0 s, peak memory +12 %). Nothing changes
/// when the user already set GLIBC_TUNABLES or CRM_NO_HUGEPAGES, when the inputs are small (see
/// small_inputs), or when the re-exec fails.
/// True when the arguments name input files (or directories of them) of under 256 KiB in all
/// and no standard input: then the re-exec (~7 ms) costs more than huge pages save (measured:
/// examples/data 25 -> 17 ms and the CDNOW summary, 60 KB, 30 -> 22 ms without it; the 2 MB
/// CDNOW_master 71 ms with it, 114 ms without).
bool small_inputs(int argc, char** argv) {
  namespace fs = std::filesystem;
  constexpr std::uintmax_t limit = 256 * 1024;
  std::uintmax_t bytes = 0;
  bool any = false;
  const auto add = [&](const fs::path& file) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    bytes += ec ? limit : size;
    any = true;
  };
  for (int i = 1; i < argc && bytes < limit; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-") return false;
    if (arg.empty() || arg.front() == '-') continue;
    std::error_code ec;
    const fs::file_status st = fs::status(argv[i], ec);
    if (ec) continue;
    if (fs::is_regular_file(st)) {
      add(argv[i]);
    } else if (fs::is_directory(st)) {
      for (const auto& entry : fs::directory_iterator(argv[i], ec)) {
        if (entry.is_regular_file(ec)) add(entry.path());
        if (bytes >= limit) break;
      }
    }
  }
  return any && bytes < limit;
}

void use_huge_pages(int argc, char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  constexpr const char* tunables =
      "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=4294967296:"
      "glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1";
  if (std::getenv("GLIBC_TUNABLES") != nullptr || std::getenv("CRM_NO_HUGEPAGES") != nullptr ||
      small_inputs(argc, argv)) {
    return;
  }
  if (setenv("GLIBC_TUNABLES", tunables, 0) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");  // exec failed: carry on without
#else
  (void)argc;
  (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  use_huge_pages(argc, argv);
  CLI::App app{"crm-metrics: customer-management metrics from CRM exports (CSV, JSON)",
               "crm-metrics"};
  app.set_version_flag("--version", std::string("crm-metrics ") + crm::version_string);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  crm-metrics report examples/data/orders.csv      every metric the export allows\n"
      "  crm-metrics report --format json -o r.json dir/  all exports of a directory, as JSON\n"
      "  crm-metrics rfm examples/data/orders.csv         per-customer RFM scores and segments\n"
      "  crm-metrics cohorts examples/data/orders.csv     cohort retention matrix\n"
      "  crm-metrics generate --customers 1000 -o o.csv   a realistic synthetic export\n"
      "  crm-metrics inspect examples/data/orders.csv     what is this export?\n"
      "  crm-metrics schema --lang zh                     recognised tables and header aliases\n"
      "  crm-metrics check --config kpis.json dir/        KPI scorecard; exit 1 warn, 2 alert\n"
      "  crm-metrics clv orders.csv                       BG/NBD + Gamma-Gamma CLV per customer\n"
      "Exit codes: 0 ok, 1 check: a KPI warns, 2 check: a KPI alerts, 64 usage, 65 bad input\n"
      "data, 66 missing input, 74 I/O error.\n"
      "Docs: docs/cli.md");
  crm::cli::add_report_command(app);
  crm::cli::add_check_command(app);
  crm::cli::add_rfm_command(app);
  crm::cli::add_cohorts_command(app);
  crm::cli::add_generate_command(app);
  crm::cli::add_inspect_command(app);
  crm::cli::add_schema_command(app);
  crm::cli::add_clv_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(crm::io::exit_code::usage);
  } catch (const crm::io::input_error& e) {
    return fail(e.what(), crm::io::exit_code::data);
  } catch (const crm::io::file_error& e) {
    return fail(e.what(), e.code());
  } catch (const crm::invalid_input& e) {
    return fail(e.what(), crm::io::exit_code::data);
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what(), crm::io::exit_code::io);
  }
  return crm::cli::completed_exit_code();
}

int& crm::cli::completed_exit_code() {
  static int code = 0;
  return code;
}
