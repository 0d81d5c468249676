# Parley — the two commands a developer needs: `make run` and `make test`.
# Both install what they need (Debian packages via apt, Python packages into
# .venv) and are safe to run repeatedly.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := build-essential pkg-config python3 python3-venv curl ca-certificates libdbus-1-dev \
	dbus dbus-x11 gnome-keyring libsecret-tools python3-dbusmock libnotify-bin libglib2.0-bin
VENV := .venv
RUN_DIR ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/parley-dev
RUN_LISTEN ?= 127.0.0.1:8080

.PHONY: run test deps build bench check-layering clean

## Install missing Debian packages (idempotent; apt only runs when something is missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)"; exit 1; }

$(VENV)/.installed: tests/conformance/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r tests/conformance/requirements.txt
	touch $@

build: deps
	$(CARGO) build --workspace --all-targets

## Nothing below the desktop shell may depend on tauri.
check-layering:
	@for p in parley-protocol parley-server parley-client; do \
	  if $(CARGO) tree -p $$p -e normal --prefix none 2>/dev/null | grep -q '^tauri '; then \
	    echo "$$p depends on tauri"; exit 1; fi; done; echo "layering: ok"

tests/conformance-node/node_modules/.installed: tests/conformance-node/package-lock.json
	cd tests/conformance-node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: build $(VENV)/.installed tests/conformance-node/node_modules/.installed check-layering
	$(CARGO) test --workspace
	@# Tests that need a real Secret Service and a D-Bus notification daemon:
	@# a private session bus, a throwaway HOME and an unlocked gnome-keyring.
	RUSTUP_HOME=$${RUSTUP_HOME:-$$HOME/.rustup} CARGO_HOME=$${CARGO_HOME:-$$HOME/.cargo} HOME=$$(mktemp -d) \
	  dbus-run-session -- sh -c 'eval "$$(printf parley | gnome-keyring-daemon --unlock --components=secrets)"; \
	  exec $(CARGO) test -p parley-client --test secret_service --test desktop_notifications -- --ignored'
	PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server $(VENV)/bin/python -m pytest -q tests/conformance
	cd tests/conformance-node && PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server node --test

## Start a local server with demo data (until the desktop app exists, talk to it with curl).
run: deps
	$(CARGO) build --release -p parley-server
	@mkdir -p "$(RUN_DIR)"
	@./target/release/parley-server --data-dir "$(RUN_DIR)" demo
	@eval "$$(./target/release/parley-server --data-dir "$(RUN_DIR)" account)"; \
	echo; echo "Data directory: $(RUN_DIR)"; \
	echo "Try it:"; \
	echo "  curl -s -u $$PARLEY_ACCOUNT_SID:$$PARLEY_AUTH_TOKEN http://$(RUN_LISTEN)/v2/Services"; \
	echo "  curl -s http://$(RUN_LISTEN)/auth/token -d grant_type=password -d username=alice -d password=<alice's password above>"; \
	echo
	./target/release/parley-server --data-dir "$(RUN_DIR)" serve --listen $(RUN_LISTEN)

bench: deps
	$(CARGO) bench --bench send_throughput
	$(CARGO) bench --bench fanout
	$(CARGO) bench -p parley-client --bench cache

clean:
	$(CARGO) clean
	rm -rf $(VENV)
