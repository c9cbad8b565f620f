# The decoder LM on real trained weights: stories260K's published greedy text.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
exec "$top_builddir/tests/unit/test-lm-stories" "$top_srcdir/tests/data/models/stories260K"
