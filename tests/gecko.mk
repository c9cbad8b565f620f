# Tests of the Gecko-class encoders (EmbeddingGemma, Qwen3-Embedding):
# tests/gen-gecko turns a tests/gen-lm model into the real directory layout;
# tests/gecko-*.sh run the programs against PyTorch goldens.
check_PROGRAMS += tests/gen-gecko
tests_gen_gecko_SOURCES = tests/gen-gecko.c tests/gen-util.h
TESTS += tests/gecko-embeddinggemma.sh tests/gecko-qwen3-embedding.sh
EXTRA_DIST += tests/make-gecko.sh tests/gecko-golden.sh \
	tests/gecko-embeddinggemma.sh tests/gecko-qwen3-embedding.sh \
	tests/golden/gecko/PROVENANCE.md tests/golden/gecko/queries.jsonl \
	tests/golden/gecko/documents.jsonl tests/golden/gecko/embeddinggemma.json \
	tests/golden/gecko/qwen3-embedding.json \
	tests/reference/gecko_reference.py tests/reference/gecko-tokenize.js \
	tests/reference/make-gecko-goldens.sh
EXTRA_DIST += examples/embeddinggemma.sh
# Speed on EmbeddingGemma's real shape (bench/gecko-bench.sh generates the
# 1.2 GB model); built by make check so it keeps compiling, not run.
check_PROGRAMS += bench/gecko-bench
bench_gecko_bench_SOURCES = bench/gecko-bench.c bench/bench-util.h
EXTRA_DIST += bench/gecko-bench.sh
