name=tiny-f32
. "$top_srcdir/tests/model-golden.sh"
