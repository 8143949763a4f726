# Parley: build, run, test and benchmark. Every target installs what it needs first (`make deps`).

SHELL := /bin/bash
# What the Swift build needs; the rest serves the server at run time and the tests.
BUILD_APT_PACKAGES := libopus-dev libspeexdsp-dev pkg-config libsqlite3-dev
APT_PACKAGES := $(BUILD_APT_PACKAGES) sip-tester sox baresip-core linphone-cli \
	asterisk-core-sounds-en-wav asterisk-moh-opsound-wav
APT_PACKAGES += curl python3-venv
# The web admin page test drives Debian's headless Chromium.
APT_PACKAGES += chromium chromium-driver
# Python tools of the admin tests, in a venv under the repo (ignored by git).
VENV := $(CURDIR)/.build-venv
PIP_PACKAGES := schemathesis selenium numpy pesq
# PESQ (Tests/quality) is built from source by pip: it needs Python headers and a C compiler.
APT_PACKAGES += python3-dev gcc iproute2
# The G.722 codec is checked against Debian ffmpeg's G.722 encoder and decoder (Tests/RTPTests, G722FFmpegTests).
APT_PACKAGES += ffmpeg
# The wideband PESQ scenarios (Tests/quality/pesq.sh) play Debian's G.722 prompts, decoded to 16 kHz by ffmpeg.
APT_PACKAGES += asterisk-core-sounds-en-g722
# The cluster test (Tests/cluster): the PostgreSQL room store's server and Kamailio in front of two nodes.
APT_PACKAGES += postgresql kamailio
# linux-perf: room-cpu.sh SYSCALLS=1 (syscall tracepoints) and PROFILE=FILE (perf record).
BENCH_APT_PACKAGES := libosip2-dev bc gnuplot-nox linux-perf
DATA_DIR ?= $(CURDIR)/data
SIP ?= 127.0.0.1:5060
SWIFT_BUILD_FLAGS ?=
# The test build carries no debug info: it compiles and links about a sixth faster, and the tests need none.
TEST_BUILD_FLAGS ?= -Xswiftc -gnone -Xcc -g0
# End-to-end suites whose peers are other programs (phones, sipp): `make test` runs them beside the others.
E2E_PEER_SUITES := EndToEndTests\.(PhoneInteropTests|SippTests|TLSPeerTests|TransferTests|TrunkTests)

.PHONY: deps pydeps bench-deps build release run test bench docs soak clean

# Installs missing Debian packages (as root); quick when everything is present.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Installs the admin tests' Python packages (schemathesis, selenium) into $(VENV); quick when present.
pydeps: deps
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c "import schemathesis, selenium, numpy, pesq" 2>/dev/null || $(VENV)/bin/python -m pip install -q $(PIP_PACKAGES)

bench-deps: deps
	@missing=""; for p in $(BENCH_APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

release: deps
	swift build -c release $(SWIFT_BUILD_FLAGS)

# Starts the server on $(SIP) with a data directory under the repo; creates the demo room on first start.
run: release
	@mkdir -p $(DATA_DIR)
	$$(swift build -c release --show-bin-path)/parley serve --sip $(SIP) --data $(DATA_DIR) --demo-room

# The third list of `make test`: a two-minute soak of the debug build at light load (8 callers in 2 rooms, sampled
# every 5 s), then a short fuzz pass (every harness for TEST_FUZZ_SECONDS after its seeds). The fuzzers run at the
# lowest priority, so they take only the CPU the two lists of calls leave idle.
TEST_SOAK_SECONDS ?= 120
TEST_SOAK := SOAK_CALLERS=8 SOAK_ROOMS=2 SOAK_SAMPLE=5 SOAK_WARMUP=30
TEST_FUZZ_SECONDS ?= 3

# Runs every test: unit tests per layer and end-to-end tests against real peers (the test caller and sipp).
# The packages only the tests need (apt and PyPI) install in the background while the build runs. (The index
# store stays on: on Linux, SwiftPM finds XCTest cases through it.)
test:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BUILD_APT_PACKAGES)"
	@{ $(MAKE) --no-print-directory deps && $(MAKE) --no-print-directory pydeps; } >.build-test-deps.log 2>&1 & \
	deps_pid=$$!; \
	swift build --build-tests $(SWIFT_BUILD_FLAGS) $(TEST_BUILD_FLAGS); build_status=$$?; \
	wait $$deps_pid || { cat .build-test-deps.log; echo "make test: installing the test dependencies failed"; exit 1; }; \
	exit $$build_status
	swift test --skip-build $(SWIFT_BUILD_FLAGS) $(TEST_BUILD_FLAGS) --disable-xctest --skip EndToEndTests
	@# End-to-end calls measure real audio, so within a list they run one at a time (--no-parallel). Two lists run
	@# side by side: the second holds the phones, sipp and the admin tools, whose time is mostly waiting. The test
	@# binary runs directly: two `swift test` would queue on SwiftPM's lock. A third, shorter list runs the soak
	@# (light: about a tenth of a core) and the fuzz pass (niced) beside them.
	bin="$$(swift build $(SWIFT_BUILD_FLAGS) $(TEST_BUILD_FLAGS) --show-bin-path)"; \
	tests="$$bin/ParleyPackageTests.xctest --testing-library swift-testing --no-parallel"; \
	bash Tests/side-by-side.sh \
		calls "$$tests --filter EndToEndTests --skip '$(E2E_PEER_SUITES)'" \
			"bash Tests/examples/run.sh $$bin" "bash Tests/cli/run.sh $$bin/parley" \
			"bash Tests/cluster/run.sh $$bin" \
		-- peers "$$tests --filter '$(E2E_PEER_SUITES)'" "bash Tests/admin/schemathesis.sh $$bin/parley" \
			"bash Tests/admin/browser.sh $$bin/parley" "bash Tests/quality/pesq.sh $$bin" \
		-- reliability "$(TEST_SOAK) bash Tests/quality/soak.sh $$bin $(TEST_SOAK_SECONDS)" \
			"nice -n 19 bash Fuzz/build.sh $$bin && FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) nice -n 19 bash Fuzz/run.sh"

