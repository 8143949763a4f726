#!/usr/bin/env bash
# Scale-out for real on loopback: PostgreSQL (Debian's, its own data directory here), Kamailio with
# deploy/kamailio/kamailio.cfg, and two Parley nodes sharing the rooms through the PostgreSQL store.
# Calls into four rooms go through Kamailio; every caller of a room must land on one node and hear the others.
# Then the node holding rooms is drained (SIGTERM: OPTIONS and INVITEs get 503) and killed, and new calls to its
# rooms must reach the other node. Prints "N passed, N failed"; exits non-zero on failure.
set -uo pipefail
BIN=${1:?usage: run.sh BIN_DIR (holding parley and parley-load)}
PARLEY="$BIN/parley"
LOAD="$BIN/parley-load"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
WORK=$(mktemp -d)
chmod 755 "$WORK"
STARTED=$(date +%s.%N)
NODE_PIDS=()
KAM_PID=""
LOAD_PID=""
cleanup() {
    for pid in "${NODE_PIDS[@]}" $LOAD_PID; do kill -9 "$pid" 2>/dev/null; done
    # Kamailio forks its workers: stop its whole process group (setsid made it the group's leader).
    if [ -n "$KAM_PID" ]; then
        kill -TERM -- -"$KAM_PID" 2>/dev/null; sleep 0.3; kill -9 -- -"$KAM_PID" 2>/dev/null
    fi
    [ -f "$WORK/pg/data/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# PostgreSQL will not run as root: as root, its programs run as Debian's postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
wait_for() { # seconds, command...: polls every 0.1 s
    local tries=$(($1 * 10)); shift
    for _ in $(seq 1 $tries); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}
udp_listening() { ss -Hlun "sport = :$1" | grep -q .; }

# Fixed ports below the ephemeral range (see the README's Tests section), apart from what runs beside this script.
BASE=$((16800 + RANDOM % 10 * 10))
PG_PORT=$BASE
KAM_PORT=$((BASE + 1))
SIP_A=$((BASE + 2))
SIP_B=$((BASE + 3))
ADMIN_A=$((BASE + 4))
ADMIN_B=$((BASE + 5))

# 1. PostgreSQL: a throwaway cluster (no fsync: the test's data needs no durability).
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
check "PostgreSQL starts" bash -c "
    $(declare -f as_postgres)
    as_postgres '$PG_BIN/initdb' -D '$WORK/pg/data' -U parley --auth=trust -E UTF8 --no-sync &&
    as_postgres '$PG_BIN/pg_ctl' -D '$WORK/pg/data' -l '$WORK/pg/server.log' -w -t 20 \
        -o '-k $WORK/pg -p $PG_PORT -c listen_addresses=127.0.0.1 -c fsync=off' start &&
    as_postgres '$PG_BIN/createdb' -h 127.0.0.1 -p $PG_PORT -U parley parley"
STORE="postgres://parley@127.0.0.1:$PG_PORT/parley"

# 2. Two Parley nodes on the one database; the rooms are added afterwards, so the nodes learn them by NOTIFY.
start_node() { # name sip-port admin-port rtp-range
    "$PARLEY" serve --store-url "$STORE" --data "$WORK/$1" --sip "127.0.0.1:$2" --admin "127.0.0.1:$3" \
        --rtp-ports "$4" --drain-seconds 10 >"$WORK/$1.log" 2>&1 &
    NODE_PIDS+=($!)
}
start_node a $SIP_A $ADMIN_A 12000-12199
start_node b $SIP_B $ADMIN_B 12200-12399
PID_A=${NODE_PIDS[0]}
PID_B=${NODE_PIDS[1]}
check "both Parley nodes serve" wait_for 20 bash -c "grep -q 'serving SIP' '$WORK/a.log' && grep -q 'serving SIP' '$WORK/b.log'"
ROOMS=(7101 7102 7103 7104)
for room in "${ROOMS[@]}"; do
    "$PARLEY" rooms add --store-url "$STORE" --name "Room $room" --extension $room --pin 2468 >/dev/null
done
room_known() { curl -sf "http://127.0.0.1:$1/api/v1/rooms/$2" >/dev/null; }
check "a room added on the database is known to both nodes" wait_for 2 bash -c \
    "$(declare -f room_known); room_known $ADMIN_A 7104 && room_known $ADMIN_B 7104"

# 3. Kamailio with the repository's config, the two nodes in its dispatcher list, probing every second.
mkdir -p "$WORK/kamailio"
printf '1 sip:127.0.0.1:%s\n1 sip:127.0.0.1:%s\n' $SIP_A $SIP_B >"$WORK/kamailio/dispatcher.list"
setsid kamailio -f "$ROOT/deploy/kamailio/kamailio.cfg" -DD -E -Y "$WORK/kamailio" -w "$WORK/kamailio" \
    -A "LISTEN=udp:127.0.0.1:$KAM_PORT" -A "DISPATCHER_LIST=\"$WORK/kamailio/dispatcher.list\"" \
    -A "PROBE_SECONDS=1" >"$WORK/kamailio.log" 2>&1 &
KAM_PID=$!
check "Kamailio listens" wait_for 10 udp_listening $KAM_PORT

# 4. Two callers into each of the four rooms through Kamailio; both talk (a tone each) and each must hear the
#    other. While they hold, each node's admin API says who is in which room.
rooms_csv=$(IFS=,; echo "${ROOMS[*]}")
"$LOAD" --server "127.0.0.1:$KAM_PORT" --rooms "$rooms_csv" --pin 2468 --callers 8 --rate 20 --talkers 2 \
    --settle 4 --duration 4 --check-callers 8 >"$WORK/load1.log" 2>&1 &
LOAD_PID=$!
count() { # admin-port room: callers in the room on that node
    curl -sf "http://127.0.0.1:$1/api/v1/rooms/$2/participants" \
        | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("participants", [])))' 2>/dev/null || echo 0
}
# Polls until all eight callers are in (or 8 s pass), then says where each room's callers are.
for _ in $(seq 1 40); do
    sleep 0.2
    ROOMS_A=()
    ROOMS_B=()
    split=""
    total=0
    for room in "${ROOMS[@]}"; do
        on_a=$(count $ADMIN_A $room); on_b=$(count $ADMIN_B $room)
        split="$split $room:a=$on_a,b=$on_b"
        total=$((total + on_a + on_b))
        if [ "$on_a" = 2 ] && [ "$on_b" = 0 ]; then ROOMS_A+=($room); fi
        if [ "$on_b" = 2 ] && [ "$on_a" = 0 ]; then ROOMS_B+=($room); fi
    done
    [ $total -ge 8 ] && break
