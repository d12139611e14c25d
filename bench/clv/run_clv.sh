#!/bin/bash
# Race `crm-metrics clv` against lifetimes (and BTYD for Pareto/NBD) on the same synthetic RFM
# summaries, whole process, and print medians, peak memory, ratios and the fitted parameters of
# both, so a difference in speed is never a difference in answers.
# Usage: bench/clv/run_clv.sh DATA_DIR [RUNS] [PEERS_DIR]
#   DATA_DIR   gets syn_100k.csv and syn_1m.csv (made here with PEERS_DIR/clv/gen_rfm.py if absent)
#   RUNS       timed runs per command after one warm-up (default 5; medians are quoted)
#   PEERS_DIR  the peers' scripts (default ../shared/bench beside the repository)
# Needs: a release build (cmake --preset release && cmake --build --preset release), GNU time, and
# for the peers lifetimes + autograd on PYTHONPATH (see PEERS_DIR/clv/README.md). PEER=0 skips
# the peers; PEER_RUNS (default 1) times them fewer times, as they take minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=$1
runs=${2:-5}
peers=${3:-$repo/../shared/bench}
crm=${CRM:-$repo/build/release/crm-metrics}
out=$data/out
mkdir -p "$out"

# shellcheck source=../median_of.sh
source "$here/../median_of.sh"

: > "$out/times.txt"
for n in 100000 1000000; do
  s=$([ "$n" = 100000 ] && echo 100k || echo 1m)
  f=$data/syn_$s.csv
  [ -f "$f" ] || /usr/bin/python3 "$peers/clv/gen_rfm.py" "$n" "$f"
  echo "## syn_$s.csv: $n customers, $(stat -c %s "$f") bytes"
  # The workload of PERFORMANCE.md (fit, E[purchases] and P(alive) of every customer; ours also
  # the 12-month discounted CLV), summarised in the report; then the same with every customer's
  # predictions written as CSV.
  median_of "$runs" "crm-bgnbd+gg-$s" "$crm" clv --format json -o "$out/crm_bgnbd_$s.json" "$f"
  median_of "$runs" "crm-bgnbd+gg+csv-$s" "$crm" clv --customers "$out/crm_pred_$s.csv" \
    --format json -o "$out/crm_bgnbd_$s.json" "$f"
  median_of "$runs" "crm-pnbd-$s" "$crm" clv --model pnbd --customers "$out/crm_pnbd_pred_$s.csv" \
    --format json -o "$out/crm_pnbd_$s.json" "$f"
  if [ "${PEER:-1}" = 1 ]; then
    pr=${PEER_RUNS:-1}
    median_of "$pr" "lifetimes-bgnbd-$s" /usr/bin/python3 "$peers/clv/peer_lifetimes.py" bgnbd "$f" \
      "$out/lt_bgnbd_$s.json"
    median_of "$pr" "lifetimes-gg-$s" /usr/bin/python3 "$peers/clv/peer_lifetimes.py" gg "$f" \
      "$out/lt_gg_$s.json"
  fi
  /usr/bin/python3 - "$out" "$s" <<'PY'
import json, os, sys
out, s = sys.argv[1], sys.argv[2]
crm = json.load(open(f"{out}/crm_bgnbd_{s}.json"))
def ours(section):
    return {k: v["estimate"] for k, v in crm[section]["parameters"].items()}
print("crm       BG/NBD", ours("purchase_model"), "LL", crm["purchase_model"]["log_likelihood"])
print("crm       GG    ", ours("spend_model"))
for name in ("bgnbd", "gg"):
    p = f"{out}/lt_{name}_{s}.json"
    if os.path.exists(p):
        lt = json.load(open(p))
        print("lifetimes", name.ljust(6), lt["params"], "LL", lt.get("log_likelihood"))
PY
done

echo "## ratios: lifetimes BG/NBD + Gamma-Gamma (two processes) / crm (one process, both models)"
awk '{ t[$1] = $2 }
     END { for (s in t) { if (s !~ /^crm-bgnbd\+gg-/) continue; z = substr(s, 14); c = t["crm-bgnbd+gg+csv-" z];
             lt = t["lifetimes-bgnbd-" z] + t["lifetimes-gg-" z]; if (!lt) continue;
             printf "%-6s lifetimes %.2f s, crm %.3f s: x%.1f; crm with the CSV %.3f s: x%.1f\n", z, lt,
               t[s], lt / t[s], c, c ? lt / c : 0 } }' \
  "$out/times.txt" | sort
