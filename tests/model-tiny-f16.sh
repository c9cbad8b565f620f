name=tiny-f16
. "$top_srcdir/tests/model-golden.sh"
