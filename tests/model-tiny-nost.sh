name=tiny-nost
. "$top_srcdir/tests/model-golden.sh"
