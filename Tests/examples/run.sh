#!/usr/bin/env bash
# Runs the three examples of embedding Parley's libraries, each against real input:
#  - MixWAVsExample mixes two generated tones; both are in the result.
#  - AnsweringMachineExample (SIPCore + RTP only) is called by sipp playing recorded speech; it saves a WAV.
#  - EmbeddedBridgeExample (Conference) answers OPTIONS from sipp and stops cleanly on SIGTERM.
# Prints "examples: N passed, N failed".
set -uo pipefail
BIN=${1:?usage: run.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
PIDS=""
trap 'kill $PIDS 2>/dev/null; rm -rf "$WORK"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
band_rms() { # file low high -> RMS amplitude in that band
    sox "$1" -n sinc "$2-$3" stat 2>&1 | awk '/RMS     amplitude/ {print $3}'
}

sox -n -r 8000 -c 1 -b 16 "$WORK/a.wav" synth 2 sine 440 vol 0.4
sox -n -r 8000 -c 1 -b 16 "$WORK/b.wav" synth 2 sine 1300 vol 0.4
check "MixWAVs mixes two files" "$BIN/MixWAVsExample" "$WORK/mix.wav" "$WORK/a.wav" "$WORK/b.wav"
check "the mix holds 440 Hz" bash -c "awk -v r=$(band_rms "$WORK/mix.wav" 400 480) 'BEGIN { exit !(r > 0.1) }'"
check "the mix holds 1300 Hz" bash -c "awk -v r=$(band_rms "$WORK/mix.wav" 1250 1350) 'BEGIN { exit !(r > 0.1) }'"

PORT=$((13000 + RANDOM % 1000))
mkdir -p "$WORK/messages"
"$BIN/AnsweringMachineExample" "127.0.0.1:$PORT" "$WORK/messages" >"$WORK/machine.log" 2>&1 &
PIDS="$PIDS $!"
sleep 1
check "sipp leaves a message on the answering machine" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/uac-pcap.xml' -s machine -i 127.0.0.1 -p 0 -mp 17600 -m 1 -timeout 30s -timeout_error -nostdin >/dev/null 2>&1"
sleep 0.5
MESSAGE=$(ls "$WORK"/messages/*.wav 2>/dev/null | head -1)
check "the message is a WAV of recorded speech" bash -c \
    "test -n '$MESSAGE' && d=\$(soxi -D '$MESSAGE') && awk -v d=\$d 'BEGIN { exit !(d >= 3) }' && r=\$(sox '$MESSAGE' -n stat 2>&1 | awk '/RMS     amplitude/ {print \$3}') && awk -v r=\$r 'BEGIN { exit !(r > 0.005) }'"

PORT=$((13000 + RANDOM % 1000))
"$BIN/EmbeddedBridgeExample" "127.0.0.1:$PORT" >"$WORK/embedded.log" 2>&1 &
EMBEDDED=$!
PIDS="$PIDS $EMBEDDED"
for _ in $(seq 1 100); do grep -q "Embedded bridge on" "$WORK/embedded.log" && break; sleep 0.1; done
check "the embedded bridge answers OPTIONS" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/options.xml' -s 500 -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error -nostdin >/dev/null 2>&1"
check "the embedded bridge takes a call to its room" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/uac-call.xml' -s 500 -i 127.0.0.1 -p 0 -mp 17700 -m 1 -timeout 20s -timeout_error -nostdin >/dev/null 2>&1"
kill -TERM $EMBEDDED
check "the embedded bridge stops on SIGTERM" bash -c "for i in \$(seq 1 50); do kill -0 $EMBEDDED 2>/dev/null || exit 0; sleep 0.1; done; exit 1"

echo "examples: $passed passed, $failed failed"
[ $failed -eq 0 ]
