# The tokenizer: HuggingFace-exact text <-> token ids (libcommon/tokenizer.h).
libcommon_libcommon_a_SOURCES += \
	libcommon/tokenizer.c libcommon/tokenizer.h \
	libcommon/tok_internal.h \
	libcommon/tok_map.c libcommon/tok_map.h \
	libcommon/tok_text.c libcommon/tok_text.h \
	libcommon/tok_build.c \
	libcommon/tok_json.c \
	libcommon/tok_load.c \
	libcommon/tok_normalize.c \
	libcommon/tok_pretok.c \
	libcommon/tok_added.c \
	libcommon/tok_wordpiece.c \
	libcommon/tok_bpe.c \
	libcommon/tok_post.c \
	libcommon/tok_decode.c
