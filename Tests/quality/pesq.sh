#!/usr/bin/env bash
# Speech through a running bridge, scored with PESQ (ITU-T P.862 via PyPI `pesq`, in .build-venv).
#
# One caller plays ten seconds of Debian's recorded prompts into a room; another records what it hears; the
# recording is aligned with what was sent and scored. Rooms for G.711, G.722 and Opus, each clean and through the
# impairment relay (Tests/quality/relay.py: 5% loss, up to 40 ms jitter, some reordering and duplication on the
# way to the bridge); QUALITY_SCENARIOS picks them: by default G.711 clean and impaired, and Opus impaired (the
# caller's encoder carries in-band FEC sized for OPUS_LOSS_PERCENT, the bridge rebuilds lost frames from it).
# Scenarios 6-9 are wideband: 16 kHz speech (Debian's G.722 prompts, decoded by ffmpeg) sent by an Opus or G.722
# caller at 16 kHz into a room mixing at 16 kHz, recorded at 16 kHz and scored with P.862.2 (PESQ wb); the Opus
# callers code at OPUS_WB_BITRATE (48000) with complexity OPUS_WB_COMPLEXITY (10), as a wideband phone would. When the script may create network namespaces (root, `ip netns`), the
# callers, the relay and the bridge each get one, joined by veth pairs; otherwise all three share 127.0.0.0/8
# (QUALITY_NETNS=0 forces that). Prints "N passed, N failed"; scores go to $PESQ_RESULTS when set.
set -uo pipefail
BIN=${1:?usage: pesq.sh PATH_TO_BUILD_BIN_DIR}
PARLEY="$BIN/parley"
LOAD="$BIN/parley-load"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VENV=${QUALITY_VENV:-$ROOT/.build-venv}
SOUNDS=${SOUNDS:-/usr/share/asterisk/sounds/en}
G722_SOUNDS=${G722_SOUNDS:-/usr/share/asterisk/sounds/en_US_f_Allison}
LOSS=${LOSS:-0.05}
JITTER_MS=${JITTER_MS:-40}
WORK=$(mktemp -d)
TAG=$$
NS_CALLERS="pqc$TAG" NS_RELAY="pqr$TAG" NS_BRIDGE="pqb$TAG"
NETNS=0
SERVER_PID="" RELAY_PID=""

