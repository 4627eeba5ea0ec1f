# Funnel: the two commands a newcomer needs.
#   make demo   builds Funnel and opens it on a demo workspace
#   make test   runs every test (unit, snapshot, command line, end-to-end in tmux)
# Both install the Debian packages Funnel needs when they are missing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
DEBIAN_PACKAGES := libncurses-dev libsqlite3-dev libargon2-dev tmux sqlite3 pkg-config postgresql
LEADS ?= 10000

.PHONY: demo team-demo test check-release deps build release bench clean

## Install missing system packages (apt), and check that Swift is there.
deps:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v swift >/dev/null || { echo "Funnel needs Swift 6.1 or newer (https://www.swift.org/install/)"; exit 1; }

## Build Funnel (release) and open it on a demo workspace (LEADS=1000000 for the big one).
demo: deps
	swift build -c release --product funnel
	.build/release/funnel demo --leads $(LEADS)

## The demo on a throwaway PostgreSQL server (team mode): every demo user signs in as themselves.
team-demo: deps
	swift build -c release --product funnel
	LEADS=$(LEADS) scripts/team-demo.sh

## Run every test. Fails when a test fails, when a layer is crossed, or when our code has a warning.
test: deps
	@echo "== layering: only FunnelStore may import GRDB or PostgresNIO"
	@if grep -rln -E "^(internal |public )?import (GRDB|PostgresNIO)" Sources Tests --include=*.swift | grep -v -e "^Sources/FunnelStore/" -e "^Tests/FunnelStoreTests/"; then \
	  echo "GRDB or PostgresNIO imported outside the store (above)"; exit 1; fi
	@if grep -rln -E "^(public )?import (GRDB|PostgresNIO)" Sources/FunnelStore --include=*.swift; then \
	  echo "the store imports GRDB or PostgresNIO publicly (above): write 'internal import ...', so nothing of them shows in its API"; exit 1; fi
	@echo "== build (tests included)"
	swift build --build-tests 2>&1 | tee .build-test.log
	@if grep -E "^/.*/(Sources|Tests)/.*: warning:" .build-test.log | grep -v "/.build/"; then \
	  echo "warnings in Funnel's code (above)"; exit 1; fi
	@echo "== tests (with a throwaway PostgreSQL server for the team mode's: scripts/postgres-sandbox.sh, destroyed after)"
	export FUNNEL_PG_SANDBOX="$(CURDIR)/.build-pg-test"; \
	url=$$(scripts/postgres-sandbox.sh start); \
	trap 'scripts/postgres-sandbox.sh destroy' EXIT; \
	FUNNEL_PG_ADMIN_URL="$$url" swift test --skip-build 2>&1 | tee .build-test.log

## The release build alone (`make demo` runs it: the optimizer has crashed where the debug build did
## not). Not part of `make test` since the team mode's client (postgres-nio, with its TLS stack)
## made a first release build take about 12 minutes here.
check-release: deps
	swift build -c release --product funnel

build: deps
	swift build

release: deps
	swift build -c release --product funnel

## Benchmarks (package-benchmark, release builds): see Benchmarks/README.md.
bench: deps
	cd Benchmarks && swift package benchmark

clean:
	rm -rf .build .build-test.log
