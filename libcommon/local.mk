# libcommon: the library every gk program links.  Tokenizers and models
# have fragments of their own (tokenizer.mk, model.mk) beside this one.
libcommon_libcommon_a_SOURCES += \
	libcommon/error.c libcommon/error.h \
	libcommon/cli.c libcommon/cli.h \
	libcommon/record.c libcommon/record.h \
	libcommon/stream.h
libcommon_libcommon_a_SOURCES += \
	libcommon/buf.c libcommon/buf.h \
	libcommon/dtype.c libcommon/dtype.h \
	libcommon/msgpack_scan.c libcommon/msgpack_scan.h \
	libcommon/record_json.c libcommon/record_json.h \
	libcommon/stream_types.c \
	libcommon/stream_reader.c \
	libcommon/stream_writer.c
libcommon_libcommon_a_SOURCES += libcommon/progress.c libcommon/progress.h
libcommon_libcommon_a_SOURCES += libcommon/filter.c libcommon/filter.h
libcommon_libcommon_a_SOURCES += libcommon/vecmath.c libcommon/vecmath.h
libcommon_libcommon_a_SOURCES += libcommon/st_config.c libcommon/st_config.h \
	libcommon/fd_sniff.c libcommon/fd_sniff.h
libcommon_libcommon_a_SOURCES += libcommon/fret.c libcommon/fret.h
libcommon_libcommon_a_SOURCES += libcommon/record_source.c libcommon/record_source.h
libcommon_libcommon_a_SOURCES += libcommon/passages.c libcommon/passages.h
libcommon_libcommon_a_SOURCES += libcommon/sampling.c libcommon/sampling.h
libcommon_libcommon_a_SOURCES += libcommon/tmpfile.c libcommon/tmpfile.h
libcommon_libcommon_a_SOURCES += libcommon/cross_encoder.c libcommon/cross_encoder.h
