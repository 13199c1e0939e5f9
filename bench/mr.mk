# git mr list against git ls-tree -r of the same data branch (issue 5).
# Included from the top-level Makefile beside bench/bench.mk; adds itself
# to make bench (results in bench/results-mr.tsv) and make bench-quick.

bench-mr: all
	perl bench/mr-list.pl $(O) bench/results-mr.tsv 0

bench-mr-quick: all
	perl bench/mr-list.pl $(O) $(O)/bench/results-mr-quick.tsv 1

bench: bench-mr
bench-quick: bench-mr-quick

.PHONY: bench-mr bench-mr-quick
