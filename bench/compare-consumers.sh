#!/usr/bin/env bash
# Side by side, in one run on one box: what a plain mosquitto_sub, CityOps and a minimal Node-RED threshold flow
# (mqtt in -> function -> http request) each consume from the same QoS 1 load through one external mosquitto.
#   bench/compare-consumers.sh [rate] [seconds] [devices]      (defaults: 60000 readings/s asked, 30 s, 10000 devices)
# Needs: mosquitto + mosquitto-clients (apt), node + npm (Node-RED 4.x is installed into bench/.node-red on first use).
# Prints the readings each consumer received while the load ran (its sustained rate) and after a drain.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-60000}; seconds=${2:-30}; devices=${3:-10000}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 300); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

dotnet build CityOps.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
if [ ! -x bench/.node-red/node_modules/.bin/node-red ]; then
  echo "installing Node-RED 4 into bench/.node-red ..."
  npm install --prefix bench/.node-red --no-audit --no-fund --loglevel=error node-red@4 >/dev/null
fi

broker=$(free_port); api=$(free_port); nodered=$(free_port)
cat > "$work/mosquitto.conf" <<CONF
listener $broker 127.0.0.1
allow_anonymous true
max_inflight_messages 0
max_queued_messages 10000000
CONF
/usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
wait_port "$broker"

mosquitto_sub -h 127.0.0.1 -p "$broker" -t 'city/+/+/telemetry' -q 1 -i compare-sub > "$work/sub.out" & pids+=($!)

mkdir -p "$work/cityops"
(cd "$work/cityops" && exec dotnet "$OLDPWD/src/Api/bin/Release/net10.0/CityOps.Api.dll" --urls "http://127.0.0.1:$api" \
  --CityOps:Mqtt:Host=127.0.0.1 --CityOps:Mqtt:Port="$broker" --CityOps:Mqtt:ClientId=cityops-compare \
  --CityOps:Devices:AutoProvisionBurst=1000000 --CityOps:Devices:MaxAutoProvisioned=10000000 \
  --CityOps:DataDir="$work/cityops/data" --CityOps:Cluster:SiloPort="$(free_port)" --CityOps:Cluster:GatewayPort="$(free_port)" \
  --Logging:LogLevel:Default=Warning > "$work/cityops.log" 2>&1) & pids+=($!)
wait_port "$api"

mkdir -p "$work/nodered"
sed -e "s/@BROKER_PORT@/$broker/" -e "s/@NODERED_PORT@/$nodered/" bench/compare/flows.json.template > "$work/nodered/flows.json"
bench/.node-red/node_modules/.bin/node-red -u "$work/nodered" -p "$nodered" "$work/nodered/flows.json" > "$work/nodered.log" 2>&1 & pids+=($!)
wait_port "$nodered"
sleep 3  # the flow connects to the broker

count_sub() { echo "$(wc -l < "$work/sub.out" | tr -d ' ') $(date +%s.%N)"; }
count_cityops() { echo "$(curl -s "http://127.0.0.1:$api/metrics" | awk '/^cityops_ingest_readings_total /{printf "%d", $2}') $(date +%s.%N)"; }
count_nodered() { echo "$(curl -s "http://127.0.0.1:$nodered/count") $(date +%s.%N)"; }

dotnet bench/CityOps.LoadTest/bin/Release/net10.0/CityOps.LoadTest.dll --broker "127.0.0.1:$broker" --api "http://127.0.0.1:$api" \
  --devices "$devices" --rate "$rate" --duration "$seconds" --crossings 5 --json "$work/load.json" > "$work/load.log" 2>&1 &
load=$!
# The warm-up publishes one reading per device first; count from the moment the timed load starts.
until grep -q "warm-up:" "$work/load.log" 2>/dev/null; do
  kill -0 $load 2>/dev/null || { cat "$work/load.log"; exit 1; }
  sleep 0.2
done
# Each count carries the time it was taken, so a slow answer under load does not skew its consumer's rate.
s1=$(count_sub); c1=$(count_cityops); n1=$(count_nodered)
sleep "$seconds"
s2=$(count_sub); c2=$(count_cityops); n2=$(count_nodered)
if ! wait $load; then
  echo "the load generator failed:" >&2
  tail -30 "$work/load.log" >&2
  exit 1
fi
sleep 10
s3=$(count_sub); c3=$(count_cityops); n3=$(count_nodered)
sent=$(python3 -c "import json; print(sum(r['Sent'] for r in json.load(open('$work/load.json'))['reports']))")
python3 - "$rate" "$seconds" "$sent" "$s1" "$s2" "$s3" "$c1" "$c2" "$c3" "$n1" "$n2" "$n3" <<'PY2'
import sys
rate, seconds, sent = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = {}
for name, i in [("mosquitto_sub", 4), ("CityOps", 7), ("Node-RED", 10)]:
    (a, ta), (b, tb), (c, _) = [tuple(map(float, sys.argv[j].split())) for j in (i, i + 1, i + 2)]
    rows[name] = (b - a, (b - a) / (tb - ta), c - a)
print(f"load: {rate} readings/s asked for {seconds} s; {sent} sent and acknowledged by mosquitto (QoS 1)")
print(f"{'consumer':<14}{'during load':>13}{'per second':>12}{'after drain':>13}")
for name, (during, per_second, drained) in rows.items():
    print(f"{name:<14}{during:>13.0f}{per_second:>12.0f}{drained:>13.0f}")
sub, city, red = rows["mosquitto_sub"][1], rows["CityOps"][1], rows["Node-RED"][1]
print(f"CityOps / mosquitto_sub: {city / sub:.0%}; CityOps / Node-RED: {city / max(red, 1):.1f}x")
PY2
