#!/usr/bin/env bash
# The web admin page in headless Chromium: starts `parley serve` with an admin token and a demo room, then runs
# Tests/admin/browser.py (selenium from PyPI in .build-venv, Debian's chromium and chromium-driver), which creates
# a room through the page, finds it through the API, joins a test caller and sees it live on the page.
# The screenshot lands in .build/test-output/admin-page.png. Prints "N passed, N failed".
set -uo pipefail
PARLEY=${1:?usage: browser.sh PATH_TO_PARLEY}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${BROWSER_VENV:-$ROOT/.build-venv}
OUT=${TEST_OUTPUT:-$ROOT/.build/test-output}
WORK=$(mktemp -d)
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "browser: chromium and chromium-driver are missing (make deps installs them)"
    echo "browser: 0 passed, 1 failed"; exit 1
fi
if ! "$VENV/bin/python" -c "import selenium" 2>/dev/null; then
    { [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"; } && "$VENV/bin/python" -m pip install -q selenium \
        || { echo "browser: 0 passed, 1 failed"; exit 1; }
fi

TOKEN="browser-test-token-$RANDOM$RANDOM$RANDOM"
printf '[admin]\nlisten = "127.0.0.1:0"\ntoken = "%s"\n' "$TOKEN" >"$WORK/parley.toml"
SIP_PORT=$((14000 + RANDOM % 2000))
"$PARLEY" serve --config "$WORK/parley.toml" --data "$WORK/data" --sip "127.0.0.1:$SIP_PORT" \
    --rtp-ports 18200-18299 --demo-room --drain-seconds 1 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "admin API on" "$WORK/serve.log" && break; sleep 0.1; done
BASE=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.log" | head -1)
if [ -z "$BASE" ]; then
    echo "FAIL - parley serve did not start:"; sed 's/^/       /' "$WORK/serve.log" | tail -20
    echo "browser: 0 passed, 1 failed"; exit 1
fi
"$VENV/bin/python" "$ROOT/Tests/admin/browser.py" "$BASE" "$TOKEN" "127.0.0.1:$SIP_PORT" \
    "$(dirname "$PARLEY")/parley-load" "$OUT/admin-page.png"
status=$?
kill -TERM $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=""
exit $status
