name=gemma3-f32
. "$top_srcdir/tests/lm-golden.sh"
