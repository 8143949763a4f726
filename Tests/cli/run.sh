#!/usr/bin/env bash
# Tests of the `parley` executable as operators use it: the rooms commands, bad arguments, a busy port,
# and a real call from sipp to `parley serve`. Prints "N passed, N failed" and exits non-zero on failure.
set -uo pipefail
PARLEY=${1:?usage: run.sh PATH_TO_PARLEY}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'kill $SERVER_PID $HOLDER_PID $LOAD_PID $LOAD2_PID 2>/dev/null; rm -rf "$WORK"' EXIT
LOAD_PID=""
LOAD2_PID=""
SERVER_PID=""
HOLDER_PID=""

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

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
check "rooms set --menu stores a room's own menu, shown by rooms show" bash -c \
    "'$PARLEY' rooms set --data '$DATA' 1000 --menu '#1=toggle_mute,#9=leave_conference' >/dev/null && '$PARLEY' rooms show --data '$DATA' 1000 | grep -qx '  menu=#1=toggle_mute,#9=leave_conference'"
check "a menu with an unreachable sequence is refused, naming it" fails_with_one_line "'\*12' can never be reached" \
    "$PARLEY" rooms add --data "$DATA" --name Menu --extension 1003 --menu '*1=toggle_mute,*12=leave_conference'
check "a menu with an unknown action is refused, naming it" fails_with_one_line "\*5=fly" \
    "$PARLEY" rooms set --data "$DATA" 1000 --menu '*5=fly'
check "a mixing_interval ConfBridge does not know is refused with the reason" fails_with_one_line "10, 20, 40 or 80" \
    "$PARLEY" rooms set --data "$DATA" 1000 --option mixing_interval=30
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

# Config checking and the version, as an operator runs them before a deploy.
ROOT=$(cd "$HERE/../.." && pwd)
check "version prints the version" bash -c "'$PARLEY' version | grep -qE '^parley [0-9]+\.[0-9]+\.[0-9]+'"
check "--help lists check-config and version" bash -c "'$PARLEY' --help | grep -q check-config && '$PARLEY' --help | grep -q version"
check "serve --help explains the signals" bash -c "'$PARLEY' serve --help | grep -q SIGHUP && '$PARLEY' serve --help | grep -q 503"
check "the example config passes check-config" "$PARLEY" check-config "$ROOT/config/parley.example.toml"
printf '# comment\nlog_level = "loud"\n\n[sip]\nlisten = "127.0.0.1:5060"\ntcp = "yes"\n[admin]\ntokn = "x"\n' > "$WORK/many.toml"
check_many() {
    local output status
    output=$("$PARLEY" check-config "$WORK/many.toml" 2>&1); status=$?
    [ $status -eq 1 ] || { echo "exit status $status, want 1: $output"; return 1; }
    echo "$output" | grep -q "many.toml: line 2: log_level: unknown log level 'loud'" || { echo "$output"; return 1; }
    echo "$output" | grep -q "many.toml: line 6: sip.tcp: must be true or false" || { echo "$output"; return 1; }
    echo "$output" | grep -q "many.toml: line 8: admin.tokn: unknown setting 'admin.tokn'" || { echo "$output"; return 1; }
    [ "$(echo "$output" | grep -c 'many.toml: line')" -eq 3 ] || { echo "want 3 problems: $output"; return 1; }
}
check "check-config names each bad key and its line, exit 1" check_many
printf 'sip = [broken\n' > "$WORK/syntax.toml"
check "check-config gives a syntax error's line" bash -c \
    "out=\$('$PARLEY' check-config '$WORK/syntax.toml' 2>&1); [ \$? -eq 1 ] && echo \"\$out\" | grep -q 'line 1: not valid TOML'"

# A busy port: hold a UDP port with python, then ask parley to bind it.
BUSY=$((10000 + RANDOM % 2000))
python3 -c "import socket,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('127.0.0.1',$BUSY)); time.sleep(30)" &
HOLDER_PID=$!
sleep 0.5
check "a busy SIP port gives a one-line error" fails_with_one_line "address already in use" \
    "$PARLEY" serve --data "$DATA" --sip "127.0.0.1:$BUSY"
kill $HOLDER_PID 2>/dev/null; HOLDER_PID=""

