# gk-knn (search, index files, merging shards' hits) and gk-eval (metrics).
bin_PROGRAMS += cmd/gk-knn
cmd_gk_knn_SOURCES = cmd/gk-knn.c
bin_PROGRAMS += cmd/gk-eval
cmd_gk_eval_SOURCES = cmd/gk-eval.c
dist_man_MANS += man/gk-knn.1 man/gk-eval.1
# The search benchmark, built on demand: make bench/knn-bench (results: bench/RESULTS.md)
EXTRA_PROGRAMS += bench/knn-bench
bench_knn_bench_SOURCES = bench/knn-bench.c
CLEANFILES += bench/knn-bench
EXTRA_DIST += bench/RESULTS.md bench/knn-bench.sh
