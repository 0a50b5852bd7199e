#!/usr/bin/env bash
# Two server builds' start-ups compared in turns on copies of one ledger (see bench/README.md, "Tenth session"): on this
# machine the same build's start-up drifts by ±0.5 s within an hour, so only runs taken in turns compare.
#
#   bench/startup-ab.sh --old DLL --new DLL [--runs N] [--full] [--ledger DB]
#
#   --old, --new   StatusPage.Server.dll of each build (e.g. a `git worktree` of the base, built in Release)
#   --runs N       runs of each, alternating (default 3)
#   --full         a full replay (the default start) instead of a start from the read-model snapshot
#   --ledger DB    the ledger to copy (default: the 100,000-entry one bench/startup.sh generates)
#
# Each run: a fresh copy of the ledger (and the snapshots each build wrote on a first start), `/history` polled every
# 50 ms; prints history served, the background verification's end (snapshot starts), VmHWM, and the snapshot read's log line.
set -euo pipefail
RUNS=3; FULL=0; OLD=""; NEW=""
LEDGER="${STATUSPAGE_BENCH_DIR:-${TMPDIR:-/tmp}/statuspage-bench}/ledger-100000.db"
while [ $# -gt 0 ]; do
  case "$1" in
    --old) OLD="$2"; shift ;;
    --new) NEW="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --full) FULL=1 ;;
    --ledger) LEDGER="$2"; shift ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
  shift
done
[ -f "$OLD" ] && [ -f "$NEW" ] && [ -f "$LEDGER" ] || { echo "need --old DLL, --new DLL and a ledger ($LEDGER): run bench/startup.sh first"; exit 2; }
BENCH_NAME=statuspage-startup-ab
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA_DIR=""
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"
PORT="$(free_port)"
SNAPSHOT=$([ "$FULL" = 1 ] && echo false || echo true)
mkdir -p "$WORK/seed" "$WORK/content"
printf 'name: Start-up benchmark\n' >"$WORK/content/site.yml"
cp "$LEDGER" "$WORK/seed/server.db"

# start DLL DATA -> the server's pid in SERVER_PID, its log in $WORK/log
start() {
  dotnet "$1" --StatusPage:DataPath="$2" --StatusPage:ContentPath="$WORK/content" --urls "http://127.0.0.1:$PORT" \
    --StatusPage:ReadModelSnapshot="$SNAPSHOT" >"$WORK/log" 2>&1 &
  SERVER_PID=$!
}
stop() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

if [ "$FULL" = 0 ]; then
  # A first start of each build writes its snapshot (after its full replay and verification), new first: the builds may
  # differ in the snapshot's format (the fifteenth session's binary one deletes a ".readmodel.json" when it writes).
  for dll in "$NEW" "$OLD"; do
    start "$dll" "$WORK/seed/server.db"
    until grep -qsE 'Read-model snapshot saved|snapshot could not be saved' "$WORK/log"; do
      kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/log"; exit 1; }; sleep 0.5
    done
    stop
  done
fi

run() { # LABEL DLL
  rm -rf "$WORK/run"; cp -r "$WORK/seed" "$WORK/run"
  local t0 served ended hwm
  t0=$(date +%s%3N)
  start "$2" "$WORK/run/server.db"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/history")" = 200 ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/log"; exit 1; }; sleep 0.05
  done
  served=$(( $(date +%s%3N) - t0 ))
  ended="-"
  if [ "$FULL" = 0 ]; then
    until grep -qsE 'Background verification|failed verification' "$WORK/log"; do sleep 0.05; done
    ended="$(( $(date +%s%3N) - t0 )) ms"
  fi
  hwm="$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")"
  stop
  printf '%-4s served %5d ms  verification ended %8s  VmHWM %s MB  | %s\n' "$1" "$served" "$ended" "$hwm" \
    "$(grep -oE 'in [0-9]+ ms \(the file read in [0-9]+ ms\)|Routing warmed up in [0-9]+ ms' "$WORK/log" | paste -sd ' ' -)"
}

echo "== start-up A/B: $([ "$FULL" = 1 ] && echo 'full replay' || echo 'snapshot start'), $RUNS runs each in turn, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) =="
for _ in $(seq 1 "$RUNS"); do
  run old "$OLD"
  run new "$NEW"
done
