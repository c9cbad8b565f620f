name=qwen2-f16
. "$top_srcdir/tests/lm-golden.sh"
