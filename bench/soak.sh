#!/usr/bin/env bash
# Soak test: starts CityOps (Release, embedded broker, data in a temp folder, free loopback ports), runs
# bench/CityOps.LoadTest against it for a long time at a steady rate, and compares the first and the last
# window: latency (publish → evaluation), throughput, CPU, memory, threads, data folder. Exit code 1 when
# any QoS 1 reading was lost.
#
#   bench/soak.sh                                  # one hour at 5,000 readings/s over 10,000 devices
#   bench/soak.sh --duration 300 --rate 2000       # five minutes
#
# Options (or SOAK_* environment variables): --duration s (3600), --rate n/s (5000), --devices n (10000),
# --window s (60; the start and end samples), --crossings n/s (5; covers tilted past the red line, each on
# a fresh device, so cases and devices grow by design), --influx URL (unset: telemetry not stored),
# --keep (leave the temp folder and CityOps' log). SOAK_SKIP_BUILD=1 uses the binaries already built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration=${SOAK_DURATION:-3600} rate=${SOAK_RATE:-5000} devices=${SOAK_DEVICES:-10000}
window=${SOAK_WINDOW:-60} crossings=${SOAK_CROSSINGS:-5} influx=${SOAK_INFLUX_URL:-} keep=${SOAK_KEEP:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --crossings) crossings=$2; shift 2 ;;
    --influx) influx=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
middle=$((duration - 2 * window))
if [ "$middle" -lt 1 ]; then
  echo "--duration must be more than twice --window" >&2
  exit 2
fi

if [ -z "${SOAK_SKIP_BUILD:-}" ]; then
  dotnet build "$root/src/Api/CityOps.Api.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
  dotnet build "$root/bench/CityOps.LoadTest/CityOps.LoadTest.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
fi

work=$(mktemp -d -t cityops-soak-XXXXXX)
read -r http mqtt silo gateway < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
args=(--urls="http://127.0.0.1:$http" --CityOps:DataDir="$work/data" --CityOps:Mqtt:EmbeddedPort="$mqtt"
      --CityOps:Cluster:SiloPort="$silo" --CityOps:Cluster:GatewayPort="$gateway" --CityOps:Mqtt:ClientId=cityops-soak
      --CityOps:Devices:AutoProvisionBurst=1000000 --CityOps:Devices:MaxAutoProvisioned=10000000)  # its devices auto-provision: lift the per-node limits (docs/security.md)
[ -n "$influx" ] && args+=(--CityOps:Influx:Url="$influx")
(cd "$work" && exec env DOTNET_ENVIRONMENT=Production dotnet "$root/src/Api/bin/Release/net10.0/CityOps.Api.dll" "${args[@]}" >"$work/cityops.log" 2>&1) &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -n "$keep" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "CityOps exited:"; tail -40 "$work/cityops.log"; exit 1; }
  sleep 0.1
done

# One line of JSON: the process as /metrics and the kernel see it, and the data folder's size.
sample() {
  curl -fs "http://127.0.0.1:$http/metrics" | python3 -c '
import json, os, subprocess, sys
want = {"process_working_set_bytes", "process_private_memory_bytes", "dotnet_total_memory_bytes", "process_cpu_seconds_total",
        "process_num_threads", "cityops_ingest_readings_total", "cityops_cases_raised_total"}
values = {}
for line in sys.stdin:
    if line.startswith("#") or not line.strip():
        continue
    name, value = line.rsplit(" ", 1)
    base = name.split("{")[0]
    if base in want:
        values[base] = values.get(base, 0.0) + float(value)
pid, data = sys.argv[1], sys.argv[2]
values["rss_bytes"] = int(subprocess.run(["ps", "-o", "rss=", "-p", pid], capture_output=True, text=True).stdout.strip() or 0) * 1024
values["data_bytes"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(data) for f in fs)
print(json.dumps(values))' "$pid" "$work/data"
}

load() { # $1 = phase name, $2 = seconds
  echo "== $1: $2 s at $rate readings/s over $devices devices"
  dotnet "$root/bench/CityOps.LoadTest/bin/Release/net10.0/CityOps.LoadTest.dll" \
    --broker "127.0.0.1:$mqtt" --api "http://127.0.0.1:$http" --devices "$devices" --rate "$rate" \
    --duration "$2" --qos 1 --crossings "$crossings" --json "$work/$1.json" || true
}

began=$(date +%s)
load start "$window"
sample >"$work/start.sample"
load middle "$middle"
load end "$window"
sample >"$work/end.sample"
took=$(( $(date +%s) - began ))

python3 - "$work" "$took" "$rate" "$devices" <<'PY'
import json, sys
work, took, rate, devices = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
phases = {p: json.load(open(f"{work}/{p}.json"))["reports"][-1] for p in ("start", "middle", "end")}
s0, s1 = (json.load(open(f"{work}/{p}.sample")) for p in ("start", "end"))
lost = sum(r["Lost"] for r in phases.values())
sent = sum(r["Sent"] for r in phases.values())
print(f"\nsoak: {took} s at {rate} readings/s target over {devices} devices; {sent:,} QoS 1 readings sent, {lost} lost")
print(f"{'':24}{'start':>12}{'end':>12}{'growth':>10}")
def row(label, a, b, fmt="{:,.1f}", pct=True):
    growth = f"{(b - a) / a * 100:+.0f}%" if pct and a else ""
    print(f"{label:24}{fmt.format(a):>12}{fmt.format(b):>12}{growth:>10}")
a, b = phases["start"], phases["end"]
row("sustained readings/s", a["SustainedRate"], b["SustainedRate"], "{:,.0f}")
row("lag p50 ms", a["LagP50Ms"], b["LagP50Ms"])
row("lag p95 ms", a["LagP95Ms"], b["LagP95Ms"])
row("lag p99 ms", a["LagP99Ms"], b["LagP99Ms"])
row("case p99 ms", a["CaseP99Ms"] or 0, b["CaseP99Ms"] or 0)
row("cpu cores", a["CpuCores"], b["CpuCores"], "{:.2f}")
row("peak working set MB", a["PeakMemoryMb"], b["PeakMemoryMb"], "{:,.0f}")
mb = 1024 * 1024
row("working set MB", s0["process_working_set_bytes"] / mb, s1["process_working_set_bytes"] / mb, "{:,.0f}")
row("managed heap MB", s0["dotnet_total_memory_bytes"] / mb, s1["dotnet_total_memory_bytes"] / mb, "{:,.0f}")
row("threads", s0["process_num_threads"], s1["process_num_threads"], "{:,.0f}")
row("data folder MB", s0["data_bytes"] / mb, s1["data_bytes"] / mb, "{:,.1f}")
row("cases raised", s0.get("cityops_cases_raised_total", 0), s1.get("cityops_cases_raised_total", 0), "{:,.0f}", pct=False)
sys.exit(1 if lost else 0)
PY
