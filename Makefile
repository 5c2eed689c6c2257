# riposte - a TCP/IP test-responder and stateful forger.
#
#   make                 build ./riposte
#   make check           run every test (unit, golden, errors, command line,
#                        Scapy cross-check, live)
#   make SAN=1 check     the same under ASan+UBSan
#   make fuzz            build the libFuzzer targets (clang)
#   make fuzz-run        run each fuzz target FUZZ_TIME seconds (default 60)
#   make fuzz-long       the same for FUZZ_LONG_TIME seconds each (default 1800)
#   make coverage        line coverage of the parsers by the fuzz corpora
#   make scan            clang's static analyzer; fails on any finding
#   make deps            install the Debian packages the project needs
#   make install         honours PREFIX and DESTDIR
#   V=1                  show the commands

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

PKG_CONFIG ?= pkg-config
PKGS := libpcap libmnl libnftnl libsodium libseccomp
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libev ships no .pc file.
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lpcap -lmnl -lnftnl -lsodium -lseccomp) -lev

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wwrite-strings -Wvla -Wpointer-arith -Wcast-qual \
	-Wundef -Wnull-dereference -Wimplicit-fallthrough
ifeq ($(CI),true)
WARN += -Werror
endif

CFLAGS ?= -O2 -g
VERSION := 0.1.0
CPPFLAGS += -D_GNU_SOURCE -Isrc -DRIPOSTE_VERSION=\"$(VERSION)\"
ALL_CFLAGS := -std=c11 $(WARN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP

ifeq ($(SAN),1)
BUILD := build/san
ALL_CFLAGS += -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all
else
BUILD := build/rel
ALL_CFLAGS += -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
LDFLAGS += -pie -Wl,-z,relro,-z,now
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
LIB := $(BUILD)/libriposte.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BUILD := build/fuzz
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all
FUZZ_TIME ?= 60
# The same harnesses without libFuzzer, for make check (tests/fuzz/replay_main.c).
CORPUS_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/corpus_%)

.PHONY: all check unit golden errors cli scapy corpus live demo format-check fuzz fuzz-run deps install clean \
	golden-update format fuzz-long coverage scan tidy

all: riposte

# Always refreshed, so that ./riposte is the flavour (SAN=1 or not) last asked for.
riposte: $(BUILD)/riposte FORCE
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

.PHONY: FORCE
FORCE:

# Keep the fuzz build's objects: they are not intermediates to delete.
# (Only those: with every target secondary, a missing FORCE would not
# force, and ./riposte would stay the flavour built before.)
.SECONDARY: $(FUZZ_LIB_OBJ)

$(BUILD)/riposte: $(MAIN_OBJ) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(PKG_LIBS)

$(LIB): $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(CMOCKA_CFLAGS) \
		-o $@ $< $(LDFLAGS) $(WRAP_$*) $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS)

# test_nomem fails allocations and sends on purpose: riposte's own calls
# go through its wrappers (the libraries' do not).
WRAP_test_nomem := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=sendmmsg

# Every test that exists.  Each stage stops the run on failure.  The live
# tests need root (network namespaces); without it check fails, unless
# SKIP_LIVE=1 says to skip them.
check: unit golden errors cli scapy corpus live