cleanup() {
    [ -n "$RELAY_PID" ] && kill $RELAY_PID 2>/dev/null
    [ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null
    wait 2>/dev/null
    if [ $NETNS = 1 ]; then for ns in $NS_CALLERS $NS_RELAY $NS_BRIDGE; do ip netns del $ns 2>/dev/null; done; fi
    if [ -n "${QUALITY_KEEP:-}" ]; then rm -rf "$QUALITY_KEEP"; cp -r "$WORK" "$QUALITY_KEEP"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

CHECK_SHOW_FIRST=yes
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if ! "$VENV/bin/python" -c 'import pesq, numpy' 2>/dev/null; then
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q numpy pesq; } >"$WORK/pip.log" 2>&1 \
        || { cat "$WORK/pip.log"; echo "quality: 0 passed, 1 failed (cannot install pesq)"; exit 1; }
fi

# Ten seconds of speech with pauses, 8 kHz mono, from the prompts `make deps` installs.
SPEECH="$WORK/speech.wav"
sox "$SOUNDS/conf-getpin.wav" "$SOUNDS/conf-onlyperson.wav" "$SOUNDS/conf-invalidpin.wav" \
    "$SOUNDS/conf-placeintoconf.wav" -r 8000 -c 1 -b 16 "$SPEECH" || { echo "quality: 0 passed, 1 failed (sox)"; exit 1; }
# The same prompts at 16 kHz for the wideband rooms, from Debian's G.722 recordings (asterisk-core-sounds-en-g722).
SPEECH16="$WORK/speech16.wav"
prepare_wideband() {
    local p parts=()
    for p in conf-getpin conf-onlyperson conf-invalidpin conf-placeintoconf; do
        ffmpeg -v error -f g722 -i "$G722_SOUNDS/$p.g722" -ar 16000 -ac 1 -c:a pcm_s16le "$WORK/$p-16k.wav" || return 1
        parts+=("$WORK/$p-16k.wav")
    done
    sox "${parts[@]}" "$SPEECH16"
}
SPEECH_SECONDS=$(soxi -D "$SPEECH")
HOLD=$(awk -v s="$SPEECH_SECONDS" 'BEGIN { printf "%d", s + 3 }')

# Addresses: the bridge, the relay's two sides, and one caller address per scenario.
# Runs a command in a namespace; exec, so a background job's $! is the command itself (use in subshells only).
in_ns() { local ns=$1; shift; if [ $NETNS = 1 ]; then exec ip netns exec "$ns" "$@"; else exec "$@"; fi; }
if [ "${QUALITY_NETNS:-1}" = 1 ] && [ "$(id -u)" = 0 ] && ip netns add $NS_CALLERS 2>/dev/null; then
    NETNS=1
    ip netns add $NS_RELAY && ip netns add $NS_BRIDGE &&
    ip link add pq${TAG}c type veth peer name pq${TAG}rc &&
    ip link add pq${TAG}b type veth peer name pq${TAG}rb &&
    ip link set pq${TAG}c netns $NS_CALLERS && ip link set pq${TAG}rc netns $NS_RELAY &&
    ip link set pq${TAG}rb netns $NS_RELAY && ip link set pq${TAG}b netns $NS_BRIDGE &&
    ip -n $NS_RELAY addr add 10.250.1.1/24 dev pq${TAG}rc && ip -n $NS_RELAY addr add 10.250.2.1/24 dev pq${TAG}rb &&
    ip -n $NS_BRIDGE addr add 10.250.2.2/24 dev pq${TAG}b &&
    for i in 2 3 4 5 6 7 8 9 10 11; do ip -n $NS_CALLERS addr add 10.250.1.$i/24 dev pq${TAG}c || exit 1; done &&
    for ns in $NS_CALLERS $NS_RELAY $NS_BRIDGE; do ip -n $ns link set lo up || exit 1; done &&
    ip -n $NS_CALLERS link set pq${TAG}c up && ip -n $NS_RELAY link set pq${TAG}rc up &&
    ip -n $NS_RELAY link set pq${TAG}rb up && ip -n $NS_BRIDGE link set pq${TAG}b up &&
    ip -n $NS_CALLERS route add default via 10.250.1.1 && ip -n $NS_BRIDGE route add default via 10.250.2.1 &&
    ip netns exec $NS_RELAY sysctl -qw net.ipv4.ip_forward=1 \
        || { echo "quality: 0 passed, 1 failed (network namespaces)"; exit 1; }
    BRIDGE_IP=10.250.2.2 RELAY_IN=10.250.1.1 RELAY_OUT=10.250.2.1
    CALLER_IPS=(10.250.1.2 10.250.1.3 10.250.1.4 10.250.1.5 10.250.1.6 10.250.1.7 10.250.1.8 10.250.1.9 10.250.1.10
        10.250.1.11)
    SIP_PORT=5060
    echo "# callers, relay and bridge in network namespaces ($NS_CALLERS, $NS_RELAY, $NS_BRIDGE)"
else
    BRIDGE_IP=127.0.0.1 RELAY_IN=127.0.0.2 RELAY_OUT=127.0.0.1
    CALLER_IPS=(127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8 127.0.0.9 127.0.0.10 127.0.0.11 127.0.0.12 127.0.0.13)
    SIP_PORT=$((19500 + RANDOM % 400))
    echo "# callers, relay and bridge on 127.0.0.0/8 (no network namespaces)"
fi
RTP_PORTS=19900-19939

# Rooms: 4201 G.711 clean, 4202 G.711 impaired, 4203 G.722 clean, 4204 G.722 impaired, 4205 Opus impaired,
# 4206 Opus clean; mixing at 16 kHz: 4207 Opus clean, 4208 Opus impaired, 4209 G.722 clean, 4210 G.722 impaired.
for ext in 4201 4202 4203 4204 4205 4206 4207 4208 4209 4210; do
    rate=8000; [ $ext -ge 4207 ] && rate=16000
    "$PARLEY" rooms add --data "$WORK/data" --name "Q$ext" --extension $ext --pin 2468 \
        --option announce_join_leave=no --option internal_sample_rate=$rate >/dev/null || exit 1
done
printf 'advertised_address = "%s"\nadmin = "127.0.0.1:0"\n' "$RELAY_IN" >"$WORK/parley.toml"
in_ns $NS_BRIDGE "$PARLEY" serve --config "$WORK/parley.toml" --data "$WORK/data" --sip "$BRIDGE_IP:$SIP_PORT" \
    --rtp-ports $RTP_PORTS >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
in_ns $NS_RELAY "$VENV/bin/python" "$HERE/relay.py" --listen $RELAY_IN --target $BRIDGE_IP --upstream-bind $RELAY_OUT \
    --ports "$SIP_PORT,$RTP_PORTS" --media-ports $RTP_PORTS --impair-from "${CALLER_IPS[1]},${CALLER_IPS[3]},${CALLER_IPS[4]},${CALLER_IPS[7]},${CALLER_IPS[9]}" \
    --loss "$LOSS" --jitter-ms "$JITTER_MS" --reorder 0.02 --duplicate 0.01 --seed 7 \
    --stats "$WORK/relay.json" >"$WORK/relay.log" 2>&1 &
RELAY_PID=$!
for _ in $(seq 1 100); do grep -q "admin API on" "$WORK/serve.log" && grep -q ready "$WORK/relay.log" && break; sleep 0.1; done
check "bridge and relay start" bash -c "grep -q 'serving SIP' '$WORK/serve.log' && grep -q ready '$WORK/relay.log'"

# The calls, QUALITY_BATCH scenarios at a time (3: more at once starve a 2-core machine); caller 1 speaks, caller 2
# records.
SCENARIOS=("4201 PCMU clean nb" "4202 PCMU impaired nb" "4203 G722 clean nb" "4204 G722 impaired nb"
    "4205 OPUS impaired nb" "4206 OPUS clean nb" "4207 OPUS clean wb" "4208 OPUS impaired wb" "4209 G722 clean wb"
    "4210 G722 impaired wb")
# make test runs the G.711 pair and narrowband Opus impaired, then wideband Opus clean and impaired (two batches,
# about a minute); QUALITY_SCENARIOS="0 1 2 3 4 5 6 7 8 9" runs all ten, in four batches. The debug build's G.722
# test caller keeps time only with the machine to itself: QUALITY_BATCH=1 QUALITY_SCENARIOS="8 9" for G.722.
ONLY=${QUALITY_SCENARIOS:-0 1 4 6 7}
case " $ONLY " in *" 6 "* | *" 7 "* | *" 8 "* | *" 9 "*)
    prepare_wideband || { echo "quality: 0 passed, 1 failed (16 kHz speech: ffmpeg and asterisk-core-sounds-en-g722)"; exit 1; } ;;
