#!/usr/bin/env python3
"""Scores what a caller heard against the speech another caller sent: PESQ (ITU-T P.862, MOS-LQO) after alignment.

The recording starts with silence (and may end with some), so the speech is found in it by cross-correlation
and cut to the reference's length before scoring; PESQ then handles the small delay changes within.
Prints the score (and, with --goal, whether it meets it); exits 1 when it is below --min.
"""
import argparse
import sys
import wave

import numpy
from pesq import pesq


def samples(path):
    with wave.open(path, "rb") as f:
        if f.getnchannels() != 1 or f.getsampwidth() != 2:
            sys.exit(f"{path}: want mono 16-bit PCM")
        rate = f.getframerate()
        return rate, numpy.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(numpy.float64)


def aligned(reference, recording):
    """The stretch of `recording` that lines up with `reference` (zero-padded when the recording is short)."""
    if len(recording) < len(reference):
        recording = numpy.concatenate([recording, numpy.zeros(len(reference) - len(recording))])
    size = 1 << int(numpy.ceil(numpy.log2(len(recording) + len(reference))))
    correlation = numpy.fft.irfft(numpy.fft.rfft(recording, size) * numpy.conj(numpy.fft.rfft(reference, size)), size)
    lag = int(numpy.argmax(correlation[: len(recording) - len(reference) + 1]))
    return lag, recording[lag: lag + len(reference)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference")
    parser.add_argument("recording")
    parser.add_argument("--mode", default="nb", choices=["nb", "wb"])
    parser.add_argument("--min", type=float, default=0.0, help="fail below this score")
    parser.add_argument("--goal", type=float, help="say whether the score meets this goal")
    args = parser.parse_args()
    rate, reference = samples(args.reference)
    recording_rate, recording = samples(args.recording)
    if rate != recording_rate:
        sys.exit(f"sample rates differ: {rate} and {recording_rate}")
    if not numpy.any(recording):
        print("0.00 (the recording is silent)")
        sys.exit(1)
    lag, degraded = aligned(reference, recording)
    score = pesq(rate, reference, degraded, args.mode)
    verdict = "" if args.goal is None else (", goal met" if score >= args.goal else ", under the goal")
    print(f"{score:.2f} (speech found {lag / rate * 1000:.0f} ms into the recording{verdict})")
    sys.exit(0 if score >= args.min else 1)


if __name__ == "__main__":
    main()
