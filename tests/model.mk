# Tests of the model part: safetensors, config, kernels, the BERT forward
# pass against PyTorch goldens (tests/golden, made by tests/reference).
check_PROGRAMS += tests/gen-model
tests_gen_model_SOURCES = tests/gen-model.c
check_PROGRAMS += tests/unit/test-model-golden
tests_unit_test_model_golden_SOURCES = tests/unit/test-model-golden.c
