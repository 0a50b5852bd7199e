#!/usr/bin/env bash
# Start-up benchmark of the ledger (see bench/README.md). Builds what it needs, generates a 100,000-entry ledger through the
# real write path (reused on later runs), times LedgerService.Load() in fresh processes, then starts the real server on a
# copy of the same file and times its first answer. Ends with a summary against the budget: start-up <= 3 s, resident
# memory <= 300 MB.
#
#   bench/startup.sh [--force] [--entries N] [--runs N] [--dir DIR] [--strict] [--full]
#
#   --force        regenerate the ledger even if DIR/ledger-N.db exists
#   --entries N    ledger size (default 100000)
#   --runs N       fresh `load` processes to time (default 3)
#   --dir DIR      where the generated ledger is kept (default ${TMPDIR:-/tmp}/statuspage-bench, or $STATUSPAGE_BENCH_DIR)
#   --strict       exit 1 if a figure is over budget (default: exit 0 once everything was measured)
#   --full         the real server runs with StatusPage:ReadModelSnapshot=false: every start a full replay before serving.
#                  Without it (the server's default since the fifteenth session; `--snapshot` says the same), a first start
#                  writes the read-model snapshot, the measured start serves from it and verifies the chain in the
#                  background (issue 15); also reports when that ended
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

ENTRIES=100000
RUNS=3
FORCE=0
STRICT=0
SNAPSHOT=1
DATA_DIR="${STATUSPAGE_BENCH_DIR:-${TMPDIR:-/tmp}/statuspage-bench}"
BUDGET_MS=3000
BUDGET_MB=300

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    -f|--force) FORCE=1 ;;
    --entries) ENTRIES="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --dir) DATA_DIR="$2"; shift ;;
    --strict) STRICT=1 ;;
    --snapshot) SNAPSHOT=1 ;;
    --full) SNAPSHOT=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
BENCH_DLL="$ROOT/bench/LedgerBench/bin/Release/net10.0/LedgerBench.dll"
SERVER_DLL="$ROOT/StatusPage.Server/bin/Release/net10.0/StatusPage.Server.dll"
DB="$DATA_DIR/ledger-$ENTRIES.db"
[ "$ENTRIES" -lt 100000 ] && DB="$DATA_DIR/ledger-$ENTRIES-recent.db" # as bench/common.sh's prepare_ledger names it
WORK="$(mktemp -d "${TMPDIR:-/tmp}/statuspage-bench-run.XXXXXX")"
SCRATCH=""
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "$SCRATCH" ] && rm -rf "$SCRATCH"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# field NAME "RESULT a=1 b=2" -> value of NAME
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
kb_to_mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
verdict() { awk -v v="$1" -v b="$2" 'BEGIN { print (v <= b) ? "PASS" : "OVER" }'; }
proc_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
# CPU time (ms) the whole machine spent busy, from /proc/stat; with a process's own CPU time it tells how much else ran.
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))
machine_busy_ms() { awk -v t="$TICK_MS" '$1 == "cpu" { print ($2 + $3 + $4 + $7 + $8 + $9) * t; exit }' /proc/stat; }
proc_cpu_ms() { awk -v t="$TICK_MS" '{ sub(/^.*\) /, ""); print ($12 + $13) * t }' "/proc/$1/stat"; }
# others_cores BUSY_BEFORE BUSY_AFTER OWN_CPU_MS WALL_MS -> average number of cores used by other processes meanwhile
others_cores() { awk -v a="$1" -v b="$2" -v own="$3" -v wall="$4" 'BEGIN { v = (b - a - own) / wall; printf "%.2f", (v < 0 ? 0 : v) }'; }
MAX_OTHERS=0
note_others() { MAX_OTHERS="$(awk -v a="$MAX_OTHERS" -v b="$1" 'BEGIN { print (b > a) ? b : a }')"; }

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; return 1
}

