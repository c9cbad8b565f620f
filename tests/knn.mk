# Tests of gk-knn and gk-eval.
check_PROGRAMS += tests/unit/test-knn
tests_unit_test_knn_SOURCES = tests/unit/test-knn.c tests/unit/check.h
TESTS += tests/unit/test-knn
TESTS += tests/knn.sh
EXTRA_DIST += tests/knn.sh
TESTS += tests/eval.sh
EXTRA_DIST += tests/eval.sh tests/data/debdesc-small/qrels/test.tsv
TESTS += tests/knn-pipeline.sh
EXTRA_DIST += tests/knn-pipeline.sh
TESTS += tests/knn-kernels.sh
EXTRA_DIST += tests/knn-kernels.sh
