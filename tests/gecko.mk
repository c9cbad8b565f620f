# Tests of the Gecko-class encoders (EmbeddingGemma, Qwen3-Embedding):
# tests/gen-gecko turns a tests/gen-lm model into the real directory layout;
# tests/gecko-*.sh run the programs against PyTorch goldens.
check_PROGRAMS += tests/gen-gecko
tests_gen_gecko_SOURCES = tests/gen-gecko.c tests/gen-util.h
