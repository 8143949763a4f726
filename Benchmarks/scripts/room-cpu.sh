#!/usr/bin/env bash
# Measures parley's CPU while parley-load holds N callers in rooms for a while.
# Usage: room-cpu.sh CALLERS ROOMS SECONDS   (release binaries are built first)
# Prints one line: callers, seconds, CPU seconds used by parley, CPU microseconds per participant-second,
# resident memory, and parley-load's audio check.
set -euo pipefail
CALLERS=${1:-3}
ROOMS=${2:-1}
SECONDS_HELD=${3:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
swift build -c release --product parley >/dev/null
swift build -c release --product parley-load >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
PORT=$((34000 + RANDOM % 1000))
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
EXTS=""
for i in $(seq 1 "$ROOMS"); do
    "$BIN/parley" rooms add --data "$WORK/data" --name "Room $i" --extension $((1000 + i)) --pin 1234 >/dev/null
    EXTS="$EXTS${EXTS:+,}$((1000 + i))"
done
"$BIN/parley" serve --data "$WORK/data" --sip "127.0.0.1:$PORT" --rtp-ports 20000-29999 --log-level warning \
    >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/serve.log" && break; sleep 0.1; done
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
"$BIN/parley-load" --server "127.0.0.1:$PORT" --rooms "$EXTS" --pin 1234 --callers "$CALLERS" --rate 50 \
    --duration "$SECONDS_HELD" --json "$WORK/load.json" >"$WORK/load.log" 2>&1 &
LOAD=$!
# Measure only the steady state: from when all calls are placed until the hold ends.
sleep $((CALLERS / 50 + 7))
before=$(cpu)
sleep $((SECONDS_HELD - 2))
after=$(cpu)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
wait $LOAD || true
used=$(echo "($after - $before) / $ticks" | bc -l)
per=$(echo "$used * 1000000 / ($CALLERS * ($SECONDS_HELD - 2))" | bc -l)
audio=$(grep -o '"audioOK" : [0-9]*' "$WORK/load.json" 2>/dev/null | grep -o '[0-9]*$' || echo "?")
printf 'callers=%d rooms=%d seconds=%d parley_cpu_s=%.2f cpu_us_per_participant_s=%.1f rss_kb=%s audio_ok=%s\n' \
    "$CALLERS" "$ROOMS" "$((SECONDS_HELD - 2))" "$used" "$per" "$rss" "$audio"
