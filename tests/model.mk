# Tests of the model part: safetensors, config, kernels, the BERT forward
# pass against PyTorch goldens (tests/golden, made by tests/reference).

# tests/gen-model writes random-weight models in the HF layout at test time.
check_PROGRAMS += tests/gen-model
tests_gen_model_SOURCES = tests/gen-model.c tests/gen-util.h

# Unit tests.
check_PROGRAMS += tests/unit/test-model-safetensors tests/unit/test-model-kernels
TESTS += tests/unit/test-model-safetensors tests/unit/test-model-kernels
tests_unit_test_model_safetensors_SOURCES = tests/unit/test-model-safetensors.c tests/unit/test-model.h
tests_unit_test_model_kernels_SOURCES = tests/unit/test-model-kernels.c tests/unit/test-model.h

# Golden tests: one script per model of tests/golden/models.txt, all
# sourcing tests/model-golden.sh, which runs test-model-golden.
check_PROGRAMS += tests/unit/test-model-golden
tests_unit_test_model_golden_SOURCES = tests/unit/test-model-golden.c tests/unit/test-model.h
TESTS += tests/model-tiny-f32.sh tests/model-tiny-f16.sh tests/model-tiny-bf16.sh \
	tests/model-tiny-nost.sh tests/model-minilm-f32.sh
EXTRA_DIST += tests/model-golden.sh \
	tests/model-tiny-f32.sh tests/model-tiny-f16.sh tests/model-tiny-bf16.sh \
	tests/model-tiny-nost.sh tests/model-minilm-f32.sh \
	tests/golden/models.txt tests/golden/sequences.jsonl \
	tests/golden/tiny-f32.json tests/golden/tiny-f16.json tests/golden/tiny-bf16.json \
	tests/golden/tiny-nost.json tests/golden/minilm-f32.json \
	tests/reference/bert_reference.py tests/reference/make-goldens.sh \
	tests/data/models-src/bert/PROVENANCE.md tests/data/models-src/bert/vocab.txt \
	tests/data/models-src/bert/tokenizer.json.xz tests/data/models-src/bert/tokenizer_config.json

# Load-time errors of broken model directories.
check_PROGRAMS += tests/unit/test-model-load
tests_unit_test_model_load_SOURCES = tests/unit/test-model-load.c
TESTS += tests/model-errors.sh
EXTRA_DIST += tests/model-errors.sh

clean-local: clean-local-model
clean-local-model:
	rm -rf tests/tmp-models

# The encoder benchmark is built by make check (so it keeps compiling) but
# not run; bench/run-encode.sh runs it.
check_PROGRAMS += bench/bench-encode
bench_bench_encode_SOURCES = bench/bench-encode.c
EXTRA_DIST += bench/run-encode.sh bench/encode-results.md doc/models.md
