#!/usr/bin/env bash
# Times the room tick of the "Room tick" benchmarks (N = 10, 100, 1000 G.711 callers in a room at 8, 16 and 48 kHz,
# K = 4; every caller resampled to the room's rate against only the mixed ones, interleaved) without building the
# benchmark package: compiles Sources/Mixer, G711.swift, the jitter buffer, the resampler (libspeexdsp) and
# RoomTickBenchmarks.swift with room-tick.swift (swiftc -O -wmo).
# Usage: room-tick.sh   (env: TICKS=50 per round, ROUNDS=15, RATES="8000 16000 48000", SIZES="10 100 1000",
# QUALITY=5 for both rooms' resamplers; the fastest and the median single tick are printed)
# Allocations per tick are counted by malloc-count.c (preloaded; every malloc, calloc, realloc and aligned
# allocation of the process, the harness included), and by the package-benchmark suite ("Room tick ...").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cp "$ROOT/Benchmarks/scripts/room-tick.swift" "$OUT/main.swift"  # top-level code must live in main.swift
swiftc -O -wmo -module-name RoomTick -o "$OUT/room-tick" \
    $(find "$ROOT/Sources/Mixer" -name '*.swift') \
    "$ROOT/Sources/RTP/Codec/G711.swift" "$ROOT/Sources/RTP/JitterBuffer/JitterBuffer.swift" \
    "$ROOT/Sources/RTP/Packet/SequenceNumber.swift" \
    "$ROOT/Sources/RTP/Codec/Resampler/Resampler.swift" "$ROOT/Sources/RTP/Codec/CodecError.swift" \
    -I "$ROOT/Sources/CSpeexDSP" \
    "$ROOT/Benchmarks/Benchmarks/ParleyBenchmarks/RoomTickBenchmarks.swift" "$OUT/main.swift"
clang -O2 -shared -fPIC -o "$OUT/malloc-count.so" "$ROOT/Benchmarks/scripts/malloc-count.c"
echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
LD_PRELOAD="$OUT/malloc-count.so" "$OUT/room-tick"