# Micro benchmarks (package-benchmark, per-operation figures with --scale), then the allocation thresholds
# committed under Benchmarks/Thresholds, then the macro runs: parley under parley-load at each CALLERS:ROOMS:SECONDS
# of BENCH_MACRO (rooms of 20, and one room of 1000), a plot of CPU against participants, and the call setup rate
# with sipp at zero failures. Results land in Benchmarks/results/ (the micro table as text, JSON per macro run,
# room-cpu.png, call-rate.json). BENCH_MICRO=no skips the micro suite, BENCH_MACRO="" the macro runs,
# BENCH_CALL_RATE=no the sipp search.
BENCH_MICRO ?= yes
BENCH_MACRO ?= 100:5:30 500:25:30 1000:50:30 2000:100:30 5000:250:30 1000:1:30
BENCH_CALL_RATE ?= yes
bench: bench-deps
	@mkdir -p Benchmarks/results
	@if [ "$(BENCH_MICRO)" = yes ]; then \
		cd Benchmarks && set -o pipefail && swift package --disable-sandbox benchmark --scale --no-progress \
			| tee results/micro.txt && \
		{ swift package --disable-sandbox benchmark thresholds check --no-progress || [ $$? = 4 ]; }; \
	fi
	@# (thresholds check: exit 4 means "only improvements": the committed thresholds are stale, nothing regressed.)
	@# The release parley and parley-load come from the benchmark package's build, which has just compiled NIO,
	@# swift-crypto and BoringSSL in release for the suite: one release build of them instead of two. If that
	@# fails, the scripts build the main package themselves.
	@bin=""; if [ -n "$(BENCH_MACRO)$(filter yes,$(BENCH_CALL_RATE))" ]; then \
		bin="$$(cd Benchmarks && swift build -c release --product parley >/dev/null && \
			swift build -c release --product parley-load >/dev/null && swift build -c release --show-bin-path)" || bin=""; \
		echo "make bench: parley and parley-load from $${bin:-a release build of the main package}"; \
	fi; \
	for run in $(BENCH_MACRO); do \
		IFS=: read -r callers rooms seconds <<<"$$run"; \
		PARLEY_BIN="$$bin" bash Benchmarks/scripts/room-cpu.sh $$callers $$rooms $$seconds \
			Benchmarks/results/room-cpu-$$callers-$$rooms.json || exit 1; \
	done; \
	echo "$$bin" >Benchmarks/results/.parley-bin
	@if [ -n "$(BENCH_MACRO)" ]; then \
		bash Benchmarks/scripts/plot-room-cpu.sh Benchmarks/results/room-cpu.png Benchmarks/results/room-cpu-*.json; \
	fi
	@if [ "$(BENCH_CALL_RATE)" = yes ]; then \
		PARLEY_BIN="$$(cat Benchmarks/results/.parley-bin)" bash Benchmarks/scripts/call-rate.sh \
			Benchmarks/results/call-rate.json; \
	fi

# API documentation of the four library targets (swift-docc-plugin); any DocC warning fails the build.
DOC_TARGETS := SIPCore RTP Mixer Conference
docs: deps
	@mkdir -p .build/docs
	@for target in $(DOC_TARGETS); do \
		swift package --disable-sandbox generate-documentation --target $$target --warnings-as-errors \
			--output-path .build/docs/$$target || exit 1; \
	done
	@echo "make docs: archives in .build/docs/"

# Soak: parley (release) under moderate load for SOAK_SECONDS, its memory and jitter-buffer delay sampled every
# 10 s; fails if either grows (Tests/quality/soak.sh). SOAK_CALLERS and SOAK_ROOMS set the load.
SOAK_SECONDS ?= 3600
soak: deps
	swift build -c release --product parley $(SWIFT_BUILD_FLAGS)
	swift build -c release --product parley-load $(SWIFT_BUILD_FLAGS)
	SOAK_CSV=$${SOAK_CSV:-$(CURDIR)/soak.csv} bash Tests/quality/soak.sh "$$(swift build -c release --show-bin-path)" $(SOAK_SECONDS)

clean:
	rm -rf .build Benchmarks/.build

# Fuzzing: builds the libFuzzer harnesses (Fuzz/build.sh: the parsers compiled with -sanitize=fuzzer,address,
# their dependencies linked from the debug build) and runs each for FUZZ_SECONDS. `make test` does not run the
# fuzzers for long: it runs each for TEST_FUZZ_SECONDS, and replays the committed seeds and crash regressions
# through FuzzCorpusReplayTests.
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: deps
	@# The harnesses need only SIPCore's and RTP's dependencies, built with make test's flags so both share a build.
	swift build $(SWIFT_BUILD_FLAGS) $(TEST_BUILD_FLAGS) --target SIPCore --target RTP
	bash Fuzz/build.sh "$$(swift build $(SWIFT_BUILD_FLAGS) $(TEST_BUILD_FLAGS) --show-bin-path)"
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh
