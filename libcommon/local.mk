# libcommon: the library every gk program links.  Tokenizers and models
# have fragments of their own (tokenizer.mk, model.mk) beside this one.
libcommon_libcommon_a_SOURCES += \
	libcommon/error.c libcommon/error.h \
	libcommon/cli.c libcommon/cli.h \
	libcommon/record.c libcommon/record.h \
	libcommon/stream.h
