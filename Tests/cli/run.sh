#!/usr/bin/env bash
# Tests of the `parley` executable as operators use it: the rooms commands, bad arguments, a busy port,
# and a real call from sipp to `parley serve`. Prints "N passed, N failed" and exits non-zero on failure.
set -uo pipefail
PARLEY=${1:?usage: run.sh PATH_TO_PARLEY}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'kill $SERVER_PID $HOLDER_PID $LOAD_PID 2>/dev/null; rm -rf "$WORK"' EXIT
LOAD_PID=""
SERVER_PID=""
HOLDER_PID=""
passed=0
failed=0

check() { # name, command...; passes when the command succeeds
    local name=$1; shift
    if "$@" >"$WORK/out" 2>&1; then
        passed=$((passed + 1)); echo "ok   - $name"
    else
        failed=$((failed + 1)); echo "FAIL - $name"; sed 's/^/       /' "$WORK/out" | head -20
    fi
}

# A command that must fail with exactly one line of error output and no backtrace.
fails_with_one_line() { # expected-substring, command...
    local expected=$1; shift
    local output status
    output=$("$@" 2>&1); status=$?
    [ $status -ne 0 ] || { echo "exit status was 0"; return 1; }
    echo "$output" | grep -q "$expected" || { echo "missing '$expected' in: $output"; return 1; }
    ! echo "$output" | grep -qiE "backtrace|fatal error|stack dump" || { echo "crash output: $output"; return 1; }
    local lines
    lines=$(echo "$output" | grep -c "Error:")
    [ "$lines" -eq 1 ] || { echo "expected one Error: line, got: $output"; return 1; }
}

DATA="$WORK/data"
check "help exits 0" "$PARLEY" --help
check "rooms add generates a 6-digit PIN" bash -c \
    "'$PARLEY' rooms add --data '$DATA' --name Sales --extension 1000 | grep -qE 'extension 1000 pin [0-9]{6}( |$)'"
check "rooms add keeps a given PIN" bash -c \
    "'$PARLEY' rooms add --data '$DATA' --name Ops --extension 1001 --pin 0042 | grep -q 'pin 0042'"
check "rooms list shows both rooms" bash -c \
    "'$PARLEY' rooms list --data '$DATA' | grep -c 'room ' | grep -qx 2"
check "a PIN with letters is refused" fails_with_one_line "PIN must be" \
    "$PARLEY" rooms add --data "$DATA" --name Bad --extension 1002 --pin 12a4
check "a duplicate extension is refused" fails_with_one_line "already in use" \
    "$PARLEY" rooms add --data "$DATA" --name Dup --extension 1000
check "rooms remove removes" bash -c "'$PARLEY' rooms remove --data '$DATA' 1001 && ! '$PARLEY' rooms list --data '$DATA' | grep -q 1001"
check "removing a missing room fails" fails_with_one_line "no room" "$PARLEY" rooms remove --data "$DATA" 1001
touch "$WORK/not-a-directory"
check "a data path that is a file is refused" fails_with_one_line "not a directory" \
    "$PARLEY" rooms list --data "$WORK/not-a-directory"
check "a bad --sip is refused" fails_with_one_line "host:port" "$PARLEY" serve --data "$DATA" --sip nonsense
check "a bad --rtp-ports is refused" fails_with_one_line "RTP port range" \
    "$PARLEY" serve --data "$DATA" --rtp-ports 5000-4000
printf 'sip = "127.0.0.1:5099"\nbogus_option = 1\n' > "$WORK/bad.toml"
check "an unknown config key is named" fails_with_one_line "unknown setting 'bogus_option'" \
    "$PARLEY" serve --data "$DATA" --config "$WORK/bad.toml"

# A busy port: hold a UDP port with python, then ask parley to bind it.
BUSY=$((30000 + RANDOM % 2000))
python3 -c "import socket,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('127.0.0.1',$BUSY)); time.sleep(30)" &
HOLDER_PID=$!
sleep 0.5
check "a busy SIP port gives a one-line error" fails_with_one_line "address already in use" \
    "$PARLEY" serve --data "$DATA" --sip "127.0.0.1:$BUSY"
kill $HOLDER_PID 2>/dev/null; HOLDER_PID=""

