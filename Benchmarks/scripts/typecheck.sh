#!/usr/bin/env bash
# Typechecks the benchmark suite's Swift sources (Swift 6 mode) in a few minutes, without its release build (which
# takes more than 30 minutes on a shared 2-core machine): package-benchmark 1.38.1 and the packages it needs are
# emitted as modules from their checkouts (`-emit-module`, no code generation), and NIOCore, SIPCore, RTP and Mixer
# come from the main package's debug build. It proves the suite compiles, not that it links or runs: the plugin's
# generated entry point and COsip's C file are left out.
# Needs: `swift build` (debug) in the repository root, and `swift package resolve` in Benchmarks/ (the checkouts).
# Exits non-zero, with the compiler's errors, if any file of Benchmarks/Benchmarks/ParleyBenchmarks fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODULES="$(cd "$ROOT" && swift build --show-bin-path)/Modules"
BUILD=$(dirname "$MODULES")
CHECKOUTS="$ROOT/Benchmarks/.build/checkouts"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
[ -d "$CHECKOUTS/package-benchmark" ] || { echo "typecheck: run 'swift package resolve' in Benchmarks/ first" >&2; exit 1; }
[ -e "$MODULES/RTP.swiftmodule" ] || { echo "typecheck: run 'swift build' in the repository root first" >&2; exit 1; }

# Clang module maps: the C targets of the debug build (not the headers SwiftPM generates for Swift modules, nor
# plugin tools), then the C targets of the checkouts and of Sources/ that the debug build did not need.
MAPS=()
SEEN=" "
module_name() { grep -m1 -E '^ *(framework |explicit )?module ' "$1" | sed -E 's/^ *(framework |explicit )?module ([A-Za-z0-9_]+).*/\2/'; }
add_map() {
    local name
    name=$(module_name "$1")
    case "$SEEN" in *" $name "*) return ;; esac
    SEEN="$SEEN$name "
    MAPS+=(-Xcc "-fmodule-map-file=$1")
}
while read -r map; do
    name=$(module_name "$map")
    [ -e "$MODULES/$name.swiftmodule" ] && continue
    grep -q -- '-Swift.h' "$map" && continue
    add_map "$map"
done < <(find "$BUILD" -name module.modulemap -not -path '*-tool.build*')
for map in "$CHECKOUTS"/*/Sources/*/include/module.modulemap "$ROOT"/Sources/*/module.modulemap; do
    [ -e "$map" ] && add_map "$map"
done
# C targets without a module map of their own (SwiftPM writes one for an umbrella header).
umbrella() {
    mkdir -p "$OUT/maps/$1"
    printf 'module %s {\n    umbrella header "%s"\n    export *\n}\n' "$1" "$2" >"$OUT/maps/$1/module.modulemap"
    add_map "$OUT/maps/$1/module.modulemap"
}
umbrella SwiftRuntimeHooks "$CHECKOUTS/package-benchmark/Sources/SwiftRuntimeHooks/include/SwiftRuntimeHooks.h"
umbrella CLinuxOperatingSystemStats \
    "$CHECKOUTS/package-benchmark/Platform/CLinuxOperatingSystemStats/include/CLinuxOperatingSystemStats.h"
umbrella MallocInterposerC "$CHECKOUTS/malloc-interposer/Sources/MallocInterposerC/include/interposer.h"
umbrella COsip "$ROOT/Benchmarks/Sources/COsip/include/cosip.h"

emit() {
    local name=$1 mode=$2
    shift 2
    swiftc -frontend -emit-module -module-name "$name" -swift-version "$mode" -parse-as-library -suppress-warnings \
        -I "$OUT" -I "$MODULES" "${MAPS[@]}" -o "$OUT/$name.swiftmodule" "$@"
}
sources() { find "$1" -name '*.swift'; }
[ -e "$MODULES/ComplexModule.swiftmodule" ] || emit ComplexModule 5 $(sources "$CHECKOUTS/swift-numerics/Sources/ComplexModule")
[ -e "$MODULES/Numerics.swiftmodule" ] || emit Numerics 5 $(sources "$CHECKOUTS/swift-numerics/Sources/Numerics")
emit Histogram 5 $(sources "$CHECKOUTS/hdrhistogram-swift/Sources/Histogram")
emit BenchmarkShared 5 $(sources "$CHECKOUTS/package-benchmark/Sources/BenchmarkShared")
emit MallocInterposerSwift 5 $(sources "$CHECKOUTS/malloc-interposer/Sources/MallocInterposerSwift")
emit Benchmark 5 -D MallocInterposer $(sources "$CHECKOUTS/package-benchmark/Sources/Benchmark")
swiftc -frontend -typecheck -module-name ParleyBenchmarks -swift-version 6 -I "$OUT" -I "$MODULES" "${MAPS[@]}" \
    $(sources "$ROOT/Benchmarks/Benchmarks/ParleyBenchmarks")
echo "typecheck: the benchmark suite's sources typecheck (Swift 6)"
