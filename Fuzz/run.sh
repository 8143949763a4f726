#!/bin/bash
# Runs every fuzz harness for FUZZ_SECONDS (default 60) each, after Fuzz/build.sh.
#
# Each harness starts from its committed seeds (Fuzz/Corpus/NAME), its past crashes (Fuzz/Regressions/NAME)
# and, for the SIP and SDP harnesses, the RFC 4475/5118 torture messages in ../shared/sip-torture when that
# folder exists. The growing corpus lives in .build-fuzz/corpus/NAME; crashes land in fuzz-out/ and fail the
# run. A crash becomes a regression: copy it into Fuzz/Regressions/NAME/, fix the code, and
# FuzzRegressionTests (swift test) replays it from then on.
#
# Usage: FUZZ_SECONDS=300 bash Fuzz/run.sh [HARNESS...]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
mkdir -p fuzz-out
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=($(ls Fuzz/Harnesses | sed 's/\.swift$//'))
failed=()
for name in "${harnesses[@]}"; do
	corpus=.build-fuzz/corpus/$name
	mkdir -p "$corpus"
	for seeds in Fuzz/Corpus/$name Fuzz/Regressions/$name; do
		[ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null
	done
	case $name in
	SIPMessageFuzzer | SDPFuzzer)
		[ -d ../shared/sip-torture ] && for file in ../shared/sip-torture/rfc4475/* ../shared/sip-torture/rfc5118/*; do
			cp -n "$file" "$corpus/torture-$(basename "$file")"
		done ;;
	esac
	case $name in
	SIPMessageFuzzer) max_len=8192 ;; SDPFuzzer | ConfigFileFuzzer) max_len=4096 ;;
	TelephoneEventFuzzer) max_len=512 ;; *) max_len=1500 ;;
	esac
	echo "== $name: $seconds s"
	# Swift's own crash backtracer trips AddressSanitizer; libFuzzer prints the stack instead.
	SWIFT_BACKTRACE=enable=no .build-fuzz/$name "$corpus" -max_total_time="$seconds" -max_len=$max_len -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="fuzz-out/$name-" 2>&1 \
		| grep -E "^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|Fatal error|.*Test unit written)" 
	status=${PIPESTATUS[0]}
	[ "$status" = 0 ] || failed+=("$name")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: crashes in ${failed[*]}; see fuzz-out/" >&2
	exit 1
fi
echo "fuzz: no crashes"
