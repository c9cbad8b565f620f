name=llama3-bf16
. "$top_srcdir/tests/lm-golden.sh"
