#!/usr/bin/env bash
# Home page budgets (docs/DESIGN.md): bytes a first visit transfers, and dynamic throughput against nginx serving
# the same page pre-compressed (gzip_static), same machine, same wrk settings, same run.
# Usage: bench/throughput.sh [--duration 10] [--warmup 15] [--runs 3] [--connections 64] [--threads 2]
# Both servers are warmed up first (the .NET JIT recompiles hot code with full optimisation during the first seconds
# under load; a 2 s warm-up measured that transition, not the server), then measured in turns, app and nginx,
# --runs times; the ratio is taken on the medians.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10; warmup=15; runs=3; connections=64; threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done

for tool in nginx wrk curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "installing nginx and wrk (Debian packages)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk curl >/dev/null
    break
  fi
done

work=$(mktemp -d)
server_pid=""; nginx_started=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_started" ] && nginx -c "$work/nginx.conf" -s stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

app_port=5091; nginx_port=5092
dotnet build StatusPage.Server -c Release -nologo -v quiet >/dev/null
dotnet StatusPage.Server/bin/Release/net10.0/StatusPage.Server.dll --StatusPage:DataPath="$work/data/statuspage.db" \
  --urls "http://127.0.0.1:$app_port" --Logging:LogLevel:Default=Warning >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$app_port/api/v1/ledger/head" >/dev/null && break; sleep 0.5; done

home="http://127.0.0.1:$app_port/"
# What a first visit downloads: the HTML and every stylesheet and script it references, compressed as a browser asks.
html_br=$(curl -s -H 'Accept-Encoding: br, gzip' -o /dev/null -w '%{size_download}' "$home")
html_gz=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$home")
html_raw=$(curl -s -o "$work/index.html" -w '%{size_download}' "$home")
assets=0
for asset in $(grep -oE '(href|src)="[^"]+\.(css|js)"' "$work/index.html" | sed -E 's/^(href|src)="//; s/"$//'); do
  size=$(curl -s -H 'Accept-Encoding: br, gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$app_port/${asset#/}")
  echo "  asset $asset: $size bytes transferred"
  assets=$((assets + size))
done
total=$((html_br + assets))

# nginx serves the very same bytes, pre-compressed at the highest gzip level.
mkdir -p "$work/www"; cp "$work/index.html" "$work/www/index.html"; gzip -9 -k "$work/www/index.html"
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    gzip_static on;
    location / { index index.html; }
  }
}
NGINX
mkdir -p "$work/tmp"; nginx -c "$work/nginx.conf"; nginx_started=1
sleep 0.5

run() { wrk -t"$threads" -c"$connections" -d"${duration}s" -H 'Accept-Encoding: gzip' "$1" | awk '/Requests\/sec/ {print $2}'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
nginx_home="http://127.0.0.1:$nginx_port/"
for url in "$home" "$nginx_home"; do
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -H 'Accept-Encoding: gzip' "$url" >/dev/null
done
app_runs=""; nginx_runs=""
for _ in $(seq 1 "$runs"); do
  app_runs="$app_runs $(run "$home")"
  nginx_runs="$nginx_runs $(run "$nginx_home")"
done
app_rps=$(echo "$app_runs" | median)
nginx_rps=$(echo "$nginx_runs" | median)
ratio=$(awk -v a="$app_rps" -v n="$nginx_rps" 'BEGIN { printf "%.2f", a / n }')
echo
echo "home page HTML: $html_raw bytes raw, $html_gz gzip, $html_br brotli"
echo "first visit transfers $total bytes (HTML brotli + assets)  budget 20480: $([ "$total" -le 20480 ] && echo PASS || echo OVER)"
echo "wrk -t$threads -c$connections -d${duration}s, Accept-Encoding: gzip, after ${warmup}s of warm-up each, $runs runs in turns"
echo "StatusPage dynamic : $app_rps req/s (median of$app_runs)"
echo "nginx gzip_static  : $nginx_rps req/s (median of$nginx_runs)"
echo "ratio              : $ratio  (budget >= 0.80: $(awk -v r="$ratio" 'BEGIN { print (r >= 0.8) ? "PASS" : "OVER" }'))"
