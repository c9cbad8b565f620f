name=gemma3-f32 extra=--bare tag=gemma3-bare
. "$top_srcdir/tests/lm-golden.sh"
