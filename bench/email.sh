#!/usr/bin/env bash
# Email send throughput against a local SMTP server (tools/smtp_sink.py, Debian's python3-aiosmtpd): N subscribers subscribe
# through the form and confirm through their links, then one incident is created and the time until N update emails have
# been accepted by the SMTP server is measured (emails per second). Not meaningful on a loaded machine.
# Usage: bench/email.sh [--subscribers 1000] [--connections 4]
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=1000; connections=4
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) subscribers=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-aiosmtpd >/dev/null; }

work=$(mktemp -d); server_pid=""; sink_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

/usr/bin/python3 tools/smtp_sink.py "$work/mail" > "$work/sink.port" & sink_pid=$!
for _ in $(seq 50); do [ -s "$work/sink.port" ] && break; sleep 0.2; done
smtp_port=$(cat "$work/sink.port")

dotnet build StatusPage.Server -c Release -nologo -v quiet >/dev/null
token="sp_bench-email-token-0123456789abcdefghijklmnopq"
port=$((20000 + RANDOM % 20000))
STATUSPAGE_ADMIN_TOKEN=$token dotnet StatusPage.Server/bin/Release/net10.0/StatusPage.Server.dll --urls "http://127.0.0.1:$port" \
  --StatusPage:DataPath="$work/statuspage.db" --StatusPage:PublicUrl="http://127.0.0.1:$port/" \
  --StatusPage:Email:SmtpHost=127.0.0.1 --StatusPage:Email:SmtpPort="$smtp_port" --StatusPage:Email:Security=none \
  --StatusPage:Email:From="Bench <bench@example.org>" --StatusPage:Email:Connections="$connections" \
  --StatusPage:Email:SubscribesPerTenMinutes=1000000 --StatusPage:RateLimits:WritesPerMinute=100000 > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done

echo "subscribing $subscribers addresses ..."
for i in $(seq "$subscribers"); do
  curl -fs -o /dev/null -d "email=reader$i@example.org&lang=en" "http://127.0.0.1:$port/subscriptions"
done
for _ in $(seq 600); do [ "$(ls "$work/mail" | grep -c '\.eml$')" -ge "$subscribers" ] && break; sleep 0.5; done
echo "confirming ..."
grep -ho "http://127.0.0.1:$port/subscriptions/confirm/[A-Za-z0-9_-]*" "$work"/mail/*.eml | sort -u | while read -r link; do
  curl -fs -o /dev/null -X POST "$link"
done
before=$(ls "$work/mail" | grep -c '\.eml$')

start=$(date +%s.%N)
curl -fs -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"title":"Bench incident","impact":"minor","status":"investigating","body":"Bench.","components":{"ingestion-api":"degraded_performance"}}' \
  "http://127.0.0.1:$port/api/v1/incidents"
target=$((before + subscribers))
while [ "$(ls "$work/mail" | grep -c '\.eml$')" -lt "$target" ]; do sleep 0.1; done
end=$(date +%s.%N)
/usr/bin/python3 -c "d=$end-$start; print(f'$subscribers update emails accepted in {d:.2f} s: {$subscribers/d:.0f} emails/s ($connections SMTP connections)')"
