# libcommon's corpus readers: plain text, JSON lines, archives (input.h).
libcommon_libcommon_a_SOURCES += \
	libcommon/input.c libcommon/input.h libcommon/input_private.h \
	libcommon/input_json.c libcommon/input_archive.c \
	libcommon/input_cli.c libcommon/input_cli.h \
	libcommon/utf8.c libcommon/utf8.h
