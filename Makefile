# Parley — the two commands a developer needs: `make run` and `make test`.
# Both install what they need (Debian packages via apt, Python packages into
# .venv) and are safe to run repeatedly.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := build-essential pkg-config python3 python3-venv curl ca-certificates libdbus-1-dev \
	dbus dbus-x11 gnome-keyring libsecret-tools python3-dbusmock libnotify-bin libglib2.0-bin \
	libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev \
	xvfb webkit2gtk-driver imagemagick postgresql nginx
VENV := .venv
RUN_DIR ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/parley-dev
RUN_LISTEN ?= 127.0.0.1:8080

.PHONY: run test deps ui tauri-driver build bench check-layering bindings check-bindings clean

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

ui/node_modules/.installed: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## The web UI, embedded into the desktop binary at compile time.
ui: ui/node_modules/.installed
	npm --prefix ui run build

## tauri-driver for the end-to-end tests of the real window (from crates.io).
tauri-driver:
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --locked

$(VENV)/.installed: tests/conformance/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r tests/conformance/requirements.txt
	touch $@

build: deps ui
	$(CARGO) build --workspace --all-targets

## Nothing below the desktop shell may depend on tauri.
check-layering:
	@for p in parley-protocol parley-server parley-client; do \
	  if $(CARGO) tree -p $$p -e normal --prefix none 2>/dev/null | grep -q '^tauri '; then \
	    echo "$$p depends on tauri"; exit 1; fi; done; echo "layering: ok"

tests/conformance-node/node_modules/.installed: tests/conformance-node/package-lock.json
	cd tests/conformance-node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Runs $(1) in a private session bus with a throwaway HOME, an unlocked
# gnome-keyring and Xvfb: what the keyring, notification and window tests and
# the desktop benchmark need.
define desktop_session
	RUSTUP_HOME=$${RUSTUP_HOME:-$$HOME/.rustup} CARGO_HOME=$${CARGO_HOME:-$$HOME/.cargo} \
	PATH="$${CARGO_HOME:-$$HOME/.cargo}/bin:$$PATH" HOME=$$(mktemp -d) \
	  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c \
	  'eval "$$(printf parley | gnome-keyring-daemon --unlock --components=secrets)"; \
	  export NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1; \
	  $(1)'
endef

## The UI's TypeScript types, generated from the Rust definitions (ts-rs).
BINDINGS_FEATURES = --features parley-client/ts,parley-desktop/ts
bindings:
	rm -rf ui/src/bindings
	TS_RS_EXPORT_DIR=$(CURDIR)/ui/src/bindings $(CARGO) test -q -p parley-client -p parley-desktop $(BINDINGS_FEATURES) --lib export_bindings

## Fails when the committed bindings differ from what the Rust types give.
check-bindings:
	rm -rf target/bindings-check
	TS_RS_EXPORT_DIR=$(CURDIR)/target/bindings-check $(CARGO) test -q -p parley-client -p parley-desktop $(BINDINGS_FEATURES) --lib export_bindings
	diff -r target/bindings-check ui/src/bindings || { echo "ui/src/bindings is stale: run make bindings"; exit 1; }

test: build tauri-driver $(VENV)/.installed tests/conformance-node/node_modules/.installed check-layering check-bindings
	$(CARGO) test --workspace
	npm --prefix ui test
	@# Tests that need a real Secret Service, a D-Bus notification daemon and a
	@# display; the desktop tests drive the real window.
	$(call desktop_session,$(CARGO) test -p parley-client --test it -- --ignored && \
	  exec $(CARGO) test -p parley-desktop --test it -- --ignored --test-threads=1)
	PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server $(VENV)/bin/python -m pytest -q tests/conformance
	cd tests/conformance-node && PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server node --test
	@# The same server suites on PostgreSQL (a private cluster each run), and
	@# the multi-node tests: three nodes behind nginx.
	tests/support/with-postgres $(CARGO) test -p parley-server --tests -- --include-ignored
	PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server tests/support/with-postgres $(VENV)/bin/python -m pytest -q tests/conformance
	cd tests/conformance-node && PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server ../support/with-postgres node --test

## Start a local server with demo data and open the desktop app; closing
## the app stops the server.
run: deps ui
	$(CARGO) build --release -p parley-server -p parley-desktop
	@mkdir -p "$(RUN_DIR)"
	@./target/release/parley-server --data-dir "$(RUN_DIR)" demo
	@eval "$$(./target/release/parley-server --data-dir "$(RUN_DIR)" account)"; \
	echo; echo "Server data: $(RUN_DIR)"; \
	echo "REST: curl -s -u $$PARLEY_ACCOUNT_SID:$$PARLEY_AUTH_TOKEN http://$(RUN_LISTEN)/v2/Services"; \
	echo "Sign in to the app with one of the users above (server URL is prefilled)."; echo
	@./target/release/parley-server --data-dir "$(RUN_DIR)" serve --listen $(RUN_LISTEN) & \
	server=$$!; trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	PARLEY_SERVER_URL=http://$(RUN_LISTEN) PARLEY_DATA_DIR="$(RUN_DIR)/desktop" ./target/release/parley

bench: deps ui tauri-driver
	$(CARGO) bench --bench send_throughput
	$(CARGO) bench --bench fanout
	tests/support/with-postgres $(CARGO) bench --bench cluster
	$(CARGO) bench -p parley-client --bench cache
	$(CARGO) build --release -p parley-desktop --example blank_webview
	$(call desktop_session,exec $(CARGO) bench -p parley-desktop --bench startup)

clean:
	$(CARGO) clean
	rm -rf $(VENV) ui/node_modules ui/dist tests/conformance-node/node_modules test-output