done
echo "     callers per room and node:$split"
check "every room's two callers are on one node" test $((${#ROOMS_A[@]} + ${#ROOMS_B[@]})) -eq 4
wait $LOAD_PID; LOAD_STATUS=$?; LOAD_PID=""
check "all 8 calls through Kamailio answered; every caller hears the other and not itself" bash -c \
    "[ $LOAD_STATUS -eq 0 ] && grep -q 'calls: 8 of 8 answered' '$WORK/load1.log'" 
[ $LOAD_STATUS -eq 0 ] || tail -15 "$WORK/load1.log"

# 5. Drain the node with the most rooms while one call holds it up, then kill it; new calls to its rooms must
#    reach the other node.
if [ ${#ROOMS_A[@]} -ge ${#ROOMS_B[@]} ]; then
    DRAINED=a; DRAINED_PID=$PID_A; MOVED=("${ROOMS_A[@]}"); OTHER_ADMIN=$ADMIN_B; DRAINED_PORT=$SIP_A
else
    DRAINED=b; DRAINED_PID=$PID_B; MOVED=("${ROOMS_B[@]}"); OTHER_ADMIN=$ADMIN_A; DRAINED_PORT=$SIP_B
fi
if [ ${#MOVED[@]} -eq 0 ]; then
    echo "cluster: no room landed whole on a node; stopping here"
    echo "cluster: $passed passed, $((failed + 1)) failed"
    exit 1
fi
"$LOAD" --server "127.0.0.1:$KAM_PORT" --rooms "${MOVED[0]}" --pin 2468 --callers 1 --settle 1 --duration 30 \
    --check-callers 0 >"$WORK/hold.log" 2>&1 &
LOAD_PID=$!
drained_admin=$([ $DRAINED = a ] && echo $ADMIN_A || echo $ADMIN_B)
wait_for 5 bash -c "[ \"\$(curl -sf http://127.0.0.1:$drained_admin/api/v1/rooms/${MOVED[0]}/participants \
    | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"participants\"]))')\" = 1 ]"
kill -TERM $DRAINED_PID
check "Kamailio's OPTIONS probe sees the draining node (503) and marks it down" wait_for 5 grep -q \
    "Parley node down: sip:127.0.0.1:$DRAINED_PORT" "$WORK/kamailio.log"
check "the draining node still holds its call in progress" kill -0 $DRAINED_PID
kill -9 $DRAINED_PID 2>/dev/null; wait $DRAINED_PID 2>/dev/null
kill $LOAD_PID 2>/dev/null; wait $LOAD_PID 2>/dev/null; LOAD_PID=""
moved_csv=$(IFS=,; echo "${MOVED[*]}")
"$LOAD" --server "127.0.0.1:$KAM_PORT" --rooms "$moved_csv" --pin 2468 --callers $((2 * ${#MOVED[@]})) --rate 20 \
    --talkers 2 --settle 5 --duration 2 --check-callers 4 >"$WORK/load2.log" 2>&1 &
LOAD_PID=$!
all_moved() { for room in "${MOVED[@]}"; do [ "$(count $OTHER_ADMIN $room)" = 2 ] || return 1; done; }
check "after node $DRAINED drained and died, its rooms' new callers are on the other node" wait_for 6 all_moved
wait $LOAD_PID; LOAD_STATUS=$?; LOAD_PID=""
check "the new calls are answered and hear each other" bash -c \
    "[ $LOAD_STATUS -eq 0 ] && grep -q 'calls: $((2 * ${#MOVED[@]})) of $((2 * ${#MOVED[@]})) answered' '$WORK/load2.log'"
[ $LOAD_STATUS -eq 0 ] || tail -15 "$WORK/load2.log"

echo "cluster: took $(python3 -c "import time; print(round(time.time() - $STARTED, 1))") s"
echo "cluster: $passed passed, $failed failed"
if [ $failed -ne 0 ]; then
    for log in a b; do echo "--- node $log"; tail -20 "$WORK/$log.log"; done
    echo "--- kamailio"; tail -30 "$WORK/kamailio.log"
fi
[ $failed -eq 0 ]