# Every committed fuzz input (every crash found stays in the corpus) once
# through its harness, built with the compiler and flags of this build.
corpus: $(CORPUS_BIN)
	$(Q)set -e; for f in $(CORPUS_BIN); do n=$${f##*/corpus_}; \
		printf 'corpus %-9s ' $$n; $$f tests/fuzz/corpus/$$n; done

$(BUILD)/tests/corpus_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay_main.c \
		$(LDFLAGS) $(LIB) $(PKG_LIBS)

cli: riposte
	$(Q)sh tests/cli.sh ./riposte
	$(Q)sh tests/send.sh ./riposte
	$(Q)sh tests/conf.sh ./riposte

# test_valgrind runs the release build: valgrind cannot run an ASan one.
ifeq ($(SAN),1)
LIVE_REL := build/rel/riposte
build/rel/riposte: FORCE
	$(Q)$(MAKE) --no-print-directory SAN=0 build/rel/riposte
endif

live: riposte $(LIB) $(LIVE_REL)
	$(Q)if [ "$$(id -u)" = 0 ]; then RIPOSTE_LIB=$(LIB) sh tests/live/run.sh ./riposte; \
	elif [ "$(SKIP_LIVE)" = 1 ]; then echo "live: SKIPPED (SKIP_LIVE=1)"; \
	else echo "live: needs root for network namespaces (or SKIP_LIVE=1)"; \
		exit 1; fi

# The README's first command: a lab, riposte serving rules/web-server.rules
# in one namespace, real clients in the other, then the lab torn down.
demo: deps riposte
	$(Q)sh tests/live/demo.sh ./riposte
errors: riposte
	$(Q)sh tests/errors/run.sh ./riposte

unit: $(UNIT_BIN)
	$(Q)set -e; for t in $(UNIT_BIN); do \
		echo "== $$t"; (cd tests/unit && ../../$$t); done

golden: riposte
	$(Q)sh tests/golden/run.sh ./riposte

golden-update: riposte
	$(Q)sh tests/golden/run.sh ./riposte --update $(T)

scapy: riposte $(BUILD)/tests/test_roundtrip
	$(Q)sh tests/scapy/run.sh ./riposte $(BUILD)/tests/test_roundtrip

fuzz: $(FUZZ_BIN)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(PKG_CFLAGS) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS)

# Runs every target for FUZZ_TIME seconds on a copy of its seed corpus, then
# replays the committed corpus (crashes found once stay there).
fuzz-run: fuzz
	$(Q)set -e; for f in $(FUZZ_BIN); do \
		n=$${f##*/fuzz_}; seeds=tests/fuzz/corpus/$$n; \
		work=$(FUZZ_BUILD)/corpus-$$n; mkdir -p $$work; \
		echo "== $$f $(FUZZ_TIME)s"; rc=0; d=; \
		if [ -f tests/fuzz/$$n.dict ]; then d=-dict=tests/fuzz/$$n.dict; fi; \
		$$f $$d -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-max_len=4096 $$work $$seeds > $(FUZZ_BUILD)/$$n.log 2>&1 || rc=$$?; \
		tail -n 12 $(FUZZ_BUILD)/$$n.log; \
		if [ $$rc -ne 0 ]; then echo "fuzz_$$n failed ($$rc)"; exit 1; fi; \
	done

# Overnight fuzzing: the same, longer, with what each run learnt kept in
# build/fuzz/corpus-NAME for the next.
FUZZ_LONG_TIME ?= 1800
fuzz-long:
	$(Q)$(MAKE) --no-print-directory fuzz-run FUZZ_TIME=$(FUZZ_LONG_TIME)

# Coverage: each fuzz target built with clang's source-based coverage runs
# once over its committed corpus (and what fuzz-run has grown, if any), then
# llvm-cov reports lines and branches of the code that reads hostile input.
COV_BUILD := build/cov
COV_FLAGS := -g -O1 -fprofile-instr-generate -fcoverage-mapping
COV_LIB_OBJ := $(LIB_SRC:%.c=$(COV_BUILD)/%.o)
COV_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(COV_BUILD)/%)
COV_DIRS := src/pkt src/lang src/io/pcapfile.c src/engine src/fw
.SECONDARY: $(COV_LIB_OBJ)

