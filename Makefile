# watchlistd — two commands do all the set-up on a fresh Debian machine:
#   make demo   install build dependencies, build, run one cycle on the bundled samples, show hits and alerts
#   make test   install build and test dependencies, run the whole test suite

SHELL := /bin/bash
SWIFT ?= swift
ROOT := $(CURDIR)
DEMO := $(ROOT)/demo-state
BIN := $(ROOT)/.build/debug/watchlistd
# Debian packages the build and the tests need (python3-aiosmtpd is the tests' real SMTP server).
BUILD_DEPS := libcurl4-openssl-dev libssl-dev libsqlite3-dev libopencc-dev libicu-dev libxml2-dev pkg-config
TEST_DEPS := python3 python3-aiosmtpd python3-seccomp openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps swift man build demo test format lint bench bench-feeds longrun conformance clean release install deb check-unit check-deb

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

# Swift 6.3 is not packaged by Debian: say so, and how to get it, instead of "command not found".
swift:
	@command -v $(SWIFT) >/dev/null 2>&1 || { \
	  echo "make: '$(SWIFT)' not found. watchlistd needs Swift 6.3, which Debian does not package:"; \
	  echo "  install the swift.org toolchain as README.md's 'Quick start' shows (a tarball in /opt/swift,"; \
	  echo "  or swiftly), put its usr/bin on the PATH, or run make SWIFT=/path/to/swift ..."; exit 127; } >&2
	@$(SWIFT) --version 2>/dev/null | grep -qE 'Swift version 6\.([3-9]|[1-9][0-9])' || \
	  echo "make: warning: watchlistd is built and tested with Swift 6.3; this is: $$($(SWIFT) --version 2>&1 | head -1)" >&2

build: swift deps
	$(SWIFT) build

# man/watchlistd.8 from the binary's --help, by swift-argument-parser's generate-manual
# plugin (works offline); run it when a command or option changes (a test checks that the
# page names every one). watchlistd.conf(5) and watchlistd.watch(5) are written by hand.
man: swift
	$(SWIFT) package --allow-writing-to-directory man generate-manual --section 8 \
	    --date $$(date -u +%Y-%m-%d) --authors "watchlistd developers" --output-directory man

