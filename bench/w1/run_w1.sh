#!/bin/bash
# Race `crm-metrics report` against the W1 peers (pandas, R data.table, sqlite) on the same files,
# check that every W1 figure agrees, and print medians and ratios.
# Usage: bench/w1/run_w1.sh DATA_DIR [RUNS] [PEERS_DIR]
#   DATA_DIR   holds tx_1m.csv and tx_10m.csv (made with PEERS_DIR/gen_transactions.py)
#   RUNS       timed runs per command after one warm-up (default 3; medians are quoted)
#   PEERS_DIR  the peers' scripts (default ../shared/bench beside the repository)
# Needs: python3-pandas r-cran-data.table r-cran-jsonlite sqlite3 time, and a release build
# (cmake --preset release && cmake --build --preset release). SQLITE=0 skips sqlite (slow at 10M).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=$1
runs=${2:-3}
peers=${3:-$repo/../shared/bench}
crm=${CRM:-$repo/build/release/crm-metrics}
out=$data/out
mkdir -p "$out"

# shellcheck source=../median_of.sh
source "$here/../median_of.sh"

: > "$out/times.txt"
for s in 1m 10m; do
  f=$data/tx_$s.csv
  [ -f "$f" ] || { echo "missing $f (run $peers/gen_transactions.py)"; exit 66; }
  echo "## tx_$s.csv: $(stat -c %s "$f") bytes"
  median_of "$runs" "crm-$s" "$crm" report --format json -o "$out/crm_report_$s.json" "$f"
  median_of "$runs" "pandas-$s" /usr/bin/python3 "$peers/peer_pandas.py" "$f" "$out/pandas_$s.json"
  median_of "$runs" "datatable-$s" Rscript "$peers/peer_datatable.R" "$f" "$out/dt_$s.json"
  if [ "${SQLITE:-1}" = 1 ] && [ "$s" = 1m ]; then
    median_of "$runs" "sqlite-$s" "$peers/peer_sqlite.sh" "$f" "$out/sqlite_$s.json"
  fi
  /usr/bin/python3 "$here/to_w1.py" "$out/crm_report_$s.json" "$out/crm_$s.json"
  others=("$out/dt_$s.json")
  [ -f "$out/sqlite_$s.json" ] && [ "$s" = 1m ] && others+=("$out/sqlite_$s.json")
  /usr/bin/python3 "$peers/compare_outputs.py" "$out/pandas_$s.json" "$out/crm_$s.json" "${others[@]}" |
    grep -E "differences|^ +\\$" || true
done

echo "## ratios (peer median / crm median; crm peak / peer peak)"
awk '{ split($1, a, "-"); t[a[1] "-" a[2]] = $2; m[a[1] "-" a[2]] = $3 }
     END { for (s in t) { split(s, a, "-"); if (a[1] == "crm") continue;
             c = "crm-" a[2]; printf "%-14s time x%.1f  memory %.2f\n", s, t[s] / t[c], m[c] / m[s] } }' \
  "$out/times.txt" | sort
