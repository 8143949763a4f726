#!/usr/bin/env bash
# Call setup rate: sipp places calls into a room (INVITE, 200, ACK, BYE after 100 ms; no media) at rising rates,
# RUN_SECONDS at each, and the highest rate with zero failed calls is reported.
# Usage: call-rate.sh [JSON_OUT]   (env: RATES="50 100 200 400 800 1600 3200", RUN_SECONDS=5)
# Each step counts sipp's failed calls and the calls that were not completed before sipp's timeout; the search
# stops at the first rate with a failure. The server's CPU over each step is read from /proc (schedstat).
set -euo pipefail
JSON_OUT=${1:-}
RATES=${RATES:-"50 100 200 400 800 1600 3200"}
RUN_SECONDS=${RUN_SECONDS:-5}
CONFIG=${CONFIG:-release}  # CONFIG=debug checks the script itself on a debug build (figures then mean nothing)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# PARLEY_BIN: a directory that already holds release binaries (say the benchmark package's .build/release,
# which builds them beside the suite: `swift build -c release --product parley` in Benchmarks/); no build then.
if [ -n "${PARLEY_BIN:-}" ]; then
    BIN=$PARLEY_BIN
else
    swift build -c "$CONFIG" --product parley >/dev/null
    BIN=$(swift build -c "$CONFIG" --show-bin-path)
fi
WORK=$(mktemp -d)
PORT=$((35000 + RANDOM % 1000))
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$BIN/parley" rooms add --data "$WORK/data" --name Rate --extension 1000 --pin 1234 >/dev/null
# Flood protection off for the measurement: the global new-INVITE rate (100/s by default) would answer 503 from the
# second step on, and at thousands of calls a second the open transactions (a UDP BYE's lasts 32 s, RFC 3261
# timer J) pass the default cap of 20,000.
printf '[flood]\ninvites_per_second = 0\nmax_transactions = 1000000\n' >"$WORK/parley.toml"
"$BIN/parley" serve --config "$WORK/parley.toml" --data "$WORK/data" --sip "127.0.0.1:$PORT" --rtp-ports 20000-39999 --admin off \
    --log-level warning >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/serve.log" && break; sleep 0.1; done
grep -q "serving SIP" "$WORK/serve.log" || { echo "call-rate: parley did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }
cpu() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{sum += $1} END {printf "%.0f\n", sum}'; }
best=0
steps=""
for rate in $RATES; do
    calls=$((rate * RUN_SECONDS))
    before=$(cpu "$SERVER")
    status=0
    (cd "$WORK" && timeout $((RUN_SECONDS * 4 + 30)) sipp "127.0.0.1:$PORT" -sf "$ROOT/Benchmarks/sipp/uac-setup-teardown.xml" \
        -s 1000 -i 127.0.0.1 -p 0 -r "$rate" -m "$calls" -l $((rate * 2 + 10)) -timeout $((RUN_SECONDS * 3 + 20))s \
        -timeout_error -nostdin -trace_stat -stf "$WORK/stat-$rate.csv" >/dev/null 2>&1) || status=$?
    after=$(cpu "$SERVER")
    # sipp's statistics CSV: the last line holds the cumulative counters.
    header=$(head -1 "$WORK/stat-$rate.csv" 2>/dev/null || true)
    last=$(tail -1 "$WORK/stat-$rate.csv" 2>/dev/null || true)
    column() { echo "$header" | tr ';' '\n' | grep -nx "$1" | cut -d: -f1; }
    successful=$(echo "$last" | cut -d';' -f"$(column SuccessfulCall\(C\))")
    failed=$(echo "$last" | cut -d';' -f"$(column FailedCall\(C\))")
    cpu_s=$(echo "($after - $before) / 1000000000" | bc -l)
    printf 'rate=%d calls=%d successful=%s failed=%s sipp_exit=%d parley_cpu_s=%.2f\n' \
        "$rate" "$calls" "$successful" "$failed" "$status" "$cpu_s"
    steps="$steps${steps:+, }{\"rate\": $rate, \"calls\": $calls, \"successful\": ${successful:-0}, \"failed\": ${failed:-0}, \"parleyCPUSeconds\": $(printf '%.2f' "$cpu_s")}"
    if [ "$status" -ne 0 ] || [ "${failed:-1}" != "0" ] || [ "${successful:-0}" != "$calls" ]; then break; fi
    best=$rate
done
echo "highest call rate with no failed call: $best calls/s (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
if [ -n "$JSON_OUT" ]; then
    printf '{"bestCallsPerSecond": %d, "secondsPerStep": %d, "loadavg": "%s", "steps": [%s]}\n' \
        "$best" "$RUN_SECONDS" "$(cut -d' ' -f1-3 /proc/loadavg)" "$steps" >"$JSON_OUT"
fi