# python3 prints the demo's e-mails the way a mail client shows them.
demo: build
	@$(MAKE) --no-print-directory deps EXTRA_DEPS=python3
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@port=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	  sed -e "s|@ROOT@|$(ROOT)|g" -e "s|@WEBHOOK_PORT@|$$port|g" samples/demo.conf.in > $(DEMO)/watchlistd.conf; \
	  echo $$port > $(DEMO)/webhook.port
	@echo "== watchlistd check --config demo-state/watchlistd.conf"
	@$(BIN) check --config $(DEMO)/watchlistd.conf
	@echo; echo "== watchlistd run --once (4 sample feeds: English RSS, Chinese Atom, Japanese RSS, a JSON API)"
	@python3 Tests/Support/webhook_receiver.py $(DEMO)/webhook --port $$(cat $(DEMO)/webhook.port) \
	    --secret samples/demo-webhook.key > $(DEMO)/webhook.ready & receiver=$$!; \
	  while [ ! -s $(DEMO)/webhook.ready ]; do sleep 0.1; done; \
	  $(BIN) run --once --config $(DEMO)/watchlistd.conf --log-level notice; status=$$?; kill $$receiver; exit $$status
	@echo; echo "== watchlistd hits"
	@$(BIN) hits --config $(DEMO)/watchlistd.conf
	@echo; echo "== alert e-mails it would send (written to demo-state/outbox/)"
	@python3 scripts/show-mail.py $(DEMO)/outbox/*.eml
	@echo; echo "== webhook POSTs it made (to a receiver the demo started on 127.0.0.1, which checked each signature)"
	@python3 scripts/show-webhook.py $(DEMO)/webhook
	@echo; echo "== a second run --once sends nothing new"
	@$(BIN) run --once --config $(DEMO)/watchlistd.conf --log-level notice
	@ls $(DEMO)/outbox | wc -l | xargs echo "e-mails in outbox:"

test: swift test-deps lint
	$(SWIFT) build
	$(SWIFT) test

# Code style: .swift-format (swift-service-lifecycle's settings: 4 spaces, lines of 120).
# `make format` rewrites the sources in place and moves the end-of-line comments the
# formatter cannot fit onto their own line above; `make lint` fails on anything left.
# The generated word lists (Matching/Data) stay as their scripts write them.
FORMAT_FILES = Package.swift $(shell find Sources Tests -name '*.swift' -not -path '*/Matching/Data/*' | sort)
format: swift
	@$(MAKE) --no-print-directory deps EXTRA_DEPS=python3
	@echo "$(SWIFT) format format --in-place: $(words $(FORMAT_FILES)) files"
	@$(SWIFT) format format --in-place --parallel $(FORMAT_FILES)
	@$(SWIFT) format lint --parallel $(FORMAT_FILES) 2>&1 | python3 scripts/move-long-comments.py
	@$(SWIFT) format format --in-place --parallel $(FORMAT_FILES)

lint: swift
	@echo "$(SWIFT) format lint --strict: $(words $(FORMAT_FILES)) files"
	@$(SWIFT) format lint --strict --parallel $(FORMAT_FILES)

# Matcher speed and quality beside the Python peer (needs ../shared; not a test).
bench: swift deps
	$(SWIFT) build -c release
	python3 scripts/bench.py $(BENCH_ARGS)

# ---- Installing and packaging -------------------------------------------------
# The release binary links the Swift runtime and Foundation statically: it needs only
# Debian's shared libraries (libcurl, libsqlite3, libxml2, ICU, OpenCC, libc).
# The release number lives in one place: Sources/watchlistd/Watchlistd.swift.
VERSION := $(shell sed -n 's/^ *static let version = "\(.*\)"/\1/p' Sources/watchlistd/Watchlistd.swift)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/watchlistd
MANDIR ?= $(PREFIX)/share/man
RELEASE_BIN := $(ROOT)/.build-static/release/watchlistd

release: swift deps
	$(SWIFT) build -c release --static-swift-stdlib --build-path .build-static

# make install [PREFIX=/usr/local] [DESTDIR=staging]: binary, unit, example config (kept
# if one is already there), example watchlists and sources, man pages (gzipped). Enables and starts nothing.
install: release
	install -D -m 0755 $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/watchlistd
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/bin/watchlistd|$(BINDIR)/watchlistd|g' -e 's|/etc/watchlistd/|$(SYSCONFDIR)/watchlistd/|g' \
	    -e 's|file:///usr/share/doc/watchlistd/|file://$(DOCDIR)/|g' \
	    systemd/watchlistd.service > $(DESTDIR)$(UNITDIR)/watchlistd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/watchlistd.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/watchlistd/watchlists
	[ -e $(DESTDIR)$(SYSCONFDIR)/watchlistd/watchlistd.conf ] || \
	    sed 's|/etc/watchlistd/|$(SYSCONFDIR)/watchlistd/|g' systemd/watchlistd.conf > $(DESTDIR)$(SYSCONFDIR)/watchlistd/watchlistd.conf
	install -d -m 0755 $(DESTDIR)$(DOCDIR)/examples/watchlists
	install -m 0644 README.md docs/ARCHITECTURE.md docs/matching.md docs/interfaces.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 systemd/watchlistd.conf $(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 watchlists/*.watch $(DESTDIR)$(DOCDIR)/examples/watchlists/
	install -d -m 0755 $(DESTDIR)$(DOCDIR)/examples/sources
	install -m 0644 examples/sources/* $(DESTDIR)$(DOCDIR)/examples/sources/
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for page in man/*.[58]; do \
	  gzip -9n -c $$page > $(DESTDIR)$(MANDIR)/man$${page##*.}/$$(basename $$page).gz; \
	  chmod 0644 $(DESTDIR)$(MANDIR)/man$${page##*.}/$$(basename $$page).gz; \
	done
	@echo "installed; to start: systemctl daemon-reload && systemctl enable --now watchlistd"

# make deb: a Debian package built with dpkg-deb. Depends: computed by dpkg-shlibdeps
# (libcurl raised to 7.85 for CURLOPT_PROTOCOLS_STR and CURLOPT_PREREQFUNCTION). Its
# postinst reloads systemd's unit list and enables and starts nothing. Copyright and
# changelog come from packaging/; MAINTAINER= sets the Maintainer field (your team's address).
DEB_STAGE := $(ROOT)/.build-static/deb
DEB_ARCH = $(shell dpkg --print-architecture)
DEB_REVISION := 1
DEB_VERSION := $(VERSION)-$(DEB_REVISION)
DEB := $(ROOT)/.build-static/watchlistd_$(DEB_VERSION)_$(DEB_ARCH).deb
MAINTAINER ?= watchlistd developers <watchlistd@example.org>

deb: release
	@$(MAKE) --no-print-directory deps EXTRA_DEPS="dpkg-dev binutils"
	rm -rf $(DEB_STAGE) && mkdir -p $(DEB_STAGE)/DEBIAN
	$(MAKE) --no-print-directory install DESTDIR=$(DEB_STAGE) PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system
	strip --strip-unneeded --remove-section=.comment --remove-section=.note $(DEB_STAGE)/usr/bin/watchlistd
	install -m 0644 packaging/copyright $(DEB_STAGE)/usr/share/doc/watchlistd/copyright
	gzip -9n -c packaging/changelog > $(DEB_STAGE)/usr/share/doc/watchlistd/changelog.Debian.gz
	chmod 0644 $(DEB_STAGE)/usr/share/doc/watchlistd/changelog.Debian.gz
	install -D -m 0644 packaging/lintian-overrides $(DEB_STAGE)/usr/share/lintian/overrides/watchlistd
	cd $(DEB_STAGE) && mkdir -p debian && printf 'Source: watchlistd\n\nPackage: watchlistd\nArchitecture: any\n' > debian/control && \
	  dpkg-shlibdeps -O usr/bin/watchlistd 2>/dev/null | sed -n 's/^shlibs:Depends=//p' \
	  | sed 's/libcurl4 ([^)]*)/libcurl4 (>= 7.85.0)/' > ../depends && rm -rf debian
	{ echo "Package: watchlistd"; echo "Version: $(DEB_VERSION)"; echo "Architecture: $(DEB_ARCH)"; \
	  echo "Maintainer: $(MAINTAINER)"; echo "Section: net"; echo "Priority: optional"; \
	  echo "Depends: $$(cat $(ROOT)/.build-static/depends)"; \
	  echo "Installed-Size: $$(du -sk --exclude=DEBIAN $(DEB_STAGE) | cut -f1)"; \
	  echo "Description: watches leak-site and breach feeds for customers' names"; \
	  echo " Polls dark-web, leak-site and breach feeds; matches customers' companies,"; \
	  echo " subsidiaries, JV partners and domains in English, Chinese and Japanese;"; \
	  echo " alerts by e-mail and syslog. The service is installed, not enabled."; } > $(DEB_STAGE)/DEBIAN/control
	echo /etc/watchlistd/watchlistd.conf > $(DEB_STAGE)/DEBIAN/conffiles
	install -m 0755 systemd/deb-postinst $(DEB_STAGE)/DEBIAN/postinst
	install -m 0755 systemd/deb-postrm $(DEB_STAGE)/DEBIAN/postrm
	cd $(DEB_STAGE) && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
	  | xargs -0 md5sum > DEBIAN/md5sums && chmod 0644 DEBIAN/md5sums
	dpkg-deb --root-owner-group --build $(DEB_STAGE) $(DEB)
	@echo "built $(DEB)"

# The package: lintian clean (installed when missing), contents, dependencies, no Swift
# runtime, nothing enabled by postinst.
check-deb: deb
	@$(MAKE) --no-print-directory deps EXTRA_DEPS="python3-seccomp lintian"
	scripts/check-deb.sh $(DEB)

# The unit: systemd-analyze verify (against an installed copy, so ExecStart= and the
# man pages of Documentation= exist) and the offline security score (at or below 1.2).
check-unit: release
	@$(MAKE) --no-print-directory deps EXTRA_DEPS=systemd
	rm -rf $(ROOT)/.build-static/unit-root
	$(MAKE) --no-print-directory install DESTDIR=$(ROOT)/.build-static/unit-root PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system
	scripts/check-unit.sh $(ROOT)/.build-static/unit-root

# The long-run check: 50 feeds at 10 s for 20 minutes from a local server, RSS and open
# files sampled every 30 s, a verdict on their growth (LONGRUN_ARGS="--minutes 5" for less).
longrun: build
	@$(MAKE) --no-print-directory deps EXTRA_DEPS=python3
	/usr/bin/python3 scripts/longrun.py --bin $(BIN) $(LONGRUN_ARGS)

# Feed parsing beside Python feedparser, an HTML source beside Python lxml, and a
# 1,000-feed cycle from a local server.
bench-feeds: swift deps
	@$(MAKE) --no-print-directory deps EXTRA_DEPS="python3 python3-feedparser python3-lxml"
	$(SWIFT) build -c release --product watchlistd-bench
	/usr/bin/python3 scripts/bench-feeds.py $(BENCH_ARGS)

# The feed parser and charset decoder over third-party corpora in ../shared/data (used
# from there, never copied here); prints pass counts. VERBOSE=1 lists every failure.
SHARED_DATA ?= $(ROOT)/../shared/data
conformance: swift deps
	$(SWIFT) build -c release --product watchlistd-conformance
	$(ROOT)/.build/release/watchlistd-conformance $(SHARED_DATA) $(if $(VERBOSE),--verbose)

clean:
	rm -rf .build .build-static $(DEMO)
