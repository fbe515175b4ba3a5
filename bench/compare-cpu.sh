#!/usr/bin/env bash
# CPU per reading and throughput of each consumer ALONE, through one QoS 1 load (issue 21):
#   bench/compare-cpu.sh [rate] [seconds] [devices] [max-rate]
#   (defaults: 10000 readings/s for 30 s, 10000 devices; the as-fast-as-possible runs ask for 60000/s for 15 s)
# Fixed rate, each consumer alone on the box (with its broker): a minimal Node-RED threshold flow behind mosquitto,
# CityOps behind mosquitto, CityOps with its embedded broker; and, as the floor under the embedded edge, MQTTnet's server
# alone (bench/CityOps.Benchmarks bare-broker: every publish taken and counted, nothing else). Each gets the same load: one reading from every device
# (the warm-up), then the fixed rate for SETTLE s (default 15: code compiled and tiered up, caches filled) and for the
# counted window of [seconds] more. CPU is the process's own (utime + stime from /proc), from the start of the counted
# window to the moment it took its last reading, divided by the readings it took in that window; loss counts the whole run.
# As fast as possible, each alone behind mosquitto: a plain mosquitto_sub, Node-RED, CityOps (no settle).
# Needs: mosquitto + mosquitto-clients (apt), node + npm (Node-RED 4 is installed into bench/.node-red on first use;
# if that fails the Node-RED rows say so). Prints one table of ratios at the end. Takes about 6 minutes at the defaults.
# ONLY=nodered,cityops-mosquitto,cityops-embedded,mqttnet,fast limits the runs (default: all).
# FAST_SPLIT=1 runs the as-fast-as-possible comparison with the cores split: mosquitto and the load generator (its lean
# --raw publisher) on core 0, the consumer alone on core 1. Sharing two cores flat out, every µs a consumer spends is
# taken from the broker and the publisher, so the load itself shrinks with the consumer's cost; split, each consumer
# faces the same broker on its own core, and the question is whether it keeps up with what the broker delivers.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-10000}; seconds=${2:-30}; devices=${3:-10000}; max_rate=${4:-60000}; max_seconds=15; settle=${SETTLE:-15}
only=${ONLY:-nodered,cityops-mosquitto,cityops-embedded,mqttnet,fast}
wanted() { [[ ",$only," == *",$1,"* ]]; }
root=$PWD; work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 600); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
loadtest=(dotnet "$root/bench/CityOps.LoadTest/bin/Release/net10.0/CityOps.LoadTest.dll")
broker_core=(); consumer_core=()   # taskset prefixes (FAST_SPLIT)

[ -n "${NO_BUILD:-}" ] || dotnet build CityOps.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null   # NO_BUILD=1: use the last build
nodered_bin=bench/.node-red/node_modules/.bin/node-red
if [ ! -x "$nodered_bin" ]; then
  echo "installing Node-RED 4 into bench/.node-red ..."
  npm install --prefix bench/.node-red --no-audit --no-fund --loglevel=error node-red@4 >/dev/null 2>&1 || echo "Node-RED could not be installed: its rows are left out"
fi
have_nodered=$([ -x "$nodered_bin" ] && echo 1 || echo 0)

start_mosquitto() {
  broker=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\nmax_queued_messages 10000000\n' "$broker" > "$work/mosquitto.conf"
  "${broker_core[@]}" /usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & mosq=$!; pids+=($mosq)
  wait_port "$broker"
}

start_nodered() {
  nodered_port=$(free_port); rm -rf "$work/nodered"; mkdir -p "$work/nodered"
  sed -e "s/@BROKER_PORT@/$broker/" -e "s/@NODERED_PORT@/$nodered_port/" bench/compare/flows.json.template > "$work/nodered/flows.json"
  "${consumer_core[@]}" "$nodered_bin" -u "$work/nodered" -p "$nodered_port" "$work/nodered/flows.json" > "$work/nodered.log" 2>&1 & consumer=$!; pids+=($consumer)
  wait_port "$nodered_port"; sleep 3   # the flow connects and subscribes
  count() { curl -s "http://127.0.0.1:$nodered_port/count"; }
}