# The real thing: parley serve with the demo room, called by sipp.
PORT=$((32000 + RANDOM % 2000))
"$PARLEY" serve --data "$WORK/demo" --sip "127.0.0.1:$PORT" --rtp-ports 36000-36199 --demo-room >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/serve.log" && break; sleep 0.1; done
check "serve prints the demo room's PIN" grep -qE 'dial 1000, PIN [0-9]{6}' "$WORK/serve.log"
check "sipp completes a call to the demo room" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/uac-call.xml' -s 1000 -i 127.0.0.1 -p 0 -mp 37000 -m 2 -l 1 -timeout 30s -timeout_error -nostdin >/dev/null 2>&1"
check "sipp OPTIONS is answered" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/options.xml' -s 1000 -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error -nostdin >/dev/null 2>&1"
printf '[trunk]\nexpires = 5\n' > "$WORK/trunk.toml"
check "a bad trunk.expires is named" fails_with_one_line "trunk.expires" \
    "$PARLEY" serve --data "$DATA" --config "$WORK/trunk.toml"
kill -TERM $SERVER_PID
check "serve exits cleanly on SIGTERM" bash -c "for i in \$(seq 1 50); do kill -0 $SERVER_PID 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
wait $SERVER_PID 2>/dev/null
SERVER_PID=""

# SIP over TCP when the config file says sip_tcp = true.
PORT=$((32000 + RANDOM % 2000))
printf 'sip_tcp = true\nadmin = "off"\n' > "$WORK/tcp.toml"
"$PARLEY" serve --data "$WORK/tcp" --config "$WORK/tcp.toml" --sip "127.0.0.1:$PORT" --rtp-ports 36400-36499 \
    --demo-room >"$WORK/tcp.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/tcp.log" && break; sleep 0.1; done
check "sipp over TCP is answered (sip_tcp = true)" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -t t1 -sf '$HERE/../sipp/options.xml' -s 1000 -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error -nostdin >/dev/null 2>&1"
kill -TERM $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=""

# A recording survives kill -9: two callers in a room that records, then the server is killed mid-call.
LOAD="$(dirname "$PARLEY")/parley-load"
PORT=$((32000 + RANDOM % 2000))
"$PARLEY" rooms add --data "$WORK/rec" --name Rec --extension 4100 --pin 2468 --option record_conference=yes >/dev/null
"$PARLEY" serve --data "$WORK/rec" --sip "127.0.0.1:$PORT" --rtp-ports 36200-36399 >"$WORK/rec.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/rec.log" && break; sleep 0.1; done
"$LOAD" --server "127.0.0.1:$PORT" --rooms 4100 --pin 2468 --callers 2 --duration 20 >"$WORK/load.log" 2>&1 &
LOAD_PID=$!
sleep 12
kill -9 $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=""
kill $LOAD_PID 2>/dev/null; wait $LOAD_PID 2>/dev/null
REC=$(ls "$WORK"/rec/recordings/*.wav 2>/dev/null | head -1)
check "a recording exists after kill -9" test -n "$REC"
check "the recording is playable with at least 3 s of audio" bash -c \
    "d=\$(soxi -D '$REC') && awk -v d=\$d 'BEGIN { exit !(d >= 3) }'"
check "the recording holds the callers' tones (not silence)" bash -c \
    "r=\$(sox '$REC' -n stat 2>&1 | awk '/RMS     amplitude/ {print \$3}') && awk -v r=\$r 'BEGIN { exit !(r > 0.01) }'"

# parley-load end to end: 8 callers placed concurrently into 2 rooms; 2 talkers a room send tones, the rest silence;
# 4 sampled callers (talkers and listeners) must hear the talkers and not themselves, and every call be answered.
PORT=$((32000 + RANDOM % 2000))
"$PARLEY" rooms add --data "$WORK/load" --name LoadA --extension 4201 --pin 1357 >/dev/null
"$PARLEY" rooms add --data "$WORK/load" --name LoadB --extension 4202 --pin 1357 >/dev/null
"$PARLEY" serve --data "$WORK/load" --sip "127.0.0.1:$PORT" --rtp-ports 36500-36699 --admin off >"$WORK/loadsrv.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/loadsrv.log" && break; sleep 0.1; done
check "parley-load: 8 callers in 2 rooms answered, sampled callers hear the talkers and not themselves" \
    "$LOAD" --server "127.0.0.1:$PORT" --rooms 4201,4202 --pin 1357 --callers 8 --rate 40 --talkers 2 \
    --duration 4 --settle 5 --check-callers 4 --json "$WORK/load.json"
check "parley-load: JSON with setup time, packets, loss and jitter" bash -c \
    "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d[\"answered\"] == 8 and d[\"audioOK\"] == 4 and d[\"setupMsP50\"] > 0 and d[\"packetsReceived\"] > 8 * 20 * 3 and d[\"lossPercent\"] < 5))' '$WORK/load.json'"
kill -TERM $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=""

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