http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 2 "http://127.0.0.1:$1$2" 2>/dev/null
  else
    # Plain HTTP/1.0 over bash's /dev/tcp; succeeds only on a 200.
    local reply
    reply="$(exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && timeout 2 cat <&3)" || return 1
    head -n1 <<<"$reply" | grep -q ' 200 ' || return 1
    sed '1,/^\r\{0,1\}$/d' <<<"$reply"
  fi
}

# wait_for_head PORT PID T0_MS -> prints "first=MS" (the first answer of any status, since T0_MS: the server answers 503
# while it replays) and then /api/v1/ledger/head once it answers 200; fails if PID exits or after 180 s.
# One python3 process polls (a refused connect costs nothing); a shell loop forking curl, date and sleep every 50 ms took
# about a third of a core from the server it was timing.
wait_for_head() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" "$2" "$3" <<'PY'
import http.client, os, socket, sys, time
port, pid, t0, deadline = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), time.monotonic() + 180
first = None
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/v1/ledger/head")
        response = connection.getresponse()
        body = response.read().decode()
        first = first or round(time.time() * 1000) - t0
        if response.status == 200:
            print(f"first={first}")
            print(body)
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.02)
sys.exit(1)
PY
    return
  fi
  local t0; t0="$(now_ms)"
  echo "first=?"
  while :; do
    if http_get "$1" /api/v1/ledger/head; then return 0; fi
    kill -0 "$2" 2>/dev/null || return 1
    [ $(( $(now_ms) - t0 )) -gt 180000 ] && return 1
    sleep 0.05
  done
}

echo "== StatusPage start-up benchmark: $ENTRIES entries, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) =="

# ---- 1. build (LedgerBench references StatusPage.Server, so this builds the server in Release too)
echo "-- building bench/LedgerBench (Release) ..."
built=0
for attempt in 1 2 3; do
  if dotnet build bench/LedgerBench -c Release -nologo -v quiet >"$WORK/build.log" 2>&1; then built=1; break; fi
  echo "   build attempt $attempt failed (another build may hold a file); last lines:"; tail -n 5 "$WORK/build.log" | sed 's/^/   | /'
  sleep $(( attempt * 10 ))
done
[ "$built" = 1 ] || { echo "build failed"; cat "$WORK/build.log"; exit 1; }
[ -f "$SERVER_DLL" ] || { echo "missing $SERVER_DLL after the build"; exit 1; }

# ---- 2. generate (or reuse) the ledger
mkdir -p "$DATA_DIR"
if [ "$FORCE" = 1 ] || [ ! -f "$DB" ]; then
  rm -f "$DB" "$DB.lock" "${DB%.db}-log.db"
  # One LiteDB transaction per command means one fsync per command: on a disk that is ~90 entries/s (~20 min for 100k),
  # on tmpfs ~1,500 entries/s. Same code path either way; the finished file is then copied to DATA_DIR.
  if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $(( ENTRIES * 4 )) ]; then
    SCRATCH="$(mktemp -d /dev/shm/statuspage-bench-gen.XXXXXX)"
  else
    SCRATCH="$(mktemp -d "$DATA_DIR/gen.XXXXXX")"
  fi
  echo "-- generating $ENTRIES entries through LedgerService.AppendAsync (in $SCRATCH) ..."
  gen_out="$(dotnet "$BENCH_DLL" generate --data "$SCRATCH/ledger.db" --entries "$ENTRIES" 2> >(sed 's/^/   /' >&2))"
  echo "$gen_out" | grep -v '^RESULT' | sed 's/^/   /'
  GEN_MS="$(field generate_ms "$(grep '^RESULT' <<<"$gen_out")")"
  [ -f "$SCRATCH/ledger-log.db" ] && cp "$SCRATCH/ledger-log.db" "${DB%.db}-log.db"
  cp "$SCRATCH/ledger.db" "$DB.partial" && mv "$DB.partial" "$DB"
  rm -rf "$SCRATCH"; SCRATCH=""
  sync
else
  GEN_MS=""
  echo "-- reusing $DB ($(du -m "$DB" | cut -f1) MB; --force to regenerate)"
fi

