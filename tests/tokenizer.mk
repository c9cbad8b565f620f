# Tokenizer tests: exactness against HuggingFace tokenizers' ids.
check_PROGRAMS += tests/unit/test-tokenizer
TESTS += tests/unit/test-tokenizer
tests_unit_test_tokenizer_SOURCES = tests/unit/test-tokenizer.c tests/unit/tok-test.h
EXTRA_DIST += tests/data/tokenizers
check_PROGRAMS += tests/unit/test-tokenizer-vectors
TESTS += tests/unit/test-tokenizer-vectors
tests_unit_test_tokenizer_vectors_SOURCES = tests/unit/test-tokenizer-vectors.c tests/unit/tok-test.h
EXTRA_DIST += tests/tokenizer-vectors
check_PROGRAMS += tests/unit/test-tokenizer-errors
TESTS += tests/unit/test-tokenizer-errors
tests_unit_test_tokenizer_errors_SOURCES = tests/unit/test-tokenizer-errors.c tests/unit/tok-test.h
check_PROGRAMS += tests/unit/test-tokenizer-threads
TESTS += tests/unit/test-tokenizer-threads
tests_unit_test_tokenizer_threads_SOURCES = tests/unit/test-tokenizer-threads.c tests/unit/tok-test.h
# A micro-benchmark, built on demand: make bench/tok-bench
EXTRA_PROGRAMS = bench/tok-bench
bench_tok_bench_SOURCES = bench/tok-bench.c
CLEANFILES += bench/tok-bench
EXTRA_DIST += bench/RESULTS.md bench/tok-bench-hf.js bench/tokenize.sh
