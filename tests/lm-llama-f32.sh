name=llama-f32
. "$top_srcdir/tests/lm-golden.sh"
