# bench.mk: make bench, make bench-quick (included by the top Makefile)
#
#   make bench          every size, up to 100,000 commits and 100,000
#                       registered keys (the histories and keys are
#                       generated once and kept under $(O)/bench);
#                       writes bench/results.tsv
#   make bench-quick    1 and 100 commits, 1,000 keys, about a minute;
#                       writes $(O)/bench/results-quick.tsv
#   make bench-identity section 6 alone (identity at scale): its rows
#                       of bench/results.tsv are replaced, the rest kept
#   make bench-gates    section 7 alone (merge gates, 1,000,000
#                       attestations, made once): likewise
#
# docs/performance.md says what is measured, how, and the last results.

BENCH_STAGES = $(O)/bench/stages

# Linked as the hook is (Makefile, HOOK_LIBS).  stages.c defines
# mbedtls_x509_crt_parse_file itself, so it is compiled under the __wrap_
# name that the hook's --wrap calls (its own would clash with mbedTLS's).
$(BENCH_STAGES): $(O)/bench/stages.o $(O)/common/nogssapi.o \
		 $(O)/common/nonet.o $(LIB)
	$(CC) $(ALL_LDFLAGS) $(HOOK_LDFLAGS) -o $@ $^ $(HOOK_LIBS)

$(O)/bench/stages.o: ALL_CFLAGS += $(NOTLS_WRAP)
$(O)/bench/stages.o: bench/bench.mk

# Registered users' keys by the hundred thousand (the identity rows):
# Ed25519 keys made with libgcrypt directly, gpg being far too slow.
BENCH_KEYGEN = $(O)/bench/keygen

$(BENCH_KEYGEN): $(O)/bench/keygen.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(shell pkg-config --libs libgcrypt)

BENCH_PROGRAMS = $(BENCH_STAGES) $(BENCH_KEYGEN)

bench: all $(BENCH_PROGRAMS)
	perl bench/run --build $(O)

bench-quick: all $(BENCH_PROGRAMS)
	perl bench/run --build $(O) --quick

bench-identity: all $(BENCH_PROGRAMS)
	perl bench/run --build $(O) --only identity

bench-gates: all $(BENCH_PROGRAMS)
	perl bench/run --build $(O) --only gates

.PHONY: bench bench-quick bench-identity bench-gates
