# watchlistd — two commands do all the set-up on a fresh Debian machine:
#   make demo   install build dependencies, build, run one cycle on the bundled samples, show hits and alerts
#   make test   install build and test dependencies, run the whole test suite

SHELL := /bin/bash
SWIFT ?= swift
ROOT := $(CURDIR)
DEMO := $(ROOT)/demo-state
BIN := $(ROOT)/.build/debug/watchlistd
# Debian packages the build and the tests need (python3-aiosmtpd is the tests' real SMTP server).
BUILD_DEPS := libcurl4-openssl-dev libsqlite3-dev libopencc-dev libicu-dev pkg-config
TEST_DEPS := python3 python3-aiosmtpd python3-seccomp openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps build demo test bench clean

all: build

# Installs only what is missing, so a machine that has everything makes no apt call.
deps:
	@missing=""; for p in $(BUILD_DEPS) $(EXTRA_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

test-deps:
	@$(MAKE) --no-print-directory deps EXTRA_DEPS="$(TEST_DEPS)"

build: deps
	$(SWIFT) build

# python3 prints the demo's e-mails the way a mail client shows them.
demo: build
	@$(MAKE) --no-print-directory deps EXTRA_DEPS=python3
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@sed "s|@ROOT@|$(ROOT)|g" samples/demo.conf.in > $(DEMO)/watchlistd.conf
	@echo "== watchlistd check --config demo-state/watchlistd.conf"
	@$(BIN) check --config $(DEMO)/watchlistd.conf
	@echo; echo "== watchlistd run --once (4 sample feeds: English RSS, Chinese Atom, Japanese RSS, a JSON API)"
	@$(BIN) run --once --config $(DEMO)/watchlistd.conf --log-level notice
	@echo; echo "== watchlistd hits"
	@$(BIN) hits --config $(DEMO)/watchlistd.conf
	@echo; echo "== alert e-mails it would send (written to demo-state/outbox/)"
	@python3 scripts/show-mail.py $(DEMO)/outbox/*.eml
	@echo; echo "== a second run --once sends nothing new"
	@$(BIN) run --once --config $(DEMO)/watchlistd.conf --log-level notice
	@ls $(DEMO)/outbox | wc -l | xargs echo "e-mails in outbox:"

test: test-deps
	$(SWIFT) build
	$(SWIFT) test

# Matcher speed and quality beside the Python peer (needs ../shared; not a test).
bench: deps
	$(SWIFT) build -c release
	python3 scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf .build $(DEMO)
