#!/usr/bin/env bash
# Reading speed on the W1 files beside the physical floor, same session, same page cache.
# Usage: bench/read_w1.sh DATA_DIR [RUNS]
#   DATA_DIR holds tx_1m.csv and tx_10m.csv made by the shared generator:
#     python3 gen_transactions.py 430000 42 DATA_DIR/tx_1m.csv
#     python3 gen_transactions.py 4300000 42 DATA_DIR/tx_10m.csv
#   and scan_floor built from the shared floor/scan_floor.c (gcc -O3 -march=native).
# Needs: cmake --preset bench && cmake --build --preset bench; GNU time.
set -euo pipefail
data=$1
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=$here/build/bench/bench/read_bench
cli_tunables="glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=4294967296"
cli_tunables+=":glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1"
for s in 1m 10m; do
  f=$data/tx_$s.csv
  echo "## $s: $(stat -c %s "$f") bytes"
  cat "$f" > /dev/null
  if [ -x "$data/scan_floor" ]; then
    for _ in $(seq "$runs"); do /usr/bin/time -f "floor-parse %e s %M KiB" "$data/scan_floor" parse "$f" 2>&1 >/dev/null; done
  fi
  for t in 1 2; do
    /usr/bin/time -f "crm-read threads=$t whole process %e s %M KiB" "$bench" "$f" "$runs" "$t" | tail -1
  done
  # As the CLI reads: the glibc tunables it re-executes itself with for large inputs
  # (tools/crm-metrics/main.cpp: transparent huge pages, freed memory kept, one arena) and
  # compact 32-bit columns (read_options::compact_integers).
  for t in 1 2; do
    GLIBC_TUNABLES=$cli_tunables /usr/bin/time -f "crm-read (as the CLI) threads=$t whole process %e s %M KiB" \
      "$bench" "$f" "$runs" "$t" 1 | tail -1
  done
done