esac
ADMIN=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.log" | head -1)
run_batch() {
    local i ext codec band play pids=()
    for i in "$@"; do
        read -r ext codec _ band <<<"${SCENARIOS[$i]}"
        mkdir -p "$WORK/rec-$ext"
        local wide=()
        if [ "$band" = wb ]; then
            wide=(--audio-rate 16000 --opus-bitrate "${OPUS_WB_BITRATE:-48000}"
                --opus-complexity "${OPUS_WB_COMPLEXITY:-10}")
            play="$SPEECH16"
        else
            play="$SPEECH"
        fi
        (in_ns $NS_CALLERS "$LOAD" --server "$RELAY_IN:$SIP_PORT" --bind "${CALLER_IPS[$i]}" --rooms $ext \
            --pin 2468 --callers 2 --rate 5 --duration $HOLD --codec $codec \
            --opus-loss-percent "${OPUS_LOSS_PERCENT:-10}" "${wide[@]}" --play "$play" --record "$WORK/rec-$ext" \
            >"$WORK/load-$ext.log" 2>&1) &
        pids+=($!)
    done
    # Meanwhile, the largest jitter-buffer delay of any caller, once a second (the admin API in the bridge's
    # namespace).
    while kill -0 "${pids[0]}" 2>/dev/null; do
        in_ns $NS_BRIDGE curl -sf "$ADMIN/metrics" | awk '/^parley_jitter_buffer_max_ms / {print int($2)}' >>"$WORK/delays"
        sleep 1
    done
    for pid in "${pids[@]}"; do wait $pid; done
}
batch=()
for i in $ONLY; do
    batch+=($i)
    if [ ${#batch[@]} -ge "${QUALITY_BATCH:-3}" ]; then run_batch "${batch[@]}"; batch=(); fi
done
[ ${#batch[@]} -gt 0 ] && run_batch "${batch[@]}"
kill -TERM $RELAY_PID 2>/dev/null; wait $RELAY_PID 2>/dev/null; RELAY_PID=""
echo "# relay: $(cat "$WORK/relay.json" 2>/dev/null)"
# What the bridge's jitter buffers did with each caller's packets (late, lost, rebuilt from FEC, concealed).
sleep 1
grep "media leg closed" "$WORK/serve.log" | grep -v " received=0 " \
    | sed -E 's/^.* parley: (.*) \[Conference\] media leg closed.*$/# leg: \1/' | head -20

check "the jitter buffer stays bounded (at most 640 ms, half its ring)" bash -c \
    "sort -n '$WORK/delays' | awk 'NF { n++; last = \$1 } END { printf \"largest delay %d ms over %d samples\\n\", last, n; exit !(n >= 5 && last <= 640) }'"

# The RTP issue's goals are 4.0 clean and 3.5 with 5% loss and 40 ms jitter; the test fails only below the floors
# PESQ_MIN_CLEAN and PESQ_MIN_IMPAIRED, which a broken path (silence, garbage, lost sync: about 1 to 1.5) cannot
# reach. G.711 itself, a perfect µ-law round trip of this speech, scores 4.04, and 5% loss concealed by repeating
# the last frame 2.71 (BENCHMARKS.md), so the goals sit at or above what the codec allows. Scenarios 0-5 are scored
# narrowband (rooms mixing at 8 kHz, callers at 8 kHz), 6-9 wideband (P.862.2, everything at 16 kHz).
for i in $ONLY; do
    read -r ext codec kind band <<<"${SCENARIOS[$i]}"
    goal=4.0 floor=${PESQ_MIN_CLEAN:-2.5}
    [ "$kind" = impaired ] && goal=3.5 floor=${PESQ_MIN_IMPAIRED:-2.0}
    reference="$SPEECH"; [ "$band" = wb ] && reference="$SPEECH16"
    check "PESQ $band, $codec $kind (floor $floor, goal $goal)" "$VENV/bin/python" "$HERE/score.py" --mode $band \
        "$reference" "$WORK/rec-$ext/caller-2.wav" --min $floor --goal $goal
    [ -n "${PESQ_RESULTS:-}" ] && echo "$codec $kind $band $(head -1 "$WORK/out")" >>"$PESQ_RESULTS"
done
if [ $failed -gt 0 ]; then for f in "$WORK"/load-*.log; do echo "== $f"; tail -5 "$f"; done; tail -20 "$WORK/serve.log"; fi

echo "quality: $passed passed, $failed failed"
[ $failed -eq 0 ]
