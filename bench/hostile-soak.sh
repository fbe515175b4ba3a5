#!/usr/bin/env bash
# Hostile soak (issue 16): CityOps with its embedded broker requiring auth, a 5,000 readings/s QoS 1 load from a
# service client, first alone, then beside 20,000 sockets that never send CONNECT (reopened whenever the broker
# closes them) and 50 password guessers on registered devices, all from 127.0.0.2 (the city's clients use 127.0.0.1:
# backoff per address must not lock them out; an attacker behind the gateways' own address would, by design). Prints p99 publish → judged and CPU for both phases
# and what the broker did with the hostile clients, the attacker's own CPU (it shares the cores) and the load average. Exit code 1 when a reading was lost or the hostile p99 is over
# --max-p99-ms (50).
#
#   bench/hostile-soak.sh                         # 60 s alone, then 300 s under attack
#   bench/hostile-soak.sh --duration 120 --baseline 30
#
# Options: --duration s (300), --baseline s (60), --rate n/s (5000), --devices n (10000), --idle-sockets n (20000),
# --guessers n (50), --max-p99-ms n (50), --keep. HOSTILE_SKIP_BUILD=1 uses the binaries already built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration=300 baseline=60 rate=5000 devices=10000 idle=20000 guessers=50 maxp99=50 keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --idle-sockets) idle=$2; shift 2 ;;
    --guessers) guessers=$2; shift 2 ;;
    --max-p99-ms) maxp99=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

if [ -z "${HOSTILE_SKIP_BUILD:-}" ]; then
  for p in src/Api/CityOps.Api.csproj bench/CityOps.LoadTest/CityOps.LoadTest.csproj bench/CityOps.Hostile/CityOps.Hostile.csproj; do
    dotnet build "$root/$p" -c Release -nologo -v quiet -clp:ErrorsOnly
  done
fi

# Sockets on both sides of 20,000 connections: the defaults (1,024) are far below.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$idle" -gt $(( $(ulimit -n) - 1000 )) ]; then
  echo "this machine allows $(ulimit -n) file handles per process: $(( $(ulimit -n) - 1000 )) idle sockets instead of $idle"
  idle=$(( $(ulimit -n) - 1000 ))
fi
work=$(mktemp -d -t cityops-hostile-XXXXXX)
read -r http mqtt silo gateway < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
args=(--urls="http://127.0.0.1:$http" --CityOps:DataDir="$work/data" --CityOps:Mqtt:EmbeddedPort="$mqtt"
      --CityOps:Cluster:SiloPort="$silo" --CityOps:Cluster:GatewayPort="$gateway"
      --CityOps:Mqtt:RequireAuth=true --CityOps:Mqtt:ServiceClients:0:Username=loadgen --CityOps:Mqtt:ServiceClients:0:Password="$secret"
      --CityOps:Devices:AutoProvisionBurst=1000000 --CityOps:Devices:MaxAutoProvisioned=10000000)
(cd "$work" && exec env DOTNET_ENVIRONMENT=Production dotnet "$root/src/Api/bin/Release/net10.0/CityOps.Api.dll" "${args[@]}" >"$work/cityops.log" 2>&1) &
pid=$!
hostile_pid=
cleanup() {
  [ -n "$hostile_pid" ] && kill "$hostile_pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "$keep" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "CityOps exited:"; tail -40 "$work/cityops.log"; exit 1; }
  sleep 0.1
done

# The guessers' targets: registered devices with secrets (a wrong password costs a PBKDF2 unless the backoff refuses first).
usernames=
for i in $(seq -w 0 9); do
  curl -fs -X PUT "http://127.0.0.1:$http/api/v1/devices/MH-G-00$i" -H 'content-type: application/json' \
    -d "{\"kind\":\"manhole\",\"name\":\"guessed $i\",\"lat\":35.3,\"lon\":113.9,\"secret\":\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')\"}" >/dev/null
  usernames="$usernames${usernames:+,}MH-G-00$i"
done

load() { # $1 = phase, $2 = seconds
  dotnet "$root/bench/CityOps.LoadTest/bin/Release/net10.0/CityOps.LoadTest.dll" \
    --broker "127.0.0.1:$mqtt" --api "http://127.0.0.1:$http" --devices "$devices" --rate "$rate" --duration "$2" \
    --qos 1 --crossings 5 --username loadgen --password "$secret" --json "$work/$1.json" >"$work/$1.out" 2>&1 || true
}
cpu() { awk '{print $14 + $15}' "/proc/${1:-$pid}/stat"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== alone: $baseline s at $rate readings/s (load average $(loadavg))"
c0=$(cpu); load alone "$baseline"; c1=$(cpu)
echo "== under attack: $duration s at $rate readings/s beside $idle idle sockets and $guessers password guessers"
dotnet "$root/bench/CityOps.Hostile/bin/Release/net10.0/CityOps.Hostile.dll" --broker "127.0.0.1:$mqtt" \
  --idle-sockets "$idle" --guessers "$guessers" --usernames "$usernames" --duration "$((duration + 20))" >"$work/hostile.out" 2>&1 &
hostile_pid=$!
sleep 15 # let the sockets and guessers build up first
# The attacker runs on the same cores: its CPU is counted too, over the same window as CityOps'.
la=$(loadavg)
c2=$(cpu); h2=$(cpu "$hostile_pid"); load attack "$duration"; c3=$(cpu); h3=$(cpu "$hostile_pid")
echo "== load average at the start of the attack phase $la, at its end $(loadavg)"
kill -0 "$pid" 2>/dev/null || { echo "CityOps died under attack:"; tail -40 "$work/cityops.log"; exit 1; }
hostile_line=$(tail -1 "$work/hostile.out")
ticks=$(getconf CLK_TCK)
python3 - "$work" "$baseline" "$duration" "$maxp99" "$(( c1 - c0 ))" "$(( c3 - c2 ))" "$ticks" "$hostile_line" "$(( h3 - h2 ))" <<'PY'
import json, sys
work, baseline, duration, maxp99, cpu_alone, cpu_attack, ticks, hostile, cpu_attacker = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8], int(sys.argv[9])
a = json.load(open(f"{work}/alone.json"))["reports"][-1]
b = json.load(open(f"{work}/attack.json"))["reports"][-1]
print(f"{'':28}{'alone':>12}{'under attack':>14}")
for label, key in (("sent", "Sent"), ("lost", "Lost"), ("sustained readings/s", "SustainedRate"), ("judged p50 ms", "LagP50Ms"), ("judged p99 ms", "LagP99Ms"), ("case p99 ms", "CaseP99Ms")):
    print(f"{label:28}{(a[key] or 0):>12,.1f}{(b[key] or 0):>14,.1f}")
print(f"{'CityOps cores':28}{cpu_alone / ticks / baseline:>12.2f}{cpu_attack / ticks / duration:>14.2f}")
print(f"{'attacker cores':28}{'':>12}{cpu_attacker / ticks / duration:>14.2f}")
print(f"hostile clients: {hostile}")
ok = a["Lost"] == 0 and b["Lost"] == 0 and b["LagP99Ms"] <= maxp99
print("PASS" if ok else f"FAIL (lost {a['Lost'] + b['Lost']}, p99 under attack {b['LagP99Ms']:.1f} ms, limit {maxp99} ms)")
sys.exit(0 if ok else 1)
PY
