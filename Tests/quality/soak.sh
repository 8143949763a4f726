#!/usr/bin/env bash
# Soak: parley under moderate load for a long time, with its memory and jitter-buffer delay sampled throughout.
# Usage: soak.sh BIN_DIR [SECONDS]   (SECONDS defaults to $SOAK_SECONDS, else 3600)
#   SOAK_CALLERS (24) callers in SOAK_ROOMS (6) rooms (four a room: each hears all three others, as the mixer
#   takes the four loudest) through parley-load, each sending a tone; every
#   SOAK_SAMPLE (10) seconds: parley's resident memory (/proc), the largest jitter-buffer delay of any caller and
#   the callers in the mix (/metrics), parley's CPU time and the load average. Samples go to $SOAK_CSV when set. SOAK_WARMUP (60) seconds are left out
#   of the comparison. Ports: SIP on 18300-18399, RTP in 18400-18999 (below the ephemeral range and apart from
#   every other test's, as `make test` runs a short soak beside its two lists).
# Fails when memory grows (the last quarter's median RSS above the first quarter's by more than 10% + 4 MiB, the
# first minute left out as warm-up), when the delay grows (last quarter's median above the first quarter's by more
# than 40 ms) or ever passes 640 ms (half the jitter buffer's 64-frame ring: its target is at most 200 ms, bursts after a
# stall on a busy machine go above that for a moment, a buffer that only grows reaches 1280 ms), when callers drop out, or when parley-load's own
# audio check fails. Prints a summary line "soak: ..." with the figures.
set -uo pipefail
BIN=${1:?usage: soak.sh BIN_DIR [SECONDS]}
DURATION=${2:-${SOAK_SECONDS:-3600}}
CALLERS=${SOAK_CALLERS:-24}
ROOM_COUNT=${SOAK_ROOMS:-6}
SAMPLE=${SOAK_SAMPLE:-10}
WARMUP=${SOAK_WARMUP:-60}
WORK=$(mktemp -d)
SERVER_PID="" LOAD_PID=""
trap '[ -n "$LOAD_PID" ] && kill $LOAD_PID 2>/dev/null; [ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

ROOMS=""
for i in $(seq 1 "$ROOM_COUNT"); do
    ext=$((4300 + i))
    "$BIN/parley" rooms add --data "$WORK/data" --name "Soak$i" --extension $ext --pin 2468 >/dev/null || exit 1
    ROOMS="${ROOMS:+$ROOMS,}$ext"
done
PORT=${SOAK_SIP_PORT:-$((18300 + RANDOM % 100))}
printf 'admin = "127.0.0.1:0"\n' >"$WORK/parley.toml"
"$BIN/parley" serve --config "$WORK/parley.toml" --data "$WORK/data" --sip "127.0.0.1:$PORT" \
    --rtp-ports "${SOAK_RTP_PORTS:-18400-18999}" --log-level warning >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "admin API on" "$WORK/serve.log" && break; sleep 0.1; done
ADMIN=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.log" | head -1)
[ -n "$ADMIN" ] || { cat "$WORK/serve.log"; echo "soak: FAIL (server did not start)"; exit 1; }

"$BIN/parley-load" --server "127.0.0.1:$PORT" --rooms "$ROOMS" --pin 2468 --callers "$CALLERS" --rate 10 \
    --duration "$DURATION" --check-callers "$ROOM_COUNT" --json "$WORK/load.json" >"$WORK/load.log" 2>&1 &
