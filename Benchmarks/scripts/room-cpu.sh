#!/usr/bin/env bash
# Measures parley under parley-load: N callers in R rooms held for a while (release binaries are built first).
# Usage: room-cpu.sh CALLERS ROOMS SECONDS [JSON_OUT]   (env: RATE=200 calls per second, TALKERS=4)
# Prints one line: callers, rooms, the steady-state window, parley's CPU (from /proc/PID/task/*/schedstat, ns
# precise) and parley-load's, CPU microseconds per participant-second, parley's resident memory, its late mixing
# ticks in the window (`parley_late_ticks` from /metrics), the load average, and parley-load's own figures (setup
# time, loss, jitter, silence, audio check, late sender ticks). With JSON_OUT, writes all of it as JSON.
# The window is the steady state only: it starts when parley-load prints "holding" (every call placed, past its
# PIN and prompts) and lasts SECONDS; parley-load holds 3 s longer than that. RTP packets parley received and sent
# in the window come from /metrics. Where the CPU goes (needs perf; this VM has no hardware counters, so both use
# the kernel's clock and tracepoints): SYSCALLS=1 counts parley's recvmsg calls (and those that found nothing,
# EAGAIN), sendmsg/sendmmsg/sendto and epoll waits in the window; PROFILE=FILE samples parley's stacks at 499 Hz into a
# perf.data FILE (`perf report -i FILE --no-children`). MALLOCS=1 preloads Benchmarks/scripts/malloc-count.c into
# parley (built with clang) and reads its counter from /proc/PID/mem at both ends of the window: heap allocations
# in the window, and per RTP packet (received + sent).
set -euo pipefail
CALLERS=${1:-3}
ROOMS=${2:-1}
SECONDS_HELD=${3:-30}
JSON_OUT=${4:-}
RATE=${RATE:-200}
TALKERS=${TALKERS:-4}
CONFIG=${CONFIG:-release}  # CONFIG=debug checks the script itself on a debug build (figures then mean nothing)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# PARLEY_BIN: a directory that already holds release binaries (say the benchmark package's .build/release,
# which builds them beside the suite: `swift build -c release --product parley` in Benchmarks/); no build then.
if [ -n "${PARLEY_BIN:-}" ]; then
    BIN=$PARLEY_BIN
else
    swift build -c "$CONFIG" --product parley >/dev/null
    swift build -c "$CONFIG" --product parley-load >/dev/null
    BIN=$(swift build -c "$CONFIG" --show-bin-path)
