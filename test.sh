#!/usr/bin/env bash
# Builds and runs every test project, installing what the tests need if it is missing.
# Ends with one plain line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# Real outside readers for the feed tests: Debian's feedparser (for /usr/bin/python3) and newsboat.
/usr/bin/python3 -c 'import feedparser' >/dev/null 2>&1 || need_apt+=(python3-feedparser)
# Ed25519 for tools/verify_ledger.py, the independent ledger verifier written from docs/LEDGER.md.
/usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1 || need_apt+=(python3-cryptography)
# A real SMTP server on loopback for the email subscription tests (Subscriptions/).
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need_apt+=(python3-aiosmtpd)
command -v newsboat >/dev/null 2>&1 || need_apt+=(newsboat)
# The provider report's PDF test reads Chromium's PDF back with pdftotext and pdfinfo, and renders its pages with pdftoppm.
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
# The static export is served by a real nginx (deploy/nginx.conf) with its pre-compressed .br siblings.
command -v nginx >/dev/null 2>&1 || need_apt+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || need_apt+=(libnginx-mod-http-brotli-static)
# And by a real Caddy (deploy/Caddyfile), run by the tests as `caddy run` on a loopback port (its systemd service is not used).
command -v caddy >/dev/null 2>&1 || need_apt+=(caddy)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} (Debian packages) ..."
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null || {
    echo "could not install ${need_apt[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

# The npm statuspage.io client, a real third-party reader of the v2 API, at the version its package-lock.json pins.
npm_client=tests/StatusPage.Tests.Http/StatusPageIo
if [ ! -d "$npm_client/node_modules/statuspage.io" ]; then
  echo "Installing the npm statuspage.io client ..."
  (cd "$npm_client" && npm ci --no-audit --no-fund --loglevel=error) || {
    echo "could not install the npm statuspage.io client"; echo "0 passed, 1 failed"; exit 1; }
fi

# npm's s3rver, a real S3-protocol server on loopback for the publish tests, at the version its package-lock.json pins.
s3rver=tests/StatusPage.Tests.Http/S3rver
if [ ! -d "$s3rver/node_modules/s3rver" ]; then
  echo "Installing npm s3rver ..."
  (cd "$s3rver" && npm ci --no-audit --no-fund --loglevel=error) || {
    echo "could not install npm s3rver"; echo "0 passed, 1 failed"; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$(pwd)/TestResults"
rm -rf "$results"

# With CI=true the restore is locked (Directory.Build.props): it must match the committed packages.lock.json files.
if ! dotnet restore StatusPage.slnx -v quiet; then
  echo "restore failed (with CI=true the packages must match packages.lock.json: run 'dotnet restore StatusPage.slnx'"
  echo "without CI=true and commit the updated lock files)"
  echo "0 passed, 1 failed"
  exit 1
fi

if ! dotnet build StatusPage.slnx -c Release -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# One project at a time, each with its own TRX file (parallel runs can overwrite each other's timestamped TRX names).
# A test still running after 5 minutes is a hang: the run is stopped and the hanging test named (no dump written).
status=0
for project in tests/StatusPage.Tests.*/StatusPage.Tests.*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --blame-hang-timeout 5m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  # Count test results only (the TRX summary carries an outcome attribute too).
  p=$(grep -oE '<UnitTestResult [^>]*outcome="Passed"' "$trx" | wc -l)
  f=$(grep -oE '<UnitTestResult [^>]*outcome="(Failed|Error|Timeout|Aborted)"' "$trx" | wc -l)
  passed=$((passed + p)); failed=$((failed + f))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the runner failed without a failing test (crash, build or time-out): count it
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