LOAD_PID=$!
START=$(date +%s)
CSV=${SOAK_CSV:-$WORK/samples.csv}
echo "seconds,rss_kib,jitter_buffer_max_ms,participants,cpu_ticks,loadavg_1m" >"$CSV"
while kill -0 $LOAD_PID 2>/dev/null; do
    sleep "$SAMPLE"
    kill -0 $SERVER_PID 2>/dev/null || break
    rss=$(awk '/^VmRSS:/ {print $2}' /proc/$SERVER_PID/status)
    metrics=$(curl -sf "$ADMIN/metrics")
    delay=$(awk '/^parley_jitter_buffer_max_ms / {print int($2)}' <<<"$metrics")
    members=$(awk '/^parley_participants / {print int($2)}' <<<"$metrics")
    # parley's CPU time so far (user + system, in clock ticks) and the machine's load.
    ticks=$(awk '{print $14 + $15}' /proc/$SERVER_PID/stat)
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "$(($(date +%s) - START)),$rss,${delay:-0},${members:-0},${ticks:-0},$load" >>"$CSV"
done
wait $LOAD_PID; load_status=$?; LOAD_PID=""
alive=1; kill -0 $SERVER_PID 2>/dev/null || alive=0

python3 - "$CSV" "$CALLERS" "$WARMUP" "$load_status" "$alive" <<'PY'
import csv, os, statistics, sys
path, callers, warmup, load_status, alive = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = [{k: float(v) if k == "loadavg_1m" else int(v) for k, v in r.items()} for r in csv.DictReader(open(path))]
tick = os.sysconf("SC_CLK_TCK")
# Steady state: every caller in the mix, after the warm-up.
steady = [r for r in rows if r["seconds"] >= warmup and r["participants"] >= callers]
problems = []
if not alive:
    problems.append("parley died")
if load_status != 0:
    problems.append(f"parley-load exited {load_status} (calls failed or the audio check failed)")
if len(steady) < 4:
    problems.append(f"only {len(steady)} steady-state samples")
    first = last = steady or rows or [{"rss_kib": 0, "jitter_buffer_max_ms": 0, "participants": 0, "seconds": 0}]
else:
    quarter = max(1, len(steady) // 4)
    first, last = steady[:quarter], steady[-quarter:]
median = lambda rs, key: statistics.median(r[key] for r in rs)
rss0, rss1 = median(first, "rss_kib"), median(last, "rss_kib")
delay0, delay1 = median(first, "jitter_buffer_max_ms"), median(last, "jitter_buffer_max_ms")
peak = max((r["jitter_buffer_max_ms"] for r in steady), default=0)
if rss1 > rss0 * 1.10 + 4096:
    problems.append(f"memory grew from {rss0:.0f} to {rss1:.0f} KiB")
if delay1 > delay0 + 40:
    problems.append(f"jitter-buffer delay grew from {delay0:.0f} to {delay1:.0f} ms")
if peak > 640:
    problems.append(f"jitter-buffer delay reached {peak} ms")
if steady:
    gaps = [r for r in rows if steady[0]["seconds"] < r["seconds"] < steady[-1]["seconds"] and r["participants"] < callers]
    if gaps:
        problems.append(f"callers dropped out (at {gaps[0]['seconds']} s: {gaps[0]['participants']} in the mix)")
seconds = rows[-1]["seconds"] if rows else 0
# parley's CPU over the steady state, in percent of one core, and the machine's 1-minute load average.
cpu = 0.0
if len(steady) >= 2 and steady[-1]["seconds"] > steady[0]["seconds"]:
    cpu = 100 * (steady[-1]["cpu_ticks"] - steady[0]["cpu_ticks"]) / tick / (steady[-1]["seconds"] - steady[0]["seconds"])
loads = sorted(r["loadavg_1m"] for r in (steady or rows)) or [0.0]
print(f"soak: {seconds} s, {callers} callers, {len(rows)} samples; RSS {rss0 / 1024:.1f} MiB -> {rss1 / 1024:.1f} MiB; "
      f"jitter-buffer max delay (median) {delay0:.0f} ms -> {delay1:.0f} ms, peak {peak} ms; "
      f"parley CPU {cpu:.1f}% of a core; load average {loads[0]:.1f} to {loads[-1]:.1f} "
      f"(median {statistics.median(loads):.1f})")
for p in problems:
    print(f"soak: FAIL: {p}")
sys.exit(1 if problems else 0)
PY
status=$?
tail -4 "$WORK/load.log" | sed 's/^/# /'
exit $status
