#!/usr/bin/env bash
# Crisis-day reads (issue 15, bench/README.md): wrk on the home page with no writes, then the same while one incident update
# is posted per second through the write API, in the same run and on the same server, in turns: no writes, then --runs times
# (writes, no writes). Each run with writes is compared with the mean of the two runs without writes beside it (the page grows
# with every post). Reports req/s and p99 (medians), the ratios (medians over the runs), the posts' latency p50/p99 (all posts
# pooled), and PASS/OVER against:
#   reads under writes >= 0.9 x reads without, p99 under writes <= 2 x p99 without, post p99 <= 100 ms.
# Figures mean something only on a quiet machine (see CONVENTIONS.md): not while builds or tests run.
#
#   bench/crisis.sh [--duration 10] [--warmup 15] [--runs 3] [--connections 64] [--threads 2] [--no-build] [--strict]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10; warmup=15; runs=3; connections=64; threads=2; build=1; strict=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --strict) strict=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in wrk curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "installing wrk and curl (Debian packages)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk curl >/dev/null
    break
  fi
done

work=$(mktemp -d)
server_pid=""; poster_pid=""
cleanup() {
  [ -n "$poster_pid" ] && kill "$poster_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A token chosen by a person: the server records its hash in the ledger at start (Operators/AdminBootstrap.cs).
token="sp_crisis-bench-token-0123456789abcdefghijklmnop"
port=$((20000 + RANDOM % 30000))
base="http://127.0.0.1:$port"
[ "$build" = 1 ] && dotnet build StatusPage.Server -c Release -nologo -v quiet >/dev/null
STATUSPAGE_ADMIN_TOKEN="$token" dotnet StatusPage.Server/bin/Release/net10.0/StatusPage.Server.dll \
  --StatusPage:DataPath="$work/data/statuspage.db" --urls "$base" --Logging:LogLevel:Default=Warning >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do curl -sf "$base/api/v1/ledger/head" >/dev/null && break; sleep 0.5; done
curl -sf "$base/api/v1/ledger/head" >/dev/null || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }

post() { # path json -> prints the request's total time in ms, fails on a non-2xx answer
  curl -sf -o /dev/null -w '%{time_total}\n' -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "$2" "$base$1" | awk '{ printf "%.1f\n", $1 * 1000 }'
}
incident=$(curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$base/api/v1/incidents" \
  --data '{"title":"Crisis bench: ingestion errors","impact":"major","status":"investigating","body":"We are investigating.","components":{"ingestion-api":"partial_outage"}}' \
  | sed -E 's/.*"id":"([^"]+)".*/\1/')
[ -n "$incident" ] || { echo "could not open the bench incident"; exit 1; }

# One update a second, on the second, until killed; each post's latency goes to $1.
poster() {
  local n=0 next wait_ns
  next=$(date +%s%N)
  while true; do
    n=$((n + 1))
    post "/api/v1/incidents/$incident/updates" "{\"status\":\"identified\",\"body\":\"Update $n: still working on it.\"}" >>"$1" \
      || echo "post $n failed" >&2
    next=$((next + 1000000000)); wait_ns=$((next - $(date +%s%N)))
    if [ "$wait_ns" -gt 0 ]; then sleep "$(awk -v n="$wait_ns" 'BEGIN { printf "%.3f", n / 1e9 }')"; fi
  done
}

# wrk's "Requests/sec" and its 99th percentile in ms.
measure() {
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$base/" >"$work/wrk.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.2f", v }' "$work/wrk.txt")
  echo "$rps $p99"
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
percentile() { sort -g | awk -v p="$1" '{ a[NR] = $1 } END { i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; print a[i] }'; }

echo "warming up for ${warmup}s (wrk on /, one post)"
post "/api/v1/incidents/$incident/updates" '{"status":"identified","body":"Warm-up update."}' >/dev/null
wrk -t"$threads" -c"$connections" -d"${warmup}s" "$base/" >/dev/null

: >"$work/posts.txt"
# In turns, starting and ending with no writes: no writes, writes, no writes, ..., no writes. Each post adds an update to the
# open incident, which the home page shows with every update, so the page grows during a run with writes and a later run
# reads a larger page (15 posts cost ~10 % of req/s here). Each run with writes is therefore compared with the mean of the
# runs just before and after it, which read the page as it was when that run began and ended.
read -r rps p99 < <(measure)
echo "run 0, no writes:  $rps req/s, p99 $p99 ms"
echo "$rps" >>"$work/quiet-rps"; echo "$p99" >>"$work/quiet-p99"
before_rps=$rps; before_p99=$p99
for run in $(seq 1 "$runs"); do
  poster "$work/posts.txt" & poster_pid=$!
  read -r busy_rps_run busy_p99_run < <(measure)
  kill "$poster_pid" 2>/dev/null || true; wait "$poster_pid" 2>/dev/null || true; poster_pid=""
  echo "run $run, one post/s: $busy_rps_run req/s, p99 $busy_p99_run ms"
  echo "$busy_rps_run" >>"$work/busy-rps"; echo "$busy_p99_run" >>"$work/busy-p99"
  read -r rps p99 < <(measure)
  echo "run $run, no writes:  $rps req/s, p99 $p99 ms"
  echo "$rps" >>"$work/quiet-rps"; echo "$p99" >>"$work/quiet-p99"
  awk -v b="$busy_rps_run" -v x="$before_rps" -v y="$rps" 'BEGIN { printf "%.4f\n", b / ((x + y) / 2) }' >>"$work/rps-ratio"
  awk -v b="$busy_p99_run" -v x="$before_p99" -v y="$p99" 'BEGIN { printf "%.4f\n", b / ((x + y) / 2) }' >>"$work/p99-ratio"
  before_rps=$rps; before_p99=$p99
done

quiet_rps=$(median <"$work/quiet-rps"); quiet_p99=$(median <"$work/quiet-p99")
busy_rps=$(median <"$work/busy-rps"); busy_p99=$(median <"$work/busy-p99")
rps_ratio=$(median <"$work/rps-ratio"); p99_ratio=$(median <"$work/p99-ratio")
posts=$(wc -l <"$work/posts.txt")
post_p50=$(percentile 50 <"$work/posts.txt"); post_p99=$(percentile 99 <"$work/posts.txt")
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "PASS" : "OVER") }'; }
rps_ok=$(awk -v r="$rps_ratio" 'BEGIN { print (r >= 0.9) }')
p99_ok=$(awk -v r="$p99_ratio" 'BEGIN { print (r <= 2) }')
post_ok=$(awk -v p="$post_p99" 'BEGIN { print (p <= 100) }')

echo
echo "crisis bench: wrk -t$threads -c$connections -d${duration}s on /, $runs runs with writes between $((runs + 1)) without, $posts posts"
printf '  reads, no writes:    %s req/s, p99 %s ms (median of %s runs)\n' "$quiet_rps" "$quiet_p99" "$((runs + 1))"
printf '  reads, one post/s:   %s req/s, p99 %s ms (median of %s runs)\n' "$busy_rps" "$busy_p99" "$runs"
printf '  posts:               p50 %s ms, p99 %s ms\n' "$post_p50" "$post_p99"
printf '  %s  reads under writes >= 0.9 x reads without (%s: median over runs of writes / mean of the runs beside it)\n' \
  "$(verdict "$rps_ok")" "$(awk -v r="$rps_ratio" 'BEGIN { printf "%.2f", r }')"
printf '  %s  p99 under writes <= 2 x p99 without (%s, same pairing)\n' "$(verdict "$p99_ok")" \
  "$(awk -v r="$p99_ratio" 'BEGIN { printf "%.2f", r }')"
printf '  %s  post p99 <= 100 ms\n' "$(verdict "$post_ok")"
if [ "$strict" = 1 ] && [ "$rps_ok$p99_ok$post_ok" != 111 ]; then exit 1; fi