# The real thing: parley serve with the demo room, called by sipp.
PORT=$((12000 + RANDOM % 2000))
"$PARLEY" serve --data "$WORK/demo" --sip "127.0.0.1:$PORT" --rtp-ports 16000-16199 --demo-room >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "serving SIP" "$WORK/serve.log" && break; sleep 0.1; done
check "serve prints the demo room's PIN" grep -qE 'dial 1000, PIN [0-9]{6}' "$WORK/serve.log"
check "sipp completes a call to the demo room" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/uac-call.xml' -s 1000 -i 127.0.0.1 -p 0 -mp 17000 -m 2 -l 1 -timeout 30s -timeout_error -nostdin >/dev/null 2>&1"
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
PORT=$((12000 + RANDOM % 2000))
printf 'sip_tcp = true\nadmin = "off"\n' > "$WORK/tcp.toml"
"$PARLEY" serve --data "$WORK/tcp" --config "$WORK/tcp.toml" --sip "127.0.0.1:$PORT" --rtp-ports 16400-16499 \
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
PORT=$((12000 + RANDOM % 2000))
"$PARLEY" rooms add --data "$WORK/rec" --name Rec --extension 4100 --pin 2468 --option record_conference=yes >/dev/null
"$PARLEY" rooms add --data "$WORK/rec" --name Other --extension 4101 --pin 2468 --did 5551234 \
    --option startmuted=yes --option max_members=9 >/dev/null
"$PARLEY" rooms add --data "$WORK/rec" --name Idle --extension 4102 --pin-length 8 >/dev/null
rooms_before=$(for ext in 4100 4101 4102; do "$PARLEY" rooms show --data "$WORK/rec" $ext; done)
printf 'admin = "127.0.0.1:0"\n' >"$WORK/rec.toml"
"$PARLEY" serve --config "$WORK/rec.toml" --data "$WORK/rec" --sip "127.0.0.1:$PORT" --rtp-ports 16200-16399 \
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
PORT=$((12000 + RANDOM % 2000))
"$PARLEY" serve --config "$WORK/rec.toml" --data "$WORK/rec" --sip "127.0.0.1:$PORT" --rtp-ports 16200-16399 \
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
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/uac-call.xml' -s 4101 -i 127.0.0.1 -p 0 -mp 17100 -m 1 -timeout 20s -timeout_error -nostdin >/dev/null 2>&1"
kill -TERM $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=""

# SIGHUP and SIGTERM against a live call: two callers in a room for a while (parley-load checks they hear
# each other to the end). SIGHUP with a changed PIN lets a caller with the new PIN in, a broken config is
# refused without harm; SIGTERM then drains: a new INVITE gets 503 with Retry-After, the calls go on to their
# end, and parley exits 0 well before the drain timeout.
PORT=$((12000 + RANDOM % 2000))
ADMIN_PORT=$((19000 + RANDOM % 500))
"$PARLEY" rooms add --data "$WORK/life" --name Life --extension 4200 --pin 1111 >/dev/null
printf 'log_level = "info"\ndrain_seconds = 60\n[admin]\nlisten = "127.0.0.1:%s"\n' "$ADMIN_PORT" > "$WORK/life.toml"
"$PARLEY" serve --config "$WORK/life.toml" --data "$WORK/life" --sip "127.0.0.1:$PORT" --rtp-ports 16500-16599 \
    >"$WORK/life.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "admin API on" "$WORK/life.log" && break; sleep 0.1; done
"$LOAD" --server "127.0.0.1:$PORT" --rooms 4200 --pin 1111 --callers 2 --duration 12 --check-callers 0 >"$WORK/life-load.log" 2>&1 &
LOAD_PID=$!
sleep 3
"$PARLEY" rooms set --data "$WORK/life" 4200 --pin 2222 >/dev/null
printf 'log_level = "debug"\ndrain_seconds = 20\n[admin]\nlisten = "127.0.0.1:%s"\n' "$ADMIN_PORT" > "$WORK/life.toml"
kill -HUP $SERVER_PID
for _ in $(seq 1 50); do grep -q "Reloaded" "$WORK/life.log" && break; sleep 0.1; done
check "SIGHUP reloads the config and the live room" grep -q "Reloaded: log level debug, drain 20.0 s, 1 live rooms refreshed" "$WORK/life.log"
"$LOAD" --server "127.0.0.1:$PORT" --rooms 4200 --pin 2222 --callers 1 --duration 2 --check-callers 0 >"$WORK/life-load2.log" 2>&1 &
LOAD2_PID=$!
participants_reach() { # count: the room shows that many callers in the conference within 8 s
    for _ in $(seq 1 80); do
        n=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/api/v1/rooms/4200/participants" | grep -o '"in_conference":true' | wc -l)
        [ "$n" -ge "$1" ] && return 0
        sleep 0.1
    done
    echo "participants in conference: $n"; return 1
}
check "after SIGHUP a caller with the new PIN gets into the live room" participants_reach 3
# /metrics during the call: the per-room counts (reported once a second) move between two scrapes.
metric() { echo "$1" | awk -v n="$2" '$1 == n { print $2 }'; }
metrics_move() {
    local before after name
    before=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics") || { echo "no /metrics"; return 1; }
    sleep 1.5
    after=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics") || { echo "no /metrics"; return 1; }
    for name in parley_rtp_packets_received_total parley_rtp_packets_sent_total \
        parley_mix_tick_lateness_seconds_count parley_mix_tick_cost_seconds_count; do
        awk -v a="$(metric "$before" $name)" -v b="$(metric "$after" $name)" 'BEGIN { exit !(b > a && a != "") }' \
            || { echo "$name did not grow: '$(metric "$before" $name)' -> '$(metric "$after" $name)'"; return 1; }
    done
    awk -v j="$(metric "$after" parley_rtp_jitter_seconds)" 'BEGIN { exit !(j > 0 && j < 0.5) }' \
        || { echo "jitter: $(metric "$after" parley_rtp_jitter_seconds)"; return 1; }
    [ "$(metric "$after" 'parley_calls_total{result="answered"}')" -ge 3 ] || { echo "$after" | grep calls_total; return 1; }
    awk -v n="$(metric "$after" parley_participants)" 'BEGIN { exit !(n >= 2) }' || { echo "$after" | grep participants; return 1; }
    [ "$(metric "$after" 'parley_mix_tick_lateness_seconds_bucket{le="+Inf"}')" = "$(metric "$after" parley_mix_tick_lateness_seconds_count)" ] \
        || { echo "histogram +Inf bucket differs from its count"; return 1; }
}
check "/metrics during a call: packets, ticks, jitter and calls by result move" metrics_move
wait $LOAD2_PID 2>/dev/null
printf 'log_level = "loud"\n' > "$WORK/life.toml"
kill -HUP $SERVER_PID
for _ in $(seq 1 50); do grep -q "Reload failed" "$WORK/life.log" && break; sleep 0.1; done
check "SIGHUP with a broken config keeps the running settings" bash -c \
    "grep -q \"Reload failed, settings unchanged: .*line 1: log_level\" '$WORK/life.log' && kill -0 $SERVER_PID"
