# bench.mk: make bench, make bench-quick (included by the top Makefile)
#
#   make bench          every size, up to 100,000 commits (the histories
#                       are generated once and kept under $(O)/bench);
#                       writes bench/results.tsv
#   make bench-quick    1 and 100 commits, under a minute; writes
#                       $(O)/bench/results-quick.tsv
#
# docs/performance.md says what is measured, how, and the last results.

BENCH_STAGES = $(O)/bench/stages

$(BENCH_STAGES): $(O)/bench/stages.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

bench: all $(BENCH_STAGES)
	perl bench/run --build $(O)

bench-quick: all $(BENCH_STAGES)
	perl bench/run --build $(O) --quick

.PHONY: bench bench-quick
