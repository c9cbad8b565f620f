# Tests of libcommon's corpus readers (libcommon/input.h, utf8.h).
check_PROGRAMS += tests/unit/test-input
TESTS += tests/unit/test-input
tests_unit_test_input_SOURCES = tests/unit/test-input.c tests/unit/test-input-utf8.h
