# libcommon, decoder LM part: config, weights, forward pass with KV cache,
# and the kernels a BERT encoder does not need (RMSNorm, RoPE, GQA attention).
libcommon_libcommon_a_SOURCES += \
	libcommon/lm_config.c libcommon/lm_config.h \
	libcommon/lm_kernels.c libcommon/lm_kernels.h \
	libcommon/lm_load.c libcommon/lm.c libcommon/lm.h
