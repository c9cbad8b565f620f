# libcommon, Gecko-class encoders: choosing the forward pass of a model
# directory (BERT, or a decoder LM run as an encoder: EmbeddingGemma,
# Qwen3-Embedding).
libcommon_libcommon_a_SOURCES += \
	libcommon/encoder.c libcommon/encoder.h
