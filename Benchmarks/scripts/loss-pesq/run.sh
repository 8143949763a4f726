#!/usr/bin/env bash
# Builds the offline loss/jitter PESQ harness (main.swift with the RTP codec and jitter buffer sources, swiftc -O)
# and scores G.711 with our concealment, Opus with libopus PLC only, and Opus with FEC + PLC: clean, then with
# LOSS and JITTER_MS for each seed.
# usage: bash Benchmarks/scripts/loss-pesq/run.sh [LOSS] [JITTER_MS] [SEEDS...]   (from the repository root)
#   MODES="opus-fec"  which modes (default: g711 opus-plc opus-fec)
#   TANDEM=1          then through the bridge's encoder to the listener's decoder (the path pesq.sh measures)
#   RATE=16000        wideband: Debian's G.722 prompts decoded to 16 kHz by ffmpeg, scored with P.862.2 (wb)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE="$ROOT/Benchmarks/scripts/loss-pesq"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
LOSS=${1:-0.05}; JITTER=${2:-40}; shift 2 || true; SEEDS=${*:-7 8 9}
RATE=${RATE:-8000}
R="$ROOT/Sources/RTP"
swiftc -O -wmo -module-name LossPESQ -o "$WORK/loss-pesq" "$HERE/main.swift" \
    "$R/JitterBuffer/JitterBuffer.swift" "$R/Packet/SequenceNumber.swift" "$R/Codec/WidebandCodec.swift" \
    "$R/Codec/CodecError.swift" "$R/Codec/G711.swift" "$R/Codec/PacketLossConcealer.swift" "$R"/Codec/Opus/*.swift \
    "$R"/Codec/G722/*.swift "$R/Codec/Resampler/Resampler.swift" \
    -Xcc -fmodule-map-file="$ROOT/Sources/COpus/module.modulemap" -I/usr/include/opus \
    -Xcc -fmodule-map-file="$ROOT/Sources/CSpeexDSP/module.modulemap" -lopus -lspeexdsp
PROMPTS="conf-getpin conf-onlyperson conf-invalidpin conf-placeintoconf"
if [ "$RATE" = 16000 ]; then
    MODE=wb
    G722=${G722_SOUNDS:-/usr/share/asterisk/sounds/en_US_f_Allison}
    for p in $PROMPTS; do ffmpeg -v error -f g722 -i "$G722/$p.g722" -ar 16000 -ac 1 -c:a pcm_s16le "$WORK/$p.wav"; done
    sox $(for p in $PROMPTS; do echo "$WORK/$p.wav"; done) "$WORK/speech.wav"
else
    MODE=nb
    SOUNDS=${SOUNDS:-/usr/share/asterisk/sounds/en}
    sox $(for p in $PROMPTS; do echo "$SOUNDS/$p.wav"; done) -r 8000 -c 1 -b 16 "$WORK/speech.wav"
fi
export RATE
for mode in ${MODES:-g711 opus-plc opus-fec}; do
    for seed in clean $SEEDS; do
        if [ $seed = clean ]; then set -- 0 0 1; else set -- "$LOSS" "$JITTER" $seed; fi
        "$WORK/loss-pesq" "$WORK/speech.wav" "$WORK/out.wav" $mode "$@"
        echo "  PESQ $MODE: $("$ROOT/.build-venv/bin/python" "$ROOT/Tests/quality/score.py" --mode $MODE "$WORK/speech.wav" "$WORK/out.wav" | cut -d' ' -f1)"
    done
done
