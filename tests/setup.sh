# setup.sh - sourced by every shell test: strict mode, the programs on PATH,
# a scratch directory (kept when a test fails) and the shared assertions.
set -eu
: "${top_srcdir:?run me through make check}" "${top_builddir:?run me through make check}"
PATH="$top_builddir/cmd:$PATH"
export LC_ALL=C.UTF-8
data="$top_srcdir/tests/data"
golden="$top_srcdir/tests/golden"
T=$(mktemp -d "${TMPDIR:-/tmp}/gk-test.XXXXXX")
trap 'rc=$?; if [ "$rc" = 0 ]; then rm -rf "$T"; else echo "test files kept in $T" >&2; fi' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_error STATUS PATTERN CMD [ARG...]
# CMD must exit with STATUS and write exactly one line to stderr, which
# must match the extended regular expression PATTERN (a usage error may add
# the line "Try 'PROG --help' ...").
expect_error() {
	want=$1 pattern=$2
	shift 2
	status=0
	"$@" >"$T/stdout" 2>"$T/stderr" || status=$?
	[ "$status" = "$want" ] || fail "$*: exit status $status, want $want; stderr: $(cat "$T/stderr")"
	[ "$(grep -cv "^Try '.* --help' for more information.$" "$T/stderr")" = 1 ] || fail "$*: want one line on stderr, got: $(cat "$T/stderr")"
	grep -Eq -- "$pattern" "$T/stderr" || fail "$*: stderr '$(cat "$T/stderr")' does not match '$pattern'"
}

# make_model DIR [gen-model options]: a random-weight BERT model with the
# real bert-base-uncased tokenizer (see tests/make-model.sh)
make_model() {
	sh "$top_srcdir/tests/make-model.sh" "$@"
}

# bytes HEX: write the bytes spelt in hex (perl is in every Debian).
bytes() {
	perl -e 'print pack("H*", $ARGV[0])' "$1"
}
