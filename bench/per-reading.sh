#!/usr/bin/env bash
# What CityOps spends per reading, in counts that depend little on what else runs on the machine (issue 21):
#   bench/per-reading.sh [embedded|external] [rate] [seconds] [devices]
#   (defaults: embedded broker, 5000 readings/s, a 30 s window, 10000 devices; QoS 1, no crossings)
# Starts its own CityOps (Release build, free loopback ports; `external` puts a mosquitto in front), runs the load
# generator for the window plus 15 seconds, and reads CityOps' /metrics once at each end of the window (the .NET
# runtime's own counters are there): per reading accepted in the window, bytes allocated, thread-pool work items, lock
# contentions, dispatcher rounds, context switches (all threads, from /proc) and CPU µs (this one does depend on load);
# then the CPU and the allocation one /metrics scrape costs with the city's devices active.
# STRACE=1 also counts CityOps' system calls per reading over 6 s after the window, the load still running (strace -c
# slows the process, so the readings come in bursts meanwhile: fewer wake-ups per reading than without it).
# PERF=1 also samples CityOps with `perf record` for 8 s after the window (JIT frames named through the runtime's perf map;
# PERF_OUT=FILE keeps the flat profile by symbol in FILE and by library in FILE.dso; PERF_CALLS=1 samples call chains
# too and writes what each function spends with its callees in FILE.children).
# NO_BUILD=1 uses the binaries already built; CITYOPS_BIN=DIR runs the CityOps.Api.dll in DIR instead (another build,
# for before/after alternation); CITYOPS_ENV="NAME=VALUE ..." sets variables for CityOps alone (e.g. DOTNET_gcServer=1);
# SETTLE=S waits S more seconds at the rate before the window (code compiled and tiered up: as compare-cpu.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
edge=${1:-embedded}; rate=${2:-5000}; seconds=${3:-30}; devices=${4:-10000}
root=$PWD; work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 600); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || dotnet build CityOps.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null

api=$(free_port); broker=$(free_port); cityops_edge=(--CityOps:Mqtt:EmbeddedPort="$broker")
if [ "$edge" = external ]; then
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\nmax_queued_messages 10000000\n' "$broker" > "$work/mosquitto.conf"
  /usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
  wait_port "$broker"
  cityops_edge=(--CityOps:Mqtt:Host=127.0.0.1 --CityOps:Mqtt:Port="$broker" --CityOps:Mqtt:ClientId="cityops-per-reading-$RANDOM")
fi
mkdir -p "$work/data"
(cd "$work/data" && exec env ${PERF:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} ${CITYOPS_ENV:-} dotnet "${CITYOPS_BIN:-$root/src/Api/bin/Release/net10.0}/CityOps.Api.dll" --urls "http://127.0.0.1:$api" "${cityops_edge[@]}" \
  --CityOps:Devices:AutoProvisionBurst=1000000 --CityOps:Devices:MaxAutoProvisioned=10000000 \
  --CityOps:DataDir="$work/data" --CityOps:Cluster:SiloPort="$(free_port)" --CityOps:Cluster:GatewayPort="$(free_port)" \
  --Logging:LogLevel:Default=Warning > "$work/cityops.log" 2>&1) & cityops=$!; pids+=($cityops)
