#!/usr/bin/env python3
"""Plots room-cpu.sh results: CPU per participant-second and resident memory against participants.

Usage: plot-room-cpu.py OUT.png RESULT.json...   (the JSON files room-cpu.sh writes; needs matplotlib)
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = sorted((json.load(open(path)) for path in sys.argv[2:]), key=lambda run: run["callers"])
    callers = [run["callers"] for run in runs]
    figure, (cpu_axis, rss_axis) = plt.subplots(1, 2, figsize=(10, 4))
    cpu_axis.plot(callers, [run["cpuMicrosecondsPerParticipantSecond"] for run in runs], marker="o")
    cpu_axis.set_xlabel("participants")
    cpu_axis.set_ylabel("parley CPU µs per participant-second")
    cpu_axis.set_title("CPU per participant")
    rss_axis.plot(callers, [run["rssKB"] / 1024 for run in runs], marker="o", color="tab:orange")
    rss_axis.set_xlabel("participants")
    rss_axis.set_ylabel("parley RSS (MiB)")
    rss_axis.set_title("Resident memory")
    for axis in (cpu_axis, rss_axis):
        axis.set_xscale("log")
        axis.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(sys.argv[1], dpi=100)


if __name__ == "__main__":
    main()