# ---- 3. LedgerService.Load() in fresh processes
echo "-- LedgerService.Load() in $RUNS fresh processes (LedgerBench load, Server GC like the server):"
load_ms=(); process_ms=(); rss_kb=(); hwm_kb=(); model_kb=()
for i in $(seq 1 "$RUNS"); do
  b0="$(machine_busy_ms)"; w0="$(now_ms)"
  out="$(dotnet "$BENCH_DLL" load --data "$DB")" || { echo "$out"; echo "load failed"; exit 1; }
  b1="$(machine_busy_ms)"; w1="$(now_ms)"
  echo "$out" >"$WORK/load-$i.txt"
  r="$(grep '^RESULT' <<<"$out")"
  [ "$(field verified "$r")" = True ] || { echo "$out"; echo "the ledger did not verify"; exit 1; }
  load_ms+=("$(field load_ms "$r")"); process_ms+=("$(field process_ms "$r")")
  rss_kb+=("$(field vmrss_kb "$r")"); hwm_kb+=("$(field vmhwm_kb "$r")"); model_kb+=("$(field model_kb "$r")")
  others="$(others_cores "$b0" "$b1" "$(field cpu_ms "$r")" $(( w1 - w0 )))"; note_others "$others"
  printf '   run %d: Load() %6s ms  (process start -> loaded %6s ms, GC paused %5s ms)  VmRSS %6s MB  VmHWM %6s MB  read model %6s MB  [other processes: %s cores]\n' \
    "$i" "$(field load_ms "$r")" "$(field process_ms "$r")" "$(field gc_pause_ms "$r")" "$(kb_to_mb "$(field vmrss_kb "$r")")" \
    "$(kb_to_mb "$(field vmhwm_kb "$r")")" "$(kb_to_mb "$(field model_kb "$r")")" "$others"
done
HEAD_SEQ="$(field entries "$r")"; HEAD_HASH="$(field head "$r")"
MED_LOAD="$(echo "${load_ms[*]}" | median)"
MED_PROCESS="$(echo "${process_ms[*]}" | median)"
MED_RSS="$(echo "${rss_kb[*]}" | median)"
MED_HWM="$(echo "${hwm_kb[*]}" | median)"
MED_MODEL="$(echo "${model_kb[*]}" | median)"
printf '   median: Load() %s ms, process start -> loaded %s ms, VmRSS %s MB, VmHWM %s MB; head %s %s\n' \
  "$MED_LOAD" "$MED_PROCESS" "$(kb_to_mb "$MED_RSS")" "$(kb_to_mb "$MED_HWM")" "$HEAD_SEQ" "${HEAD_HASH:0:16}"

# ---- 4. the real server on the same file (and, as a baseline, on a 20-entry ledger)
CONTENT="$WORK/content"
mkdir -p "$CONTENT"
# Declares nothing: ingestion appends no entry, so the start-up is replay + verification + the web host.
printf 'name: Start-up benchmark\n' >"$CONTENT/site.yml"

