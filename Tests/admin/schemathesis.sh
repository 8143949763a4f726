#!/usr/bin/env bash
# Checks the admin API against its OpenAPI document: starts `parley serve` with a temp data directory and an
# admin token, then runs schemathesis (from PyPI, in .build-venv) with a bounded number of examples per
# operation. Also checks by hand that a request without the token is refused. Prints "N passed, N failed".
set -uo pipefail
PARLEY=${1:?usage: schemathesis.sh PATH_TO_PARLEY}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${SCHEMATHESIS_VENV:-$ROOT/.build-venv}
MAX_EXAMPLES=${MAX_EXAMPLES:-20}
WORK=$(mktemp -d)
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

CHECK_SHOW_LINES=60
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q schemathesis || { echo "admin: 0 passed, 1 failed"; exit 1; }
fi

TOKEN="admin-test-token-$RANDOM$RANDOM$RANDOM"
printf 'admin = "127.0.0.1:0"\nadmin_token = "%s"\n' "$TOKEN" >"$WORK/parley.toml"
SIP_PORT=$((14000 + RANDOM % 2000))
"$PARLEY" serve --config "$WORK/parley.toml" --data "$WORK/data" --sip "127.0.0.1:$SIP_PORT" \
    --rtp-ports 18000-18099 --demo-room --drain-seconds 1 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "admin API on" "$WORK/serve.log" && break; sleep 0.1; done
BASE=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.log" | head -1)
check "serve announces the admin API" test -n "$BASE"
check "a request without the token gets a 401 problem document" bash -c \
    "curl -s -o /dev/stderr -w '%{http_code} %{content_type}' '$BASE/api/v1/rooms' 2>/dev/null | grep -qx '401 application/problem+json'"
check "the demo room is listed with its PIN hidden" bash -c \
    "curl -sf -H 'Authorization: Bearer $TOKEN' '$BASE/api/v1/rooms' | grep -q '\"pin\":\"\\*\\*\\*\\*\\*\\*\"'"
check "metrics are served" bash -c "curl -sf '$BASE/metrics' | grep -q '^parley_rooms_configured 1'"
# Dial-out places real calls, so schemathesis does not fuzz it (it would dial whatever addresses it makes up);
# it is checked by hand instead: a target that is not an IP-address SIP URI is refused before anything is
# sent, and a call nobody answers (a silent port on 127.0.0.1) is cancelled after its 1 s ring time.
check "dial-out refuses a target that is not a sip: URI with an IP address" bash -c \
    "curl -s -o /dev/null -w '%{http_code} %{content_type}' -H 'Authorization: Bearer $TOKEN' -H 'Content-Type: application/json' \
     -d '{\"target\": \"sip:alice@example.com\"}' '$BASE/api/v1/rooms/1000/dial-out' | grep -qx '422 application/problem+json'"
check "dial-out gives up after ring_timeout with 504" bash -c \
    "curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $TOKEN' -H 'Content-Type: application/json' \
     -d '{\"target\": \"sip:nobody@127.0.0.1:9\", \"ring_timeout\": 1}' '$BASE/api/v1/rooms/1000/dial-out' | grep -qx 504"
# Runs from the temp directory, so schemathesis keeps its cache there.
check "schemathesis finds no server errors or schema violations" env -C "$WORK" timeout 600 "$VENV/bin/schemathesis" run \
    "$BASE/api/v1/openapi.json" --url "$BASE/api/v1" \
    -H "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --exclude-operation-id dialOut \
    --mode positive --max-examples "$MAX_EXAMPLES" --seed 1 --no-color --max-time 60 --phases examples,coverage,fuzzing
kill -TERM $SERVER_PID
check "serve exits on SIGTERM" bash -c "for i in \$(seq 1 50); do kill -0 $SERVER_PID 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
wait $SERVER_PID 2>/dev/null
SERVER_PID=""

echo "admin: $passed passed, $failed failed"
[ $failed -eq 0 ]