# start_cityops external|embedded
start_cityops() {
  api=$(free_port); local data="$work/cityops-$RANDOM"; mkdir -p "$data"
  local edge=(--CityOps:Mqtt:EmbeddedPort="$(free_port)")
  if [ "$1" = external ]; then edge=(--CityOps:Mqtt:Host=127.0.0.1 --CityOps:Mqtt:Port="$broker" --CityOps:Mqtt:ClientId="cityops-cpu-$RANDOM"); fi
  (cd "$data" && exec "${consumer_core[@]}" dotnet "$root/src/Api/bin/Release/net10.0/CityOps.Api.dll" --urls "http://127.0.0.1:$api" "${edge[@]}" \
    --CityOps:Devices:AutoProvisionBurst=1000000 --CityOps:Devices:MaxAutoProvisioned=10000000 \
    --CityOps:DataDir="$data" --CityOps:Cluster:SiloPort="$(free_port)" --CityOps:Cluster:GatewayPort="$(free_port)" \
    --Logging:LogLevel:Default=Warning > "$work/cityops.log" 2>&1) & consumer=$!; pids+=($consumer)
  wait_port "$api"
  cityops_broker=$broker
  if [ "$1" = embedded ]; then cityops_broker=${edge[0]#*=}; wait_port "$cityops_broker"; fi
  count() { curl -s "http://127.0.0.1:$api/metrics" | awk '/^cityops_ingest_readings_total /{printf "%d", $2}'; }
}

# Waits until count() stops growing for 5 s (the drain after the load).
# grown_at: when it last grew (the end of consumption, for rates); grown_cpu, grown_mosq: the consumer's and mosquitto's
# CPU ticks then, so the 5 s of waiting that ends the drain (an idle process, and this loop's own polling) is not counted.
drain() { local last=-1 now same=0; while [ $same -lt 50 ]; do now=$(count); if [ "$now" = "$last" ]; then same=$((same+1)); else same=0; last=$now; grown_at=$(date +%s.%N); grown_cpu=$(ticks "$consumer"); grown_mosq=$([ -n "${mosq:-}" ] && ticks "$mosq" || echo 0); fi; sleep 0.1; done; }

# measure NAME SETTLE LOAD-ARGS...: runs the load generator against the current consumer; after its warm-up and SETTLE
# more seconds, records readings and CPU of the consumer (and of mosquitto, when there is one) to the end of the drain.
measure() {
  local name=$1 wait_s=$2; shift 2
  "${broker_core[@]}" "${loadtest[@]}" "$@" > "$work/load-$name.log" 2>&1 & local load=$!
  until grep -q "warm-up:" "$work/load-$name.log" 2>/dev/null; do kill -0 $load 2>/dev/null || { cat "$work/load-$name.log" >&2; exit 1; }; sleep 0.1; done
  local na; na=$(count)
  sleep "$wait_s"
  local n0 c0 m0 t0; n0=$(count); c0=$(ticks "$consumer"); m0=$([ -n "${mosq:-}" ] && ticks "$mosq" || echo 0); t0=$(date +%s.%N)
  wait $load || true
  drain
  local n1 c1 m1 t1; n1=$(count); c1=$grown_cpu; m1=$grown_mosq; t1=$grown_at
  # Loss over the whole run: against CityOps the load generator's own count (sent, accepted); otherwise what the
  # broker acknowledged to the publisher against what the consumer counted.
  local published taken_all row
  row=$(grep -A1 " rate " "$work/load-$name.log" | tail -1 || true)
  if [ -n "$row" ]; then published=$(awk '{print $3}' <<< "$row"); taken_all=$(awk '{print $4}' <<< "$row");
  else published=$(grep -oE 'published [0-9]+' "$work/load-$name.log" | awk '{print $2}'); taken_all=$((n1 - na)); fi
  local lost=$(( published > taken_all ? published - taken_all : 0 ))
  echo "$name $((n1 - n0)) $published $lost $(( c1 - c0 )) $(( m1 - m0 )) $t0 $t1" >> "$work/results"
  echo "  $name: $((n1 - n0)) readings counted ($published published, $lost lost); consumer $(( c1 - c0 )) ticks, mosquitto $(( m1 - m0 )) ticks"
}

fixed=(--devices "$devices" --rate "$rate" --duration "$((seconds + settle))" --qos 1 --crossings 0)
fast=(--devices "$devices" --rate "$max_rate" --duration "$max_seconds" --qos 1 --crossings 0)
echo "fixed rate: $rate readings/s, $settle s to settle then $seconds s counted, QoS 1, $devices devices; each consumer alone"
if [ "$have_nodered" = 1 ] && wanted nodered; then
  start_mosquitto; start_nodered
  measure nodered "$((settle + 2))" --broker "127.0.0.1:$broker" --publish-only "${fixed[@]}"
  stop "$consumer"; stop "$mosq"; mosq=
fi
if wanted cityops-mosquitto; then
  start_mosquitto; start_cityops external
  measure cityops-mosquitto "$settle" --broker "127.0.0.1:$broker" --api "http://127.0.0.1:$api" "${fixed[@]}"
  stop "$consumer"; stop "$mosq"; mosq=
fi
if wanted cityops-embedded; then
  start_cityops embedded
  measure cityops-embedded "$settle" --broker "127.0.0.1:$cityops_broker" --api "http://127.0.0.1:$api" "${fixed[@]}"
  stop "$consumer"
fi
if wanted mqttnet; then
  bare=$(free_port)
  dotnet bench/CityOps.Benchmarks/bin/Release/net10.0/CityOps.Benchmarks.dll bare-broker "$bare" "$work/bare.count" > "$work/bare.log" 2>&1 & consumer=$!; pids+=($consumer)
  wait_port "$bare"
  count() { cat "$work/bare.count" 2>/dev/null || echo 0; }
  measure mqttnet "$settle" --broker "127.0.0.1:$bare" --publish-only "${fixed[@]}"
  stop "$consumer"
fi

if wanted fast; then
  echo "as fast as possible: $max_rate readings/s asked for $max_seconds s; each consumer alone behind mosquitto"
  if [ -n "${FAST_SPLIT:-}" ]; then
    echo "  cores split: mosquitto and the load generator (--raw) on core 0, the consumer on core 1"
    broker_core=(taskset -c 0); consumer_core=(taskset -c 1); fast+=(--raw)
  fi
  start_mosquitto
  "${consumer_core[@]}" mosquitto_sub -h 127.0.0.1 -p "$broker" -t 'city/+/+/telemetry' -q 1 -i "cpu-sub-$RANDOM" > "$work/sub.out" & consumer=$!; pids+=($consumer)
  sleep 1
  count() { wc -l < "$work/sub.out" | tr -d ' '; }
  measure fast-sub 2 --broker "127.0.0.1:$broker" --publish-only "${fast[@]}"
  stop "$consumer"; stop "$mosq"; mosq=
  if [ "$have_nodered" = 1 ]; then
    start_mosquitto; start_nodered
    measure fast-nodered 2 --broker "127.0.0.1:$broker" --publish-only "${fast[@]}"
    stop "$consumer"; stop "$mosq"; mosq=
  fi
  start_mosquitto; start_cityops external
  measure fast-cityops 0 --broker "127.0.0.1:$broker" --api "http://127.0.0.1:$api" "${fast[@]}"
  stop "$consumer"; stop "$mosq"; mosq=

fi

python3 - "$work/results" "$hz" "$rate" "$max_seconds" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, taken, published, lost, c, m, t0, t1 = line.split()
    rows[name] = dict(taken=int(taken), published=int(published or 0), lost=int(lost), cpu=int(c) / int(sys.argv[2]), mosq=int(m) / int(sys.argv[2]), secs=float(t1) - float(t0))
hz, rate, max_seconds = sys.argv[2:]
def us(name, with_broker=False):
    r = rows.get(name)
    if not r or r["taken"] == 0: return None
    return (r["cpu"] + (r["mosq"] if with_broker else 0)) * 1e6 / r["taken"]
print()
print(f"CPU per reading at {rate} readings/s, each consumer alone, after the settle (µs of CPU per reading counted; lost: whole run)")
print(f"{'consumer':<34}{'counted':>10}{'lost':>8}{'consumer µs':>13}{'mosquitto µs':>14}{'both µs':>10}")
for name, label in [("nodered", "Node-RED behind mosquitto"), ("cityops-mosquitto", "CityOps behind mosquitto"), ("cityops-embedded", "CityOps, embedded broker"),
                    ("mqttnet", "MQTTnet server alone (the floor)")]:
    r = rows.get(name)
    if not r: print(f"{label:<34}{'(not run)':>10}"); continue
    mq = r["mosq"] * 1e6 / r["taken"] if r["taken"] else 0
    print(f"{label:<34}{r['taken']:>10}{r['lost']:>8}{us(name):>13.1f}{mq:>14.1f}{us(name, True):>10.1f}")
print()
print(f"As fast as possible, each alone behind mosquitto ({max_seconds} s; rates over the time until the consumer took its last reading)")
print(f"{'consumer':<34}{'taken/s':>10}{'published/s':>13}")
for name, label in [("fast-sub", "mosquitto_sub"), ("fast-nodered", "Node-RED"), ("fast-cityops", "CityOps")]:
    r = rows.get(name)
    if r: print(f"{label:<34}{r['taken'] / r['secs']:>10.0f}{r['published'] / r['secs']:>13.0f}")
print()
print("Ratios (issue 21 targets)")
def ratio(label, a, b, target):
    print(f"  {label:<62}" + (f"{a / b:6.2f}   (target {target})" if a and b else "  n/a"))
nr, cm, ce = us("nodered"), us("cityops-mosquitto"), us("cityops-embedded")
nr_both = us("nodered", True)
ratio("CPU/reading, CityOps behind mosquitto ÷ Node-RED", cm, nr, "≤ 0.5")
ratio("CPU/reading, CityOps embedded ÷ (Node-RED + mosquitto)", ce, nr_both, "≤ 0.5")
ratio("  of which MQTTnet's server alone ÷ (Node-RED + mosquitto)", us("mqttnet"), nr_both, "the floor")
fs, fn, fc = (rows.get(k) for k in ("fast-sub", "fast-nodered", "fast-cityops"))
rate_of = lambda r: r["taken"] / r["secs"] if r else None
ratio("throughput alone, CityOps ÷ mosquitto_sub", rate_of(fc), rate_of(fs), "≥ 0.95")
ratio("throughput alone, CityOps ÷ Node-RED", rate_of(fc), rate_of(fn), "> 1")
PY