# run_server DATAFILE -> sets SERVER_MS, SERVER_RSS (at first answer), SERVER_RSS_IDLE (2 s later), SERVER_HWM, HEAD_JSON
run_server() {
  local port t0 b0 others
  port="$(free_port)"
  b0="$(machine_busy_ms)"
  t0="$(now_ms)"
  T0_DAY_MS=$(( t0 % 86400000 ))
  # UTC timestamps on the console log let us place "Ledger verified" (end of Load) and "Now listening" on the same clock.
  dotnet "$SERVER_DLL" --StatusPage:DataPath="$1" --StatusPage:ContentPath="$CONTENT" --urls "http://127.0.0.1:$port" \
    "--Logging:Console:TimestampFormat=HH:mm:ss.fff " --Logging:Console:UseUtcTimestamp=true \
    --StatusPage:ReadModelSnapshot=$([ "$SNAPSHOT" = 1 ] && echo true || echo false) \
    >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  HEAD_JSON=""
  if ! HEAD_JSON="$(wait_for_head "$port" "$SERVER_PID" "$t0")"; then
    echo "the server exited or gave no answer within 180 s:"; cat "$WORK/server.log"; exit 1
  fi
  FIRST_MS="$(head -n1 <<<"$HEAD_JSON" | sed 's/^first=//')"; HEAD_JSON="$(tail -n +2 <<<"$HEAD_JSON")"
  SERVER_MS=$(( $(now_ms) - t0 ))
  SERVER_RSS="$(proc_kb "$SERVER_PID" VmRSS)"; SERVER_HWM_SERVED="$(proc_kb "$SERVER_PID" VmHWM)"
  sleep 2
  SERVER_RSS_IDLE="$(proc_kb "$SERVER_PID" VmRSS)"
  if [ "$SNAPSHOT" = 1 ]; then
    # Started from a snapshot: the peak includes the background verification and the snapshot saved after it, so wait for
    # the save (or a failure), 180 s at most (under load the verification alone took 50 s).
    # A start at the snapshot's own head ("plus 0 later entries") saves none after verifying: then the verification's end.
    for _ in $(seq 1 1800); do
      grep -qE 'failed verification|Read-model snapshot saved|snapshot could not be saved' "$WORK/server.log" && break
      grep -q 'plus 0 later entries' "$WORK/server.log" && grep -q 'Background verification' "$WORK/server.log" && break
      sleep 0.1
    done
  fi
  SERVER_HWM="$(proc_kb "$SERVER_PID" VmHWM)"
  others="$(others_cores "$b0" "$(machine_busy_ms)" "$(proc_cpu_ms "$SERVER_PID")" $(( $(now_ms) - t0 )))"; note_others "$others"
  kill -TERM "$SERVER_PID"
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  grep -E 'Ledger verified|Content ingested|Content not ingested|verification failed|read-model snapshot|Background verification|Read-model snapshot|Routing warmed up' "$WORK/server.log" \
    | sed -e 's/^ *//' -e 's/^/   log: /' || true
  VERIFIED_AT="$(log_ms 'Ledger verified')"; LISTENING_AT="$(log_ms 'Now listening on')"
  printf '   since launch: "Ledger verified" (end of Load) logged at %s ms, "Now listening" at %s ms\n' \
    "${VERIFIED_AT:-?}" "${LISTENING_AT:-?}"
  BACKGROUND_AT="$(log_ms 'Background verification')"
  [ -n "$BACKGROUND_AT" ] && printf '   since launch: background verification of the whole chain ended at %s ms (budget 10000)\n' "$BACKGROUND_AT"
  echo "   /api/v1/ledger/head: $HEAD_JSON"
  printf '   first answer (503 "starting" or 200) after %s ms; history served (200) after %s ms\n' "$FIRST_MS" "$SERVER_MS"
  printf '   VmRSS %s MB at the first 200 (VmHWM %s MB then), %s MB 2 s later; VmHWM %s MB  [other processes: %s cores]\n' \
    "$(kb_to_mb "$SERVER_RSS")" "$(kb_to_mb "$SERVER_HWM_SERVED")" "$(kb_to_mb "$SERVER_RSS_IDLE")" "$(kb_to_mb "$SERVER_HWM")" "$others"
}

# log_ms PATTERN -> ms between the launch and the console log line of the first message matching PATTERN
log_ms() {
  local ts
  ts="$(grep -B1 -m1 -E "$1" "$WORK/server.log" | head -n1 | grep -oE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}')" || return 0
  awk -v ts="$ts" -v t0="$T0_DAY_MS" 'BEGIN { split(ts, a, /[:.]/); v = ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] - t0;
    if (v < -43200000) v += 86400000; print v }'
}

