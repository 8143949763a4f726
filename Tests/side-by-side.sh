#!/usr/bin/env bash
# Runs two (or more) lists of test commands side by side, so that a 2-core machine spends the waits of one list
# (phones ringing, prompts playing, timers expiring) on the other.
#
#   side-by-side.sh NAME CMD [CMD...] -- NAME CMD [CMD...] [-- ...]
#
# The commands of one list run in order, each in its own bash; a failing command does not stop its list. Every
# output line is prefixed with its list's name. Prints each command's time, and fails if any command failed.
set -uo pipefail

run_list() {
    local name=$1; shift
    local status=0 started=$SECONDS
    for command in "$@"; do
        local began=$SECONDS
        if bash -c "$command"; then
            echo "== ok ($((SECONDS - began)) s): $command"
        else
            echo "== FAILED ($((SECONDS - began)) s): $command"
            status=1
        fi
    done
    echo "== list $name done in $((SECONDS - started)) s"
    return $status
}

pids=()
names=()
while [ $# -gt 0 ]; do
    name=$1; shift
    commands=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do commands+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    # Line-buffered prefixing keeps the lists' lines whole when they interleave.
    { run_list "$name" "${commands[@]}" 2>&1 | sed -u "s/^/[$name] /"; } &
    pids+=($!)
    names+=("$name")
done

status=0
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        echo "side-by-side: list ${names[$i]} failed"
        status=1
    fi
done
exit $status
