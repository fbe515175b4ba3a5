#!/usr/bin/env bash
# How fast CityOps catches up after being away: it subscribes once (persistent session) and stops; N QoS 1 readings
# from D devices queue for it at an external mosquitto; it starts again and the script prints how many readings its
# device grains accepted, every second, until all are in.
#   bench/backlog-drain.sh [readings] [devices]        (defaults: 200000 readings from 10 devices)
# Needs mosquitto and mosquitto-clients (apt). Uses the Release build (dotnet build -c Release first).
set -euo pipefail
cd "$(dirname "$0")/.."
readings=${1:-200000}; devices=${2:-10}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
broker=$(free_port); http=$(free_port); silo=$(free_port); gateway=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\nmax_queued_messages 10000000\n' "$broker" > "$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
sleep 0.5

start_cityops() {
  (cd "$work" && exec dotnet "$OLDPWD/src/Api/bin/Release/net10.0/CityOps.Api.dll" --urls "http://127.0.0.1:$http" \
    --CityOps:Mqtt:Host=127.0.0.1 --CityOps:Mqtt:Port="$broker" --CityOps:Mqtt:ClientId=cityops-backlog \
    --CityOps:Devices:AutoProvisionBurst=1000000 --CityOps:Devices:MaxAutoProvisioned=10000000 \
    --CityOps:DataDir="$work/data" --CityOps:Cluster:SiloPort="$silo" --CityOps:Cluster:GatewayPort="$gateway" \
    --Logging:LogLevel:Default=Warning >> "$work/cityops.log" 2>&1) &
  city=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "CityOps did not become healthy:" >&2; tail -20 "$work/cityops.log" >&2; exit 1
}
accepted() { curl -s "http://127.0.0.1:$http/metrics" | awk '/^cityops_ingest_readings_total /{printf "%d", $2}'; }

start_cityops            # subscribes with a persistent session ...
kill "$city"; wait "$city" 2>/dev/null || true   # ... and goes away; the broker keeps the session

per_device=$((readings / devices))
python3 - "$per_device" > "$work/lines.txt" <<'PY'
import sys, time
start = int(time.time() * 1000) - 3_600_000
for i in range(int(sys.argv[1])):
    print('{"ts":%d,"seq":%d,"metrics":{"depth_cm":3}}' % (start + i * 10, i))
PY
publishers=()
for d in $(seq 1 "$devices"); do
  mosquitto_pub -h 127.0.0.1 -p "$broker" -q 1 -i "backlog-pub-$d" -t "city/waterlog/BL-$d/telemetry" -l < "$work/lines.txt" & publishers+=($!)
done
wait "${publishers[@]}"
total=$((per_device * devices))
echo "$total QoS 1 readings from $devices devices wait at mosquitto; CityOps starts"

began=$(date +%s.%N)
start_cityops; pids+=("$city")
while true; do
  n=$(accepted)
  python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):6.1f} s  {int(sys.argv[3] or 0):>9,} accepted')" "$(date +%s.%N)" "$began" "$n"
  [ "${n:-0}" -ge "$total" ] && break
  sleep 1
done
python3 -c "import sys; s = float(sys.argv[1]) - float(sys.argv[2]); print(f'drained {int(sys.argv[3]):,} readings in {s:.1f} s from start (≈ {int(sys.argv[3]) / s:,.0f}/s, including startup)')" "$(date +%s.%N)" "$began" "$total"
