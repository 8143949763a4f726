# Parley: build, run, test and benchmark. Every target installs what it needs first (`make deps`).

SHELL := /bin/bash
APT_PACKAGES := libopus-dev libspeexdsp-dev pkg-config libsqlite3-dev sip-tester sox baresip-core linphone-cli \
	asterisk-core-sounds-en-wav asterisk-moh-opsound-wav
BENCH_APT_PACKAGES := libosip2-dev bc
DATA_DIR ?= $(CURDIR)/data
SIP ?= 127.0.0.1:5060
SWIFT_BUILD_FLAGS ?=

.PHONY: deps bench-deps build release run test bench clean

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

# Runs every test: unit tests per layer and end-to-end tests against real peers (the test caller and sipp).
test: deps
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	PARLEY_BIN="$$(swift build --show-bin-path)/parley" swift test --skip-build --parallel --num-workers 2
	bash Tests/cli/run.sh "$$(swift build --show-bin-path)/parley"

bench: bench-deps
	cd Benchmarks && swift package --disable-sandbox benchmark

clean:
	rm -rf .build Benchmarks/.build