wait_port "$api"; wait_port "$broker"
switches() { cat /proc/"$cityops"/task/*/status 2>/dev/null | awk '/ctxt_switches/{n += $2} END {print n}'; }
ticks() { awk '{print $14 + $15}' "/proc/$cityops/stat"; }
# One scrape: the counters this script divides, name value per line.
snapshot() {
  curl -s "http://127.0.0.1:$api/metrics" | awk -v s="$(switches)" -v t="$(ticks)" '
    /^cityops_ingest_readings_total / {print "readings", $2}
    /^cityops_ingest_rounds_total / {print "rounds", $2}
    /^system_runtime_dotnet_gc_heap_total_allocated / {print "allocated", $2}
    /^system_runtime_dotnet_thread_pool_work_item_count / {print "workitems", $2}
    /^system_runtime_dotnet_monitor_lock_contentions / {print "contentions", $2}
    /^system_runtime_dotnet_gc_collections/ {gcs += $2}
    /^system_runtime_dotnet_gc_pause_time / {print "pause", $2}
    END {print "gcs", gcs + 0; print "switches", s; print "ticks", t}'
}

dotnet bench/CityOps.LoadTest/bin/Release/net10.0/CityOps.LoadTest.dll --broker "127.0.0.1:$broker" --api "http://127.0.0.1:$api" \
  --devices "$devices" --rate "$rate" --duration $((seconds + ${SETTLE:-0} + 15)) --qos 1 --crossings 0 > "$work/load.log" 2>&1 & load=$!; pids+=($load)
until grep -q "devices active" "$work/load.log" 2>/dev/null; do kill -0 $load 2>/dev/null || { cat "$work/load.log" >&2; exit 1; }; sleep 0.2; done
sleep $((3 + ${SETTLE:-0}))   # past the warm-up's tail (and the settle)
snapshot > "$work/before"; t0=$(date +%s.%N)
sleep "$(echo "$seconds - ($(date +%s.%N) - $t0)" | bc)"
snapshot > "$work/after"; t1=$(date +%s.%N)
if [ -n "${STRACE:-}" ]; then
  s0=$(snapshot | awk '$1 == "readings" {print $2}')
  timeout -s INT 6 strace -c -f -p "$cityops" -o "$work/strace.txt" > /dev/null 2>&1 || true
  s1=$(snapshot | awk '$1 == "readings" {print $2}')
  echo "system calls per reading (strace -c over 6 s, $((${s1%.*} - ${s0%.*})) readings):"
  awk -v n="$((${s1%.*} - ${s0%.*}))" '$NF ~ /^(recvfrom|sendto|epoll_wait|futex|sendmsg|recvmsg|read|write)$/ {printf "  %-12s %6.2f\n", $NF, $4 / n}' "$work/strace.txt"
fi
if [ -n "${PERF:-}" ]; then
  perf record -F 999 ${PERF_CALLS:+-g} -p "$cityops" -o "$work/perf.data" -- sleep 8 > /dev/null 2>&1 || true
  [ -z "${PERF_OUT:-}" ] || cp "$work/perf.data" "$PERF_OUT.data"
  [ -z "${PERF_CALLS:-}" ] || perf report -i "$work/perf.data" --children --sort sym --percent-limit 1.5 --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' > "${PERF_OUT:-$work/perf.txt}.children"
  perf report -i "$work/perf.data" --no-children --sort dso,sym --percent-limit 0.3 --stdio 2>/dev/null | grep -E '^ +[0-9]' > "${PERF_OUT:-$work/perf.txt}"
  perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' > "${PERF_OUT:-$work/perf.txt}.dso"
  echo "profile: ${PERF_OUT:-$work/perf.txt}"
fi
wait $load || true
grep -A1 ' rate ' "$work/load.log" | tail -1

# What one /metrics scrape costs CityOps with the city active (the load generator scrapes once a second, and
# compare-cpu.sh every 0.1 s while it waits for the drain): 50 scrapes, process CPU before and after, less what the
# idle process spends meanwhile (measured over 5 s before).
i0=$(ticks); sleep 5; i1=$(ticks)
snapshot > "$work/scrape0"
m0=$(ticks); w0=$(date +%s.%N); for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$api/metrics"; done; m1=$(ticks); w1=$(date +%s.%N)
snapshot > "$work/scrape1"
scrape_ms=$(echo "scale=1; (($m1 - $m0) - ($i1 - $i0) * ($w1 - $w0) / 5) * 1000 / $(getconf CLK_TCK) / 50" | bc)
scrape_kb=$(awk '$1 == "allocated" {v[FILENAME] = $2} END {printf "%.0f", (v[ARGV[2]] - v[ARGV[1]]) / 51 / 1024}' "$work/scrape0" "$work/scrape1")

python3 - "$work/before" "$work/after" "$(echo "$t1 - $t0" | bc)" "$(getconf CLK_TCK)" "$edge" "$rate" "$scrape_ms" "$scrape_kb" <<'PY'
import sys
before, after, secs, hz, edge, rate, scrape_ms, scrape_kb = sys.argv[1:]
read = lambda path: {k: float(v) for k, v in (line.split() for line in open(path))}
b, a = read(before), read(after)
d = {k: a[k] - b[k] for k in a if k in b}
n = d.get("readings", 0)
print(f"{edge} edge, {rate} readings/s asked: {n:.0f} readings accepted in {float(secs):.1f} s ({n / float(secs):.0f}/s)")
if not n: sys.exit("no readings in the window")
for label, key, scale in [("allocated bytes", "allocated", 1), ("thread-pool work items", "workitems", 1),
                          ("lock contentions", "contentions", 1), ("context switches", "switches", 1),
                          ("CPU µs (load-dependent)", "ticks", 1e6 / int(hz))]:
    print(f"  {label + ' per reading':<44}" + (f"{d[key] * scale / n:10.2f}" if key in d else "       n/a"))
if "gcs" in d: print(f"  {'GC collections, GC pause (whole window)':<44}{d['gcs']:10.0f}{d.get('pause', 0):9.2f} s")
if d.get("rounds"): print(f"  {'readings per dispatcher round':<44}{n / d['rounds']:10.2f}")
print(f"  {'CPU ms per /metrics scrape (after the load)':<44}{float(scrape_ms):10.1f}")
print(f"  {'KB allocated per /metrics scrape':<44}{float(scrape_kb):10.0f}")
PY
