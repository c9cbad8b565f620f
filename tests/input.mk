# Tests of libcommon's corpus readers (libcommon/input.h, utf8.h).
check_PROGRAMS += tests/unit/test-input
TESTS += tests/unit/test-input
tests_unit_test_input_SOURCES = tests/unit/test-input.c tests/unit/test-input-utf8.h
check_PROGRAMS += tests/unit/test-input-dump
tests_unit_test_input_dump_SOURCES = tests/unit/test-input-dump.c
TESTS += tests/input-debdesc.sh
EXTRA_DIST += tests/input-debdesc.sh tests/input-debdesc-golden.py tests/input-utf8-golden.py \
	tests/data/debdesc-small/PROVENANCE.md tests/data/debdesc-small/corpus.jsonl.xz \
	tests/data/debdesc-small/queries.jsonl tests/data/debdesc-small/corpus.golden.tsv \
	tests/data/debdesc-small/queries.golden.tsv \
	tests/data/archives/PROVENANCE.md tests/data/archives/debdesc-small.tar.gz \
	tests/data/archives/debdesc-small.tar.xz tests/data/archives/debdesc-small.zip