fi
WORK=$(mktemp -d)
PORT=$((34000 + RANDOM % 1000))
ADMIN=$((36000 + RANDOM % 1000))
SERVER=""
LOAD=""
# Under set -e a failing `kill` (process already gone) would end the trap early and leak the server: hence || true.
cleanup() {
    if [ -n "$LOAD" ]; then kill "$LOAD" 2>/dev/null || true; fi
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
# Thousands of callers are thousands of sockets on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
EXTS=""
for i in $(seq 1 "$ROOMS"); do
    "$BIN/parley" rooms add --data "$WORK/data" --name "Room $i" --extension $((1000 + i)) --pin 1234 >/dev/null
    EXTS="$EXTS${EXTS:+,}$((1000 + i))"
done
PRELOAD=""
if [ -n "${MALLOCS:-}" ]; then
    clang -O2 -shared -fPIC -o "$WORK/malloc-count.so" "$ROOT/Benchmarks/scripts/malloc-count.c"
    PRELOAD="$WORK/malloc-count.so"
fi
LD_PRELOAD="$PRELOAD" "$BIN/parley" serve --data "$WORK/data" --sip "127.0.0.1:$PORT" --rtp-ports 20000-39999 --admin "127.0.0.1:$ADMIN" \
    --log-level warning >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/serve.log" && break; sleep 0.1; done
grep -q "serving SIP" "$WORK/serve.log" || { echo "room-cpu: parley did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
# The preloaded counter's value: its symbol's offset in the library plus where the library is mapped.
mallocs() {
    [ -n "$PRELOAD" ] || { echo null; return; }
    python3 - "$SERVER" "$PRELOAD" "$(nm -D "$PRELOAD" | awk '$3 == "parley_malloc_count" {print $1}')" <<'PY'
import struct, sys
pid, lib, offset = sys.argv[1], sys.argv[2], int(sys.argv[3], 16)
base = None
for line in open(f"/proc/{pid}/maps"):
    fields = line.split()
    if len(fields) >= 6 and fields[5] == lib and fields[2] == "00000000":
        base = int(fields[0].split("-")[0], 16)
        break
with open(f"/proc/{pid}/mem", "rb") as memory:
    memory.seek(base + offset)
    print(struct.unpack("<Q", memory.read(8))[0])
PY
}
cpu() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{sum += $1} END {printf "%.0f\n", sum}'; }
late() { curl -s "http://127.0.0.1:$ADMIN/metrics" | awk '/^parley_late_ticks / {print $2; found=1} END {if (!found) print 0}'; }
# A counter summed over its labels.
metric() { curl -s "http://127.0.0.1:$ADMIN/metrics" | awk -v name="$1" 'index($1, name) == 1 && (length($1) == length(name) || substr($1, length(name) + 1, 1) == "{") {sum += $2} END {printf "%.0f\n", sum}'; }
"$BIN/parley-load" --server "127.0.0.1:$PORT" --rooms "$EXTS" --pin 1234 --callers "$CALLERS" --rate "$RATE" \
    --talkers "$TALKERS" --duration "$((SECONDS_HELD + 3))" --json "$WORK/load.json" >"$WORK/load.log" 2>&1 &
LOAD=$!
started=$(date +%s)
until grep -q "holding" "$WORK/load.log" 2>/dev/null; do
    if ! kill -0 "$LOAD" 2>/dev/null; then echo "room-cpu: parley-load ended early:" >&2; tr '\r' '\n' <"$WORK/load.log" | tail -5 >&2; exit 1; fi
    sleep 0.2
done
placing=$(( $(date +%s) - started ))
before=$(cpu "$SERVER")
load_before=$(cpu "$LOAD")
late_before=$(late)
received_before=$(metric parley_rtp_packets_received_total)
sent_before=$(metric parley_rtp_packets_sent_total)
loadavg_before=$(cut -d' ' -f1 /proc/loadavg)
mallocs_before=$(mallocs)
PERF=""
PROF=""
if [ -n "${SYSCALLS:-}" ]; then
    perf stat -x, -o "$WORK/syscalls.csv" -p "$SERVER" \
        -e syscalls:sys_enter_recvmsg -e syscalls:sys_exit_recvmsg --filter 'ret == -11' \
        -e syscalls:sys_enter_sendmsg -e syscalls:sys_enter_sendmmsg -e syscalls:sys_enter_sendto \
        -e syscalls:sys_enter_epoll_wait -e syscalls:sys_enter_epoll_pwait -- sleep "$SECONDS_HELD" >/dev/null 2>&1 &
    PERF=$!
fi
if [ -n "${PROFILE:-}" ]; then
    perf record -e cpu-clock -F 499 -g -o "$PROFILE" -p "$SERVER" -- sleep "$SECONDS_HELD" >/dev/null 2>&1 &
    PROF=$!
fi
sleep "$SECONDS_HELD"
after=$(cpu "$SERVER")
mallocs_after=$(mallocs)
load_after=$(cpu "$LOAD")
late_after=$(late)
received=$(( $(metric parley_rtp_packets_received_total) - received_before ))
sent=$(( $(metric parley_rtp_packets_sent_total) - sent_before ))
if [ -n "$PERF" ]; then wait "$PERF" || true; fi
if [ -n "$PROF" ]; then wait "$PROF" || true; fi
syscall() {
    if [ -f "$WORK/syscalls.csv" ]; then
        awk -F, -v event="$1" '$3 == event {print $1; found=1} END {if (!found) print "null"}' "$WORK/syscalls.csv"
    else
        echo null
    fi
}
rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
loadavg_after=$(cut -d' ' -f1 /proc/loadavg)
load_status=0
wait "$LOAD" || load_status=$?
LOAD=""
tr '\r' '\n' <"$WORK/load.log" | grep -v '^\[' | sed 's/^/  parley-load: /' >&2 || true
used=$(echo "($after - $before) / 1000000000" | bc -l)
load_used=$(echo "($load_after - $load_before) / 1000000000" | bc -l)
per=$(echo "$used * 1000000 / ($CALLERS * $SECONDS_HELD)" | bc -l)
late_ticks=$(echo "${late_after%.*} - ${late_before%.*}" | bc)
field() { grep -o "\"$1\" : [-0-9.e]*" "$WORK/load.json" 2>/dev/null | grep -o '[-0-9.e]*$' || echo "null"; }
printf 'callers=%d rooms=%d seconds=%d placing_s=%d answered=%s failed=%s parley_cpu_s=%.3f load_cpu_s=%.3f cpu_us_per_participant_s=%.1f rss_kb=%s late_ticks=%s rtp_received=%s rtp_sent=%s setup_ms_p50=%s setup_ms_p99=%s loss_pct=%s jitter_ms=%s silence_pct=%s audio_ok=%s/%s late_sender_ticks=%s loadavg=%s..%s\n' \
    "$CALLERS" "$ROOMS" "$SECONDS_HELD" "$placing" "$(field answered)" "$(field failed)" "$used" "$load_used" "$per" \
    "$rss" "$late_ticks" "$received" "$sent" "$(field setupMsP50)" "$(field setupMsP99)" "$(field lossPercent)" \
    "$(field jitterMsMean)" "$(field silencePercent)" "$(field audioOK)" "$(field audioChecked)" \
    "$(field lateSenderTicks)" "$loadavg_before" "$loadavg_after"
if [ -n "$PRELOAD" ]; then
    printf 'mallocs in the window: %s (%s per RTP packet received or sent)\n' "$((mallocs_after - mallocs_before))" \
        "$(echo "scale=3; ($mallocs_after - $mallocs_before) / ($received + $sent)" | bc -l)"
fi
if [ -n "$PERF" ]; then
    printf 'syscalls in the window: recvmsg=%s (EAGAIN %s) sendmsg=%s sendmmsg=%s sendto=%s epoll_wait=%s epoll_pwait=%s\n' \
        "$(syscall syscalls:sys_enter_recvmsg)" "$(syscall syscalls:sys_exit_recvmsg)" \
        "$(syscall syscalls:sys_enter_sendmsg)" "$(syscall syscalls:sys_enter_sendmmsg)" \
        "$(syscall syscalls:sys_enter_sendto)" \
        "$(syscall syscalls:sys_enter_epoll_wait)" "$(syscall syscalls:sys_enter_epoll_pwait)"
fi
if [ -n "$JSON_OUT" ]; then
    printf '{"callers": %d, "rooms": %d, "seconds": %d, "placingSeconds": %d, "parleyCPUSeconds": %.3f, "loadCPUSeconds": %.3f, "cpuMicrosecondsPerParticipantSecond": %.1f, "rssKB": %s, "lateTicks": %s, "rtpReceived": %s, "rtpSent": %s, "recvmsg": %s, "recvmsgEAGAIN": %s, "loadavgBefore": %s, "loadavgAfter": %s, "parleyLoadExit": %d, "load": %s}\n' \
        "$CALLERS" "$ROOMS" "$SECONDS_HELD" "$placing" "$used" "$load_used" "$per" "$rss" "$late_ticks" \
        "$received" "$sent" "$(syscall syscalls:sys_enter_recvmsg)" "$(syscall syscalls:sys_exit_recvmsg)" \
        "$loadavg_before" "$loadavg_after" "$load_status" "$(cat "$WORK/load.json" 2>/dev/null || echo null)" >"$JSON_OUT"
fi
