# gitapps: a serverless git forge (see README.md)
#
#   make                build the programs and man pages into $(O)
#   make check          unit and integration tests (TAP, run by prove)
#   make check-asan     the same tests built with ASan and UBSan
#   make fuzz           run the parser fuzzers for FUZZ_SECONDS each (clang)
#   make install        PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
LIBEXECDIR = $(PREFIX)/libexec/gitapps
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/gitapps

O ?= build
CC ?= cc
PKGS = libgit2 gpgme libgcrypt libpcre2-8 inih nettle zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wjump-misses-init -Wshadow -Wformat=2 \
       -Wno-format-nonliteral -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) $(SAN)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

# Every .c of the library directories is library code; programs (files
# holding main) live in cli/ or are listed on their own.  HOOK_OBJ's
# sources are linked into the hook alone, never into the library.
# adapters/ read git's, gpg's and OpenPGP's data for the hook and for
# whatever else judges the same inputs; hooks/ holds the hook's judge.
COMMON_SRC = $(filter-out common/nogssapi.c common/nonet.c,\
	$(wildcard common/*.c))
POLICY_SRC = $(wildcard policy/*.c)
ADAPTERS_SRC = $(wildcard adapters/*.c)
HOOKS_SRC = $(filter-out hooks/pre-receive.c,$(wildcard hooks/*.c))
APPS_SRC = $(wildcard apps/*/*.c)
CLI_ACL_SRC = $(wildcard cli/acl*.c) cli/cli.c
CLI_MR_SRC = $(wildcard cli/mr*.c) cli/cli.c

LIB_SRC = $(COMMON_SRC) $(POLICY_SRC) $(ADAPTERS_SRC) $(HOOKS_SRC) \
	$(APPS_SRC)
LIB_OBJ = $(LIB_SRC:%.c=$(O)/%.o)
LIB = $(O)/libgitapps.a

PROGRAMS = $(O)/bin/git-acl $(O)/bin/git-mr
HOOK = $(O)/libexec/gitapps/pre-receive
# The build tree mirrors the installed layout, so that git-acl finds the
# hook and the default policy beside itself in both.
APP_DATA = $(O)/share/gitapps/access-control/.stamp \
           $(O)/share/gitapps/merge-reqs/.stamp
UNIT_BINS = $(patsubst %.c,$(O)/%,$(wildcard tests/unit/*.c))
FUZZERS = $(patsubst tests/fuzz/%_fuzzer.c,%,$(wildcard tests/fuzz/*_fuzzer.c))
REPLAY_BINS = $(FUZZERS:%=$(O)/tests/fuzz/replay-%)
MANPAGES = $(patsubst docs/%.scd,$(O)/man/%,$(wildcard docs/*.scd))

# The hook starts once per push, so it links every library but the C
# library statically (git-acl, git-mr and the tests stay dynamic): Debian's
# libgit2.so brings 14 more shared libraries (ssh, TLS, Kerberos), and the
# dynamic linker's work was half of a 7.8 ms start (docs/performance.md).
# HOOK_LIBS is PKGS and what they need, in link order: keep them in step.
# The Debian archives link as they are; three things need help:
#  - common/notls.c is compiled a second time as __wrap_ of mbedTLS's
#    mbedtls_x509_crt_parse_file and --wrap points libgit2's calls at it
#    (its own name would clash with libmbedx509.a's definition): still no
#    CA bundle, and TLS through libgit2 still trusts no server;
#  - Kerberos has no static library: common/nogssapi.c stands in for
#    GSSAPI and refuses everything (Negotiate authentication fails);
#  - libgit2's TLS and ssh set-ups (0.7 ms a start) are wrapped with
#    common/nonet.c's, which do nothing, and the calls that would use
#    them with ones that fail: no connection is made without them.
# A libgit2, mbedTLS, libssh2 or OpenSSL security update reaches the hook
# only when it is rebuilt.  -z pack-relative-relocs needs glibc 2.36.
NOTLS_WRAP = -Dmbedtls_x509_crt_parse_file=__wrap_mbedtls_x509_crt_parse_file
HOOK_OBJ = $(O)/common/notls-wrap.o $(O)/common/nogssapi.o \
	$(O)/common/nonet.o
NONET_WRAPS = git_mbedtls_stream_global_init git_mbedtls_stream_new \
	git_mbedtls_stream_wrap git_mbedtls__set_cert_location \
	git_transport_ssh_global_init git_smart_subtransport_ssh \
	git_transport_ssh_with_paths
# What must never be linked into the hook: if a libgit2 update renamed a
# wrapped function, --wrap would quietly do nothing and this would show.
NONET_ABSENT = git_mbedtls_stream_new git_mbedtls_stream_global_init \
	git_smart_subtransport_ssh git_transport_ssh_with_paths libssh2_init
HOOK_LDFLAGS = -Wl,--wrap=mbedtls_x509_crt_parse_file \
	$(NONET_WRAPS:%=-Wl,--wrap=%) -Wl,-z,pack-relative-relocs
HOOK_LIBS = -Wl,-Bstatic -lgit2 -lmbedtls -lmbedx509 -lmbedcrypto \
	-lhttp_parser -lssh2 -lcrypto -lz -lgpgme -lassuan -lgcrypt \
	-lgpg-error -lpcre2-8 -linih -lnettle -Wl,-Bdynamic

all: $(PROGRAMS) $(HOOK) $(APP_DATA) $(MANPAGES)

$(O)/share/gitapps/%/.stamp: $(wildcard apps/*/policy/*/*)
	rm -rf $(dir $@)
	mkdir -p $(dir $@)
	cp -R apps/$*/policy/. $(dir $@)
	touch $@

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/common/notls-wrap.o: common/notls.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(NOTLS_WRAP) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(O)/bin/git-acl: $(CLI_ACL_SRC:%.c=$(O)/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/bin/git-mr: $(CLI_MR_SRC:%.c=$(O)/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(HOOK): $(O)/hooks/pre-receive.o $(HOOK_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(HOOK_LDFLAGS) -o $@.tmp $^ $(HOOK_LIBS)
	@if nm $@.tmp | grep -Eq ' [TtWw] ($(subst $() ,|,$(strip $(NONET_ABSENT))))$$'; \
	then echo "$@: libgit2's TLS or ssh code is linked in" \
		"(see common/nonet.c)" >&2; rm -f $@.tmp; exit 1; fi
	mv $@.tmp $@

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

# linked as the hook is, to test what the hook's link changes
$(O)/tests/unit/nonet: $(O)/tests/unit/nonet.o $(HOOK_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) $(HOOK_LDFLAGS) -o $@ $^ $(HOOK_LIBS) \
		$(CMOCKA_LIBS)

$(O)/tests/fuzz/replay-%: $(O)/tests/fuzz/%_fuzzer.o $(O)/tests/fuzz/replay.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/man/%: docs/%.scd
	@mkdir -p $(dir $@)
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-1764000000} scdoc < $< > $@.tmp
	mv $@.tmp $@

# Each header compiles on its own (libgit2's tests/headertest does the same).
HEADERS = $(wildcard common/*.h policy/*.h adapters/*.h hooks/*.h \
	apps/*/*.h cli/*.h)
headertest:
	@for h in $(HEADERS); do \
		printf '#include "%s"\n' "$$h" | \
		$(CC) $(ALL_CFLAGS) -I. -x c -fsyntax-only - || \
		{ echo "header $$h does not compile alone" >&2; exit 1; }; \
	done

# Every test runs under one prove: cmocka binaries print TAP when told to,
# the sharness scripts always do.
check: all headertest $(UNIT_BINS) $(REPLAY_BINS)
	CMOCKA_MESSAGE_OUTPUT=TAP GITAPPS_BUILD="$(abspath $(O))" \
	GITAPPS_SOURCE="$(CURDIR)" \
	prove --exec '' $(PROVE_FLAGS) $(UNIT_BINS) $(REPLAY_BINS) tests/t[0-9]*.t

check-asan:
	$(MAKE) O=$(O)/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
		check

FUZZ_SECONDS ?= 30
FUZZ_CC ?= clang
fuzz:
	@mkdir -p $(O)/fuzz
	set -e; for f in $(FUZZERS); do \
		$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 \
			-fsanitize=fuzzer,address,undefined \
			-fno-sanitize-recover=undefined $(PKG_CFLAGS) \
			-o $(O)/fuzz/$$f tests/fuzz/$${f}_fuzzer.c \
			$(COMMON_SRC) $(POLICY_SRC) adapters/pack.c \
			adapters/pgp.c adapters/backsig.c $(PKG_LIBS); \
		mkdir -p $(O)/fuzz/$$f-found; \
		$(O)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) \
			-max_len=8192 -artifact_prefix=$(O)/fuzz/$$f- \
			$(O)/fuzz/$$f-found tests/fuzz/corpus/$$f; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 $(HOOK) $(DESTDIR)$(LIBEXECDIR)/
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	for c in acl mr; do \
		install -m 644 cli/git-$$c.bash \
			$(DESTDIR)$(PREFIX)/share/bash-completion/completions/git-$$c \
			|| exit 1; \
	done
	for a in access-control merge-reqs; do \
		rm -rf $(DESTDIR)$(DATADIR)/$$a && \
		cp -R apps/$$a/policy $(DESTDIR)$(DATADIR)/$$a || exit 1; \
	done

clean:
	rm -rf $(O) tests/trash\ directory.* tests/test-results

.PHONY: all headertest check check-asan fuzz install clean
# keep test objects between runs
.SECONDARY:

# make bench, make bench-quick: bench/bench.mk (docs/performance.md)
-include bench/bench.mk
-include bench/mr.mk

-include $(shell find $(O) -name '*.d' 2>/dev/null)
