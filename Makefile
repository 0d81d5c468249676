# Parley — the two commands a developer needs: `make run` and `make test`.
# Both install what they need (Debian packages via apt, Python packages into
# .venv) and are safe to run repeatedly.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := build-essential pkg-config python3 python3-venv curl ca-certificates libdbus-1-dev \
	dbus dbus-x11 gnome-keyring libsecret-tools python3-dbusmock libnotify-bin libglib2.0-bin \
	libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev \
	xvfb webkit2gtk-driver imagemagick postgresql nginx chromium fonts-liberation \
	fonts-noto-color-emoji fonts-noto-cjk
VENV := .venv
RUN_DIR ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/parley-dev
RUN_LISTEN ?= 127.0.0.1:8080

.PHONY: run test deps ui console tauri-driver build bench soak check-layering bindings check-bindings clean cargo-fuzz fuzz fuzz-smoke

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

console/node_modules/.installed: console/package-lock.json
	cd console && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

## The operator console, embedded into parley-server at compile time
## (rebuilt only when its sources change, so the server is not rebuilt for
## nothing).
CONSOLE_SOURCES := $(shell find console/src -type f 2>/dev/null) console/index.html \
	console/vite.config.ts console/tsconfig.json console/package.json
console/dist/index.html: console/node_modules/.installed $(CONSOLE_SOURCES)
	npm --prefix console run build

console: console/dist/index.html

## tauri-driver for the end-to-end tests of the real window (from crates.io).
tauri-driver:
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --locked

## cargo-fuzz (from crates.io) for the fuzz targets in fuzz/.
cargo-fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked

# Each fuzz target over its committed corpus for $(1) seconds, built with
# $(2); new inputs go to a scratch directory (merged into the corpus by
# `make fuzz`).
FUZZ_TARGETS := form jwt client_frame page_token range media_name names push_template webhook_rewrite
define fuzz_all
	cd fuzz && RUSTC_BOOTSTRAP=1 $(CARGO) fuzz build $(2)
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p ../target/fuzz-scratch/$$t && \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $(2) $$t ../target/fuzz-scratch/$$t corpus/$$t -- \
	    -max_total_time=$(1) -print_final_stats=1 2>&1 | grep -E 'Done|stat::number_of_executed_units|panicked|SUMMARY|Test unit written' ; \
	  test $${PIPESTATUS[0]} -eq 0 || { echo "fuzz target $$t failed: see fuzz/artifacts/$$t"; exit 1; }; \
	done
endef

## The fuzz targets, 30 s each (part of make test): an unoptimised build
## without AddressSanitizer builds in a third of the time, and keeps
## overflow checks (the code is safe Rust).
fuzz-smoke: cargo-fuzz
	$(call fuzz_all,30,--dev -s none)

## The fuzz targets, 5 minutes each; what they find joins the corpus.
fuzz: cargo-fuzz
	$(call fuzz_all,300,-O)
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz cmin -O $$t corpus/$$t ../target/fuzz-scratch/$$t; done

$(VENV)/.installed: tests/conformance/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r tests/conformance/requirements.txt
	touch $@

build: deps ui console
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
	@! grep -rnw invoke ui/src --include=*.ts --exclude-dir=bindings || { echo "the UI calls commands through ui/src/bindings/commands.ts, not invoke"; exit 1; }

test: build tauri-driver $(VENV)/.installed tests/conformance-node/node_modules/.installed check-layering check-bindings
	$(CARGO) test --workspace
	npm --prefix ui test
	npm --prefix console test
	@# Tests that need a real Secret Service, a D-Bus notification daemon and a
	@# display; the desktop tests drive the real window.
	@# workspace-tests runs the binaries `cargo test --workspace` built: a
	@# `cargo test -p` would build them again with other dependency features.
	$(call desktop_session,CARGO=$(CARGO) tests/support/workspace-tests crates/client it -- --ignored && \
	  CARGO=$(CARGO) exec tests/support/workspace-tests src-tauri it -- --ignored --test-threads=1)
	PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server $(VENV)/bin/python -m pytest -q tests/conformance
	cd tests/conformance-node && PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server node --test
	@# The operator console in Debian's Chromium (Playwright, axe-core).
	cd console && PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server npm run e2e
	@# The same server suites on PostgreSQL (a private cluster each run), and
	@# the multi-node tests: three nodes behind nginx.
	CARGO=$(CARGO) tests/support/with-postgres tests/support/workspace-tests crates/server -- --include-ignored
	PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server tests/support/with-postgres $(VENV)/bin/python -m pytest -q tests/conformance
	cd tests/conformance-node && PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server ../support/with-postgres node --test
	cd console && PARLEY_SERVER_BIN=$(CURDIR)/target/debug/parley-server ../tests/support/with-postgres npm run e2e
	$(MAKE) fuzz-smoke

## Start a local server with demo data and open the desktop app; closing
## the app stops the server.
run: deps ui console
	$(CARGO) build --release -p parley-server -p parley-desktop
	@mkdir -p "$(RUN_DIR)"
	@./target/release/parley-server --data-dir "$(RUN_DIR)" demo
	@eval "$$(./target/release/parley-server --data-dir "$(RUN_DIR)" account)"; \
	echo; echo "Server data: $(RUN_DIR)"; \
	echo "REST: curl -s -u $$PARLEY_ACCOUNT_SID:$$PARLEY_AUTH_TOKEN http://$(RUN_LISTEN)/v2/Services"; \
	echo "Operator console: http://$(RUN_LISTEN)/console/ (sign in with the account SID and auth token above)"; \
	echo "Sign in to the app with one of the users above (server URL is prefilled)."; echo
	@./target/release/parley-server --data-dir "$(RUN_DIR)" serve --listen $(RUN_LISTEN) & \
	server=$$!; trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	PARLEY_SERVER_URL=http://$(RUN_LISTEN) PARLEY_DATA_DIR="$(RUN_DIR)/desktop" ./target/release/parley

bench: deps ui tauri-driver
	$(CARGO) bench --bench send_throughput
	$(CARGO) bench --bench fanout
	$(CARGO) bench --bench push_fanout
	$(CARGO) bench --bench console_pages
	$(CARGO) bench --bench signin_memory
	tests/support/with-postgres $(CARGO) bench --bench cluster
	$(CARGO) bench -p parley-client --bench cache
	$(CARGO) build --release -p parley-desktop --example blank_webview
	$(call desktop_session,exec $(CARGO) bench -p parley-desktop --bench startup)

## 2,000 sockets and steady traffic for 30 minutes; the server's RSS each minute.
soak: deps
	$(CARGO) bench --bench soak

clean:
	$(CARGO) clean
	rm -rf $(VENV) ui/node_modules ui/dist tests/conformance-node/node_modules test-output
