# Bad and corrupt decoder LM directories: clear errors, no crash.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
work="$top_builddir/tests/tmp-lm/errors"
rm -rf "$work"
mkdir -p "$top_builddir/tests/tmp-lm"
exec "$top_builddir/tests/unit/test-lm-errors" "$top_srcdir/tests/data/models/stories260K" "$work"
