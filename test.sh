#!/usr/bin/env bash
# Runs the whole CityOps test suite in two tiers: tests/CityOps.Tests (unit tests, grains on an Orleans
# test cluster; no server needed) and tests/CityOps.IntegrationTests (real mosquitto, influxd, PostgreSQL
# and CityOps processes on loopback, and the console in Debian's chromium).
# Installs what the tests need (Debian packages) when it is missing; the tests themselves
# start every server on a free loopback port with its data in a temp folder, and stop it.
# Ends with one line: "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto mosquitto-clients)
command -v influxd >/dev/null 2>&1 || [ -x /usr/bin/influxd ] || need+=(influxdb)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
# The console's browser tests drive Debian's chromium (never a browser Playwright downloads); a CJK font so
# the Chinese console is legible in their screenshots.
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} (Debian packages) ..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # The packages may try to start system services on their default ports; the tests never use them.
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

if ! dotnet build CityOps.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# Two tiers: the fast one needs no server; the integration one starts real servers and CityOps processes.
status=0
for tier in CityOps.Tests CityOps.IntegrationTests; do
  dotnet test "tests/$tier/$tier.csproj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$tier.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" "$@" || status=$?
done

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0)) + int(counters.get("inconclusive", 0))
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
exit $status
