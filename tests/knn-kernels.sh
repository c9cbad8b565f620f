#!/bin/sh
# test-knn again with the AVX-512 kernels turned off, so the AVX2 int8 and
# popcount paths are checked against the reference too on a machine that
# has AVX-512 (the plain run covers the AVX-512 ones).
. "$top_srcdir/tests/setup.sh"
GK_KNN_NO_AVX512=1 "$top_builddir/tests/unit/test-knn" 2>"$T/log" || fail "test-knn without AVX-512: $(tail -5 "$T/log")"
echo "knn kernels without AVX-512: ok"
