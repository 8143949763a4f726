#!/bin/bash
# Builds Parley's libFuzzer harnesses (Fuzz/Harnesses/*.swift) into .build-fuzz/.
#
# The parsers under test are compiled straight from Sources/ with `-sanitize=fuzzer,address`, so they carry
# coverage feedback and AddressSanitizer; their dependencies (NIOCore, swift-crypto) are linked from the
# ordinary debug build without instrumentation, which keeps the build to a few dozen seconds instead of
# rebuilding every package with the sanitizers.
#
# Usage: bash Fuzz/build.sh [BIN_DIR]
#   BIN_DIR is a debug build's bin folder (`swift build --show-bin-path`, with whatever flags it was built with:
#   `make test` passes its own, built without debug info). Without it, the script asks SwiftPM for the default
#   debug build and builds the SIPCore and RTP targets first when their dependencies are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/.build-fuzz
mkdir -p "$out/obj"
start=$(date +%s)

if [ $# -gt 0 ]; then
	bin=$(cd "$1" && pwd)
else
	bin=$(swift build --show-bin-path)
	# The dependencies come from the debug build; build them only when they are missing (a fresh checkout).
	if ! ls "$bin"/NIOCore.build/*.o "$bin"/Crypto.build/*.o >/dev/null 2>&1; then
		swift build --target SIPCore --target RTP >/dev/null
	fi
fi
ls "$bin"/NIOCore.build/*.o "$bin"/Crypto.build/*.o >/dev/null 2>&1 \
	|| { echo "fuzz build: no NIOCore or swift-crypto objects in $bin (run swift build first)" >&2; exit 1; }
modules=$bin/Modules

# The Clang modules NIOCore and swift-crypto import, as SwiftPM passes them.
clang_flags=()
for map in "$bin"/*.build/module.modulemap; do clang_flags+=(-Xcc "-fmodule-map-file=$map"); done
for include in .build/checkouts/*/Sources/*/include; do clang_flags+=(-Xcc "-I$root/$include"); done

# Objects of the uninstrumented dependencies.
deps=()
for target in NIOCore NIOConcurrencyHelpers _NIODataStructures _NIOBase64 CNIOLinux CNIODarwin CNIOWindows CNIOWASI \
	CNIOAtomics Atomics _AtomicsShims DequeModule InternalCollectionsUtilities ContainersPreview BasicContainers Crypto CCryptoBoringSSL CCryptoBoringSSLShims CryptoBoringWrapper; do
	[ -d "$bin/$target.build" ] || continue
	while IFS= read -r object; do deps+=("$object"); done < <(find "$bin/$target.build" -name '*.o')
done

common=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -Onone -g -enable-testing -package-name Parley
	-I "$out" -I "$modules" "${clang_flags[@]}")
# The toolchain's lld links a harness in about half gold's time, and without gold's hundred lines of warnings
# about AddressSanitizer's local symbols.
linker=()
[ -x "$(dirname "$(command -v swiftc)")/ld.lld" ] && linker=(-use-ld=lld)

# One instrumented module per library: SIPCore's message, header, URI, SDP and digest code; RTP's packets,
# RTCP and RFC 4733 events. Transports, transactions and sockets stay out: they parse nothing.
build_module() {
	local name=$1; shift
	# Up to date when the archive is newer than every source.
	if [ -f "$out/lib$name.a" ] && [ -z "$(find "$@" -newer "$out/lib$name.a")" ]; then return; fi
	# Whole-module: one frontend instead of batches that each type-check the module again (about 40% less CPU).
	swiftc "${common[@]}" -wmo -module-name "$name" -emit-module -emit-module-path "$out/$name.swiftmodule" \
		-emit-library -static -o "$out/lib$name.a" "$@"
}
build_module SIPCore $(ls Sources/SIPCore/{Message,Headers,URI,Parser,SDP,Auth}/*.swift)
build_module RTP $(ls Sources/RTP/Packet/*.swift Sources/RTP/Packet/RTCP/*.swift Sources/RTP/Events/*.swift)
build_module ParleyConfig Sources/ConfServer/Configuration/ConfigKeyLocator.swift Sources/ConfServer/Configuration/SettingValue.swift

for harness in Fuzz/Harnesses/*.swift; do
	name=$(basename "$harness" .swift)
	swiftc "${common[@]}" "${linker[@]}" -module-name "$name" -o "$out/$name" "$harness" \
		"$out/libSIPCore.a" "$out/libRTP.a" "$out/libParleyConfig.a" "${deps[@]}" -lstdc++
done
echo "fuzz harnesses built in $(( $(date +%s) - start )) s: $(ls Fuzz/Harnesses | sed 's/\.swift//' | tr '\n' ' ')"
