# Tests run by `make check` with automake's parallel harness: exit 0 pass,
# 77 skip, 99 hard error.  Shell tests share tests/setup.sh.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)'; export top_srcdir top_builddir;

check_PROGRAMS += tests/unit/test-stream
tests_unit_test_stream_SOURCES = tests/unit/test-stream.c tests/unit/check.h
TESTS += tests/unit/test-stream

TESTS += tests/cat-golden.sh tests/cat-errors.sh
EXTRA_DIST += tests/setup.sh tests/make-model.sh tests/cat-golden.sh tests/cat-errors.sh \
	tests/golden/cat
TESTS += tests/man-lint.sh
EXTRA_DIST += tests/man-lint.sh
TESTS += tests/truncate.sh
EXTRA_DIST += tests/truncate.sh
check_PROGRAMS += tests/unit/compare-vectors
tests_unit_compare_vectors_SOURCES = tests/unit/compare-vectors.c
TESTS += tests/pipeline-bert.sh
EXTRA_DIST += tests/pipeline-bert.sh
TESTS += tests/tokenize.sh
EXTRA_DIST += tests/tokenize.sh tests/reference/hf-tokenize.js tests/golden/tokenize
TESTS += tests/man-examples.sh
EXTRA_DIST += tests/man-examples.sh
TESTS += tests/get-model.sh
EXTRA_DIST += tests/get-model.sh tests/hub-server.py examples/get-model.sh examples/sample.sh
check_PROGRAMS += tests/fuzz-replay-stream tests/fuzz-replay-input tests/fuzz-replay-tokenizer \
	tests/fuzz-replay-safetensors tests/fuzz-replay-config tests/fuzz-replay-index tests/fuzz-replay-gguf
tests_fuzz_replay_stream_SOURCES = fuzz/fuzz-stream.c fuzz/replay.c fuzz/fuzz-util.h
tests_fuzz_replay_input_SOURCES = fuzz/fuzz-input.c fuzz/replay.c fuzz/fuzz-util.h
tests_fuzz_replay_tokenizer_SOURCES = fuzz/fuzz-tokenizer.c fuzz/replay.c fuzz/fuzz-util.h
tests_fuzz_replay_safetensors_SOURCES = fuzz/fuzz-safetensors.c fuzz/replay.c fuzz/fuzz-util.h
tests_fuzz_replay_config_SOURCES = fuzz/fuzz-config.c fuzz/replay.c fuzz/fuzz-util.h
tests_fuzz_replay_index_SOURCES = fuzz/fuzz-index.c fuzz/replay.c fuzz/fuzz-util.h
tests_fuzz_replay_gguf_SOURCES = fuzz/fuzz-gguf.c fuzz/replay.c fuzz/fuzz-util.h
TESTS += tests/fuzz-replay.sh
EXTRA_DIST += tests/fuzz-replay.sh tests/fuzz-regressions fuzz/run.sh
check_PROGRAMS += tests/unit/test-fret
tests_unit_test_fret_SOURCES = tests/unit/test-fret.c tests/unit/check.h
TESTS += tests/unit/test-fret
TESTS += tests/relabel.sh
EXTRA_DIST += tests/relabel.sh tests/golden/relabel tests/reference/relabel-prompts.js \
	tests/reference/relabel_reference.py tests/reference/make-relabel-goldens.sh
TESTS += tests/generate.sh
EXTRA_DIST += tests/generate.sh
TESTS += tests/bad-input-matrix.sh
EXTRA_DIST += tests/bad-input-matrix.sh
check_PROGRAMS += tests/unit/maxrss
tests_unit_maxrss_SOURCES = tests/unit/maxrss.c
TESTS += tests/million.sh
EXTRA_DIST += tests/million.sh
TESTS += tests/shards.sh
EXTRA_DIST += tests/shards.sh examples/shards.sh examples/embed-shard.sh
check_PROGRAMS += tests/unit/test-tmpfile
tests_unit_test_tmpfile_SOURCES = tests/unit/test-tmpfile.c tests/unit/check.h
TESTS += tests/unit/test-tmpfile
TESTS += tests/fret.sh
EXTRA_DIST += tests/fret.sh examples/fret.sh
EXTRA_DIST += tests/reference/xenc-pairs.js tests/reference/cross_encoder_reference.py \
	tests/reference/make-xenc-goldens.sh
