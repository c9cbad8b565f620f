name=qwen3-f32
. "$top_srcdir/tests/lm-golden.sh"
