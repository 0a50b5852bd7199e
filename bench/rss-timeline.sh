#!/usr/bin/env bash
# When the server's memory peaks during a start (see bench/README.md, fifteenth session): starts a server build on a copy of a
# folder holding server.db (and the read-model snapshot beside it, if any), samples VmRSS and VmHWM every 100 ms for 12 s,
# marks when /history first answered 200, and prints the start-up's log lines about the snapshot and the verification.
#
#   bench/rss-timeline.sh DLL SEED_DIR [server arguments ...]
#
# SEED_DIR e.g. a folder where a first start of the same build wrote server.readmodel beside a copy of the 100,000-entry
# ledger that bench/startup.sh generates.
set -euo pipefail
[ $# -ge 2 ] && [ -f "$1" ] && [ -f "$2/server.db" ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
DLL="$1"; SEED="$2"; shift 2
BENCH_NAME=statuspage-rss-timeline
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA_DIR=""
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"
PORT="$(free_port)"
cp -r "$SEED"/. "$WORK/"
mkdir -p "$WORK/content"
printf 'name: Start-up benchmark\n' >"$WORK/content/site.yml"
t0=$(date +%s%3N)
dotnet "$DLL" --StatusPage:DataPath="$WORK/server.db" --StatusPage:ContentPath="$WORK/content" --urls "http://127.0.0.1:$PORT" \
  "$@" >"$WORK/log" 2>&1 &
pid=$!
served=0
for _ in $(seq 1 120); do
  now=$(( $(date +%s%3N) - t0 ))
  if [ "$served" = 0 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/history")" = 200 ]; then
    served=$now; echo "$now ms  history served"
  fi
  awk -v t="$now" '/VmRSS/ { r = $2 } /VmHWM/ { h = $2 } END { printf "%6d ms  VmRSS %4.0f MB  VmHWM %4.0f MB\n", t, r / 1024, h / 1024 }' \
    "/proc/$pid/status"
  sleep 0.1
done
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
grep -E 'snapshot|[Vv]erif|Routing warmed' "$WORK/log" | sed 's/^ *//' | cut -c1-200
