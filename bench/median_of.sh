# Sourced by the bench scripts. median_of N LABEL COMMAND...: one warm-up run (when N > 1), N
# timed runs of COMMAND (output discarded); prints "LABEL median_s peak_MiB" and appends
# "LABEL median_s peak_KiB" to $out/times.txt. Needs GNU time at /usr/bin/time and bc.
median_of() {
  local n=$1 label=$2; shift 2
  [ "$n" -gt 1 ] && "$@" >/dev/null 2>&1
  local times=() mems=()
  for _ in $(seq "$n"); do
    local line
    line=$(/usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1)
    times+=("${line% *}"); mems+=("${line#* }")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (n + 1) / 2 ))p")
  m=$(printf '%s\n' "${mems[@]}" | sort -g | sed -n "$(( (n + 1) / 2 ))p")
  printf '%-22s %8.3f s %8.0f MiB\n' "$label" "$t" "$(echo "$m / 1024" | bc -l)"
  echo "$label $t $m" >> "$out/times.txt"
}
