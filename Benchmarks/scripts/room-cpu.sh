#!/usr/bin/env bash
# Measures parley's CPU while parley-load holds N callers in rooms for a while.
# Usage: room-cpu.sh CALLERS ROOMS SECONDS [JSON_OUT]   (release binaries are built first)
# Prints one line: callers, rooms, seconds measured, CPU seconds used by parley and by parley-load, CPU
# microseconds per participant-second, parley's resident memory, and parley-load's audio check. With JSON_OUT,
# also writes the same figures as JSON (for BENCHMARKS.md and plots).
# The measured window is the steady state only: it starts when parley-load reports that every call is placed,
# joined and held ("holding" on its progress line), and lasts SECONDS; parley-load holds 4 s longer than that.
set -euo pipefail
CALLERS=${1:-3}
ROOMS=${2:-1}
SECONDS_HELD=${3:-30}
JSON_OUT=${4:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
swift build -c release --product parley >/dev/null
swift build -c release --product parley-load >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
PORT=$((34000 + RANDOM % 1000))
SERVER=""
LOAD=""
# Under set -e a failing `kill` (process already gone) would end the trap early and leak the server: hence || true.
cleanup() {
    if [ -n "$LOAD" ]; then kill "$LOAD" 2>/dev/null || true; fi
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
EXTS=""
for i in $(seq 1 "$ROOMS"); do
    "$BIN/parley" rooms add --data "$WORK/data" --name "Room $i" --extension $((1000 + i)) --pin 1234 >/dev/null
    EXTS="$EXTS${EXTS:+,}$((1000 + i))"
done
"$BIN/parley" serve --data "$WORK/data" --sip "127.0.0.1:$PORT" --rtp-ports 20000-29999 --log-level warning \
    >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/serve.log" && break; sleep 0.1; done
grep -q "serving SIP" "$WORK/serve.log" || { echo "room-cpu: parley did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
# CPU time in nanoseconds summed over the process's threads (schedstat is ns-precise; /proc/PID/stat counts
# 10 ms ticks, too coarse for a few callers).
cpu() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{sum += $1} END {printf "%.0f\n", sum}'; }
stdbuf -o0 "$BIN/parley-load" --server "127.0.0.1:$PORT" --rooms "$EXTS" --pin 1234 --callers "$CALLERS" --rate 50 \
    --duration "$((SECONDS_HELD + 4))" --json "$WORK/load.json" >"$WORK/load.log" 2>&1 &
LOAD=$!
# Wait for the steady state: parley-load prints "holding" once every call is placed and past its prompts.
# (stdbuf -o0 above: its progress lines end in a carriage return, so any buffering would hide them.)
started=$(date +%s)
until grep -q "holding" "$WORK/load.log" 2>/dev/null; do
    if ! kill -0 "$LOAD" 2>/dev/null; then echo "room-cpu: parley-load ended early:" >&2; tr '\r' '\n' <"$WORK/load.log" | tail -5 >&2; exit 1; fi
    sleep 0.2
done
placing=$(( $(date +%s) - started ))
before=$(cpu "$SERVER")
load_before=$(cpu "$LOAD")
sleep "$SECONDS_HELD"
after=$(cpu "$SERVER")
load_after=$(cpu "$LOAD")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
wait "$LOAD" || true
LOAD=""
used=$(echo "($after - $before) / 1000000000" | bc -l)
load_used=$(echo "($load_after - $load_before) / 1000000000" | bc -l)
per=$(echo "$used * 1000000 / ($CALLERS * $SECONDS_HELD)" | bc -l)
field() { grep -o "\"$1\" : [0-9.]*" "$WORK/load.json" 2>/dev/null | grep -o '[0-9.]*$' || echo "null"; }
audio=$(field audioOK)
checked=$(field audioChecked)
answered=$(field answered)
failed=$(field failed)
printf 'callers=%d rooms=%d seconds=%d placing_s=%d answered=%s failed=%s parley_cpu_s=%.3f load_cpu_s=%.3f cpu_us_per_participant_s=%.1f rss_kb=%s audio_ok=%s/%s\n' \
    "$CALLERS" "$ROOMS" "$SECONDS_HELD" "$placing" "$answered" "$failed" "$used" "$load_used" "$per" "$rss" "$audio" "$checked"
if [ -n "$JSON_OUT" ]; then
    printf '{"callers": %d, "rooms": %d, "seconds": %d, "placingSeconds": %d, "answered": %s, "failed": %s, "parleyCPUSeconds": %.3f, "loadCPUSeconds": %.3f, "cpuMicrosecondsPerParticipantSecond": %.1f, "rssKB": %s, "audioOK": %s, "audioChecked": %s}\n' \
        "$CALLERS" "$ROOMS" "$SECONDS_HELD" "$placing" "$answered" "$failed" "$used" "$load_used" "$per" "$rss" "$audio" "$checked" >"$JSON_OUT"
fi