# Baseline: a 20-entry ledger that already has its operators, so the first-start admin bootstrap appends nothing either.
dotnet "$BENCH_DLL" generate --data "$WORK/baseline.db" --entries 20 >/dev/null 2>&1 || { echo "baseline generation failed"; exit 1; }
echo "-- real server, baseline: a 20-entry ledger (web host start-up alone)"
run_server "$WORK/baseline.db"
BASE_MS="$SERVER_MS"; BASE_RSS_IDLE="$SERVER_RSS_IDLE"; BASE_VERIFIED_AT="$VERIFIED_AT"
# The server gets a copy: any start-up write (content ingestion, first-start bootstrap) must not change the reused ledger.
cp "$DB" "$WORK/server.db"
if [ "$SNAPSHOT" = 1 ]; then
  echo "-- real server, first start with snapshots on (a full replay, then it writes the read-model snapshot)"
  run_server "$WORK/server.db"
fi
echo "-- real server: dotnet StatusPage.Server.dll --StatusPage:DataPath=<copy of $DB>$([ "$SNAPSHOT" = 1 ] && echo ' --StatusPage:ReadModelSnapshot=true')"
run_server "$WORK/server.db"
SERVER_SEQ="$(sed -n 's/.*"seq":\([0-9]*\).*/\1/p' <<<"$HEAD_JSON")"
if [ "$SERVER_SEQ" != "$HEAD_SEQ" ]; then
  echo "   WARNING: the server's head is entry $SERVER_SEQ, not $HEAD_SEQ: its start-up appended $(( SERVER_SEQ - HEAD_SEQ )) entries, and that is in its time."
fi

# ---- 5. summary
echo
echo "== Summary: $ENTRIES entries, budget start-up <= $(( BUDGET_MS / 1000 )) s and resident memory <= $BUDGET_MB MB =="
[ -n "$GEN_MS" ] && printf '   %-52s %8s ms   (not budgeted)\n' "generate (real write path, one transaction/command)" "$GEN_MS"
over=0
row() { # label value unit budget
  local v; v="$(verdict "$2" "$4")"; [ "$v" = OVER ] && over=1
  printf '   %-52s %8s %-3s %s  (budget %s)\n' "$1" "$2" "$3" "$v" "$4"
}
row "LedgerService.Load(), median of $RUNS" "$MED_LOAD" ms "$BUDGET_MS"
row "LedgerBench process start -> loaded, median" "$MED_PROCESS" ms "$BUDGET_MS"
row "LedgerBench VmRSS after load + full GC, median" "$(kb_to_mb "$MED_RSS")" MB "$BUDGET_MB"
row "LedgerBench VmHWM (peak), median" "$(kb_to_mb "$MED_HWM")" MB "$BUDGET_MB"
row "real server: start -> history served (first 200)" "$SERVER_MS" ms "$BUDGET_MS"
printf '   %-52s %8s ms   (503 "starting" while it replays; not budgeted)\n' "real server: start -> first answer" "$FIRST_MS"
row "real server: VmRSS 2 s after first answer" "$(kb_to_mb "$SERVER_RSS_IDLE")" MB "$BUDGET_MB"
row "real server: VmHWM (peak)" "$(kb_to_mb "$SERVER_HWM")" MB "$BUDGET_MB"
printf '   %-52s %8s ms   %s MB VmRSS  (web host alone, not budgeted)\n' "real server on a 20-entry ledger: first answer" "$BASE_MS" "$(kb_to_mb "$BASE_RSS_IDLE")"
if [ -n "$VERIFIED_AT" ] && [ -n "$BASE_VERIFIED_AT" ]; then
  printf '   %-52s %8s ms   (log time of "Ledger verified", minus the same on the baseline)\n' \
    "real server: Load() inside the server, about" "$(( VERIFIED_AT - BASE_VERIFIED_AT ))"
fi
printf '   %-52s %8s MB   (managed heap of the snapshot, LiteDB closed)\n' "read model alone, median" "$(kb_to_mb "$MED_MODEL")"
if awk -v m="$MAX_OTHERS" 'BEGIN { exit !(m > 0.25) }'; then
  echo "   NOTE: other processes used up to $MAX_OTHERS of the $(nproc) cores during a measurement: its times are inflated."
fi
if [ "$STRICT" = 1 ] && [ "$over" = 1 ]; then exit 1; fi
exit 0
