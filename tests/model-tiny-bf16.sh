name=tiny-bf16
. "$top_srcdir/tests/model-golden.sh"
