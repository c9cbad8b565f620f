# Tests of the decoder LM: real weights (stories260K, published greedy
# output), generated tiny models of each family against PyTorch goldens
# (tests/reference/lm_reference.py), KV cache against recomputation.
check_PROGRAMS += tests/unit/test-lm-stories
tests_unit_test_lm_stories_SOURCES = tests/unit/test-lm-stories.c tests/unit/check.h
TESTS += tests/lm-stories.sh
EXTRA_DIST += tests/lm-stories.sh \
	tests/data/models/stories260K/config.json \
	tests/data/models/stories260K/model.safetensors \
	tests/data/models/stories260K/tokenizer.json \
	tests/data/models/stories260K/tokenizer_config.json \
	tests/data/models/stories260K/greedy-256.txt \
	tests/data/models/stories260K/PROVENANCE.txt \
	tests/data/models/stories260K/PROVENANCE.md \
	tests/data/models/stories260K/LICENSE-llama2.c-MIT.txt
check_PROGRAMS += tests/gen-lm tests/unit/test-lm-golden
tests_gen_lm_SOURCES = tests/gen-lm.c tests/gen-util.h
tests_unit_test_lm_golden_SOURCES = tests/unit/test-lm-golden.c tests/unit/check.h
# One script per golden model of tests/golden/lm-models.txt (automake needs
# the TESTS names spelled out).
TESTS += tests/lm-llama-f32.sh tests/lm-llama3-bf16.sh tests/lm-qwen2-f16.sh \
	tests/lm-qwen3-f32.sh tests/lm-gemma3-f32.sh tests/lm-gemma3-bf16.sh tests/lm-gemma3-bare.sh
EXTRA_DIST += tests/lm-golden.sh \
	tests/lm-llama-f32.sh tests/lm-llama3-bf16.sh tests/lm-qwen2-f16.sh \
	tests/lm-qwen3-f32.sh tests/lm-gemma3-f32.sh tests/lm-gemma3-bf16.sh tests/lm-gemma3-bare.sh \
	tests/golden/lm-llama-f32.json tests/golden/lm-llama3-bf16.json tests/golden/lm-qwen2-f16.json \
	tests/golden/lm-qwen3-f32.json tests/golden/lm-gemma3-f32.json tests/golden/lm-gemma3-bf16.json \
	tests/golden/lm-models.txt tests/golden/lm-sequences.jsonl \
	tests/reference/lm_reference.py tests/reference/make-lm-goldens.sh
clean-local: clean-local-lm
clean-local-lm:
	rm -rf tests/tmp-lm
check_PROGRAMS += tests/unit/test-lm-errors
tests_unit_test_lm_errors_SOURCES = tests/unit/test-lm-errors.c tests/unit/check.h
TESTS += tests/lm-errors.sh
EXTRA_DIST += tests/lm-errors.sh
# LM speed, built on demand: make bench/lm-bench; bench/lm-bench.sh runs it
# on stories260K and a generated Qwen2.5-0.5B-shaped model.
EXTRA_PROGRAMS += bench/lm-bench
bench_lm_bench_SOURCES = bench/lm-bench.c bench/bench-util.h
CLEANFILES += bench/lm-bench
EXTRA_DIST += bench/lm-bench.sh bench/RESULTS.md