$(COV_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  COVCC   $<"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(PKG_CFLAGS) $(COV_FLAGS) \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(COV_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(COV_LIB_OBJ)
	@mkdir -p $(@D)
	@echo "  COVLD   $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(PKG_CFLAGS) $(COV_FLAGS) \
		-fsanitize=fuzzer -o $@ $< $(COV_LIB_OBJ) $(PKG_LIBS)

coverage: $(COV_BIN)
	$(Q)set -e; rm -f $(COV_BUILD)/*.profraw; objs=; \
	for f in $(COV_BIN); do \
		n=$${f##*/fuzz_}; dirs=tests/fuzz/corpus/$$n; \
		[ -d $(FUZZ_BUILD)/corpus-$$n ] && dirs="$$dirs $(FUZZ_BUILD)/corpus-$$n"; \
		LLVM_PROFILE_FILE=$(COV_BUILD)/$$n.profraw $$f -runs=0 $$dirs \
			> $(COV_BUILD)/$$n.log 2>&1; \
		if [ -z "$$objs" ]; then objs=$$f; else objs="$$objs -object $$f"; fi; \
	done; \
	llvm-profdata merge -sparse $(COV_BUILD)/*.profraw -o $(COV_BUILD)/all.profdata; \
	llvm-cov report $$objs -instr-profile=$(COV_BUILD)/all.profdata $(COV_DIRS) | \
		sed 's|^$(CURDIR)/||'; \
	llvm-cov show -format=html -output-dir=$(COV_BUILD)/html $$objs \
		-instr-profile=$(COV_BUILD)/all.profdata $(COV_DIRS) > /dev/null; \
	echo "coverage: line by line in $(COV_BUILD)/html/index.html"

# clang's static analyzer over every source file, in a build of its own.
# clang-tidy with the checks .clang-tidy lists (and why the others are
# not); a finding fails.  Two files at a time.
tidy:
	$(Q)mkdir -p build; printf '%s\n' $(LIB_SRC) src/main.c | \
		xargs -P2 -I{} clang-tidy --quiet {} -- $(CPPFLAGS) -std=c11 $(PKG_CFLAGS) \
		> build/tidy.log 2>&1; rc=$$?; \
	grep -v '^[0-9]* warnings\? generated\.$$' build/tidy.log; \
	if [ $$rc != 0 ] || grep -q 'error:' build/tidy.log; then echo "tidy: findings above"; exit 1; fi; \
	echo "tidy: no findings in $(words $(LIB_SRC) src/main.c) files"

scan:
	$(Q)rm -rf build/scan build/scan-report
	$(Q)scan-build --status-bugs --use-cc=clang -o build/scan-report \
		$(MAKE) --no-print-directory -j2 BUILD=build/scan build/scan/riposte

DEBIAN_PKGS := make gcc pkg-config libpcap-dev libev-dev libmnl-dev \
	libnftnl-dev libsodium-dev libseccomp-dev libcmocka-dev clang clang-tools clang-tidy llvm python3 python3-scapy tcpdump \
	iproute2 nftables iputils-ping netcat-openbsd nmap hping3 curl \
	tcpreplay mandoc clang-format valgrind systemd

deps:
	$(Q)missing=""; \
	for p in $(DEBIAN_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi; \
	v=$$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1); \
	dpkg-query -W -f='$${Status}' libclang-rt-$$v-dev 2>/dev/null | \
		grep -q 'install ok installed' || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends libclang-rt-$$v-dev; }; \
	echo "deps: all Debian packages present"

install: riposte
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 riposte $(DESTDIR)$(BINDIR)/riposte
	@set -e; for m in $(wildcard src/*.[1-8]); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	@# The conf is the admin's once installed: never overwritten.
	install -d $(DESTDIR)/etc/riposte
	@if [ -e $(DESTDIR)/etc/riposte/riposte.conf ]; then \
		echo "kept $(DESTDIR)/etc/riposte/riposte.conf"; else \
		install -m 0644 conf/riposte.conf $(DESTDIR)/etc/riposte/; fi
	@# The units name the binary where BINDIR puts it.
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	@set -e; for u in riposte.service riposte@.service; do \
		sed 's|/usr/local/sbin/riposte|$(BINDIR)/riposte|g' conf/$$u \
			> $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u; \
		chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u; done

FORMAT_SRC = $(wildcard src/*.[ch] src/*/*.[ch] tests/*/*.[ch])

format:
	clang-format -i $(FORMAT_SRC)

# Fails when a source file is not as .clang-format (Linux style) says.
format-check:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRC) && echo "format: OK"

clean:
	rm -rf build riposte

-include $(shell find build -name '*.d' 2>/dev/null)
