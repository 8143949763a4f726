#!/usr/bin/env bash
# Plots the macro runs (JSON files from room-cpu.sh) as a PNG: parley's CPU against participants.
# Usage: plot-room-cpu.sh OUT.png RESULT.json...   (needs gnuplot, from Debian's gnuplot-nox: `make bench-deps`)
# Left: CPU cores parley used (CPU-seconds per second) for rooms of 20 and for single big rooms, and the
# generator's. Right: CPU microseconds per participant-second.
set -euo pipefail
OUT=$1
shift
DATA=$(mktemp)
trap 'rm -f "$DATA"' EXIT
python3 - "$@" >"$DATA" <<'PY'
import json, sys
runs = []
for path in sys.argv[1:]:
    try:
        runs.append(json.load(open(path)))
    except (OSError, ValueError):
        pass
for kind in ("rooms", "single"):
    print(f"# {kind}")
    for run in sorted(runs, key=lambda r: r["callers"]):
        single = run["rooms"] == 1 and run["callers"] > 20
        if (kind == "single") != single:
            continue
        seconds = max(run["seconds"], 1)
        print(run["callers"], run["parleyCPUSeconds"] / seconds, run["loadCPUSeconds"] / seconds,
              run["cpuMicrosecondsPerParticipantSecond"])
    print("\n")
PY
gnuplot <<GP
set terminal pngcairo size 1100,420 noenhanced
set output "$OUT"
set multiplot layout 1,2
set logscale x
set grid
set key top left
set xlabel "participants"
set ylabel "CPU cores (CPU-s per s)"
set title "parley CPU under parley-load"
plot "$DATA" index 0 using 1:2 with linespoints title "parley, rooms of 20", \
     "$DATA" index 1 using 1:2 with points pointsize 2 title "parley, one room", \
     "$DATA" index 0 using 1:3 with linespoints dashtype 2 title "parley-load (generator)"
set ylabel "CPU us per participant-second"
set title "CPU per participant"
plot "$DATA" index 0 using 1:4 with linespoints title "rooms of 20", \
     "$DATA" index 1 using 1:4 with points pointsize 2 title "one room"
unset multiplot
GP