kill -TERM $SERVER_PID
sleep 0.5
check "while draining, a new INVITE gets 503 with Retry-After" bash -c \
    "cd '$WORK' && sipp 127.0.0.1:$PORT -sf '$HERE/../sipp/uac-draining.xml' -s 4200 -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error -nostdin >/dev/null 2>&1"
check "while draining, parley keeps running for the calls in progress" kill -0 $SERVER_PID
check "the refused call is counted as unavailable" bash -c \
    "curl -sf http://127.0.0.1:$ADMIN_PORT/metrics | grep -qx 'parley_calls_total{result=\"unavailable\"} 1'"
check "flood protection's counters are on /metrics" bash -c \
    "curl -sf http://127.0.0.1:$ADMIN_PORT/metrics | grep -qx 'parley_sip_overload_refused_total{reason=\"invite_rate\"} 0' \
     && curl -sf http://127.0.0.1:$ADMIN_PORT/metrics | grep -qx 'parley_sip_sources_blocked_total 0'"
wait $LOAD_PID; LOAD_STATUS=$?; LOAD_PID=""
# The caller with the new PIN sends the same tone as one of these two, so the audio check is the packet count.
check "the calls in progress ran to their end, audio flowing, none cut by the server" bash -c \
    "[ $LOAD_STATUS -eq 0 ] && grep -q 'calls: 2 of 2 answered in 1 rooms, 0 failed, 0 ended early' '$WORK/life-load.log' \
     && awk '/packets received/ { for (i = 2; i <= NF; i++) if (\$i == \"packets\") found = (\$(i - 1) >= 1000) }
             END { exit !found }' '$WORK/life-load.log' || { cat '$WORK/life-load.log'; exit 1; }"
exited_zero() {
    for _ in $(seq 1 100); do kill -0 $SERVER_PID 2>/dev/null || break; sleep 0.1; done
    kill -0 $SERVER_PID 2>/dev/null && { echo "still running 10 s after the calls ended"; return 1; }
    wait $SERVER_PID; local status=$?
    [ $status -eq 0 ] || { echo "exit status $status"; tail -5 "$WORK/life.log"; return 1; }
}
check "after the last call parley exits 0, before the drain timeout" exited_zero
SERVER_PID=""

# parley-load end to end: 8 callers placed concurrently into 2 rooms; 2 talkers a room send tones, the rest silence;
# 4 sampled callers (talkers and listeners) must hear the talkers and not themselves, and every call be answered.
PORT=$((12000 + RANDOM % 2000))
"$PARLEY" rooms add --data "$WORK/load" --name LoadA --extension 4201 --pin 1357 >/dev/null
"$PARLEY" rooms add --data "$WORK/load" --name LoadB --extension 4202 --pin 1357 >/dev/null
"$PARLEY" serve --data "$WORK/load" --sip "127.0.0.1:$PORT" --rtp-ports 16500-16699 --admin off >"$WORK/loadsrv.log" 2>&1 &
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
