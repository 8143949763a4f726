# Shared by the test scripts (sourced after they set WORK): the pass/fail bookkeeping every script reports with.
# check NAME COMMAND...: runs COMMAND with its output in $WORK/out; "ok - NAME" when it succeeds, otherwise
# "FAIL - NAME" and the last CHECK_SHOW_LINES (default 20) lines of its output. CHECK_SHOW_FIRST=yes also
# prints the first line of a passing command's output after its name (a measured figure, say).
passed=0
failed=0
check() {
    local name=$1; shift
    if "$@" >"$WORK/out" 2>&1; then
        passed=$((passed + 1))
        if [ "${CHECK_SHOW_FIRST:-no}" = yes ]; then
            echo "ok   - $name: $(head -1 "$WORK/out")"
        else
            echo "ok   - $name"
        fi
    else
        failed=$((failed + 1)); echo "FAIL - $name"; sed 's/^/       /' "$WORK/out" | tail -"${CHECK_SHOW_LINES:-20}"
    fi
}
