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

# Crash safety: the server is killed with kill -9 during calls in two rooms, one of them recording; on restart
# with the same data directory every room is there unchanged (CLI and admin API), the recording plays with a
# header that matches its data, and the rooms take calls again.
LOAD="$(dirname "$PARLEY")/parley-load"
PORT=$((32000 + RANDOM % 2000))
"$PARLEY" rooms add --data "$WORK/rec" --name Rec --extension 4100 --pin 2468 --option record_conference=yes >/dev/null
"$PARLEY" rooms add --data "$WORK/rec" --name Other --extension 4101 --pin 2468 --did 5551234 \
    --option startmuted=yes --option max_members=9 >/dev/null
"$PARLEY" rooms add --data "$WORK/rec" --name Idle --extension 4102 --pin-length 8 >/dev/null
rooms_before=$(for ext in 4100 4101 4102; do "$PARLEY" rooms show --data "$WORK/rec" $ext; done)
printf 'admin = "127.0.0.1:0"\n' >"$WORK/rec.toml"
"$PARLEY" serve --config "$WORK/rec.toml" --data "$WORK/rec" --sip "127.0.0.1:$PORT" --rtp-ports 36200-36399 \
    >"$WORK/rec.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/rec.log" && break; sleep 0.1; done
"$LOAD" --server "127.0.0.1:$PORT" --rooms 4100,4101 --pin 2468 --callers 4 --duration 20 >"$WORK/load.log" 2>&1 &
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
check "the recording's header sizes match its data" python3 -c '
import struct, sys
data = open(sys.argv[1], "rb").read()
riff, = struct.unpack_from("<I", data, 4)
offset = 12
while offset + 8 <= len(data) and data[offset:offset + 4] != b"data":
    offset += 8 + struct.unpack_from("<I", data, offset + 4)[0]
size, = struct.unpack_from("<I", data, offset + 4)
assert riff == len(data) - 8, f"RIFF size {riff}, file {len(data)} bytes"
assert size == len(data) - offset - 8, f"data size {size}, {len(data) - offset - 8} bytes of data"
assert size > 0, "no audio"
' "$REC"
PORT=$((32000 + RANDOM % 2000))
"$PARLEY" serve --config "$WORK/rec.toml" --data "$WORK/rec" --sip "127.0.0.1:$PORT" --rtp-ports 36200-36399 \
    >"$WORK/restart.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "admin API on" "$WORK/restart.log" && break; sleep 0.1; done
check "serve restarts on the data directory after kill -9" grep -q "serving SIP" "$WORK/restart.log"
check "every room is unchanged after the restart (CLI)" bash -c \
    "[ \"\$(for ext in 4100 4101 4102; do '$PARLEY' rooms show --data '$WORK/rec' \$ext; done)\" = '$rooms_before' ]"
ADMIN=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/restart.log" | head -1)
check "every room is listed by the admin API after the restart" bash -c \
    "curl -sf '$ADMIN/api/v1/rooms' | python3 -c 'import json, sys; rooms = json.load(sys.stdin); rooms = rooms.get(\"rooms\", rooms); assert sorted(r[\"extension\"] for r in rooms) == [\"4100\", \"4101\", \"4102\"], rooms'"
check "the recording is listed by the admin API after the restart" bash -c \
    "curl -sf '$ADMIN/api/v1/recordings' | grep -q '$(basename "$REC")'"
check "a room takes calls again after the restart" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/uac-call.xml' -s 4101 -i 127.0.0.1 -p 0 -mp 37100 -m 1 -timeout 20s -timeout_error -nostdin >/dev/null 2>&1"
kill -TERM $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=""

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
