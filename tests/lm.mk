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
