# input-debdesc.sh - libcommon's input reader on the real debdesc-small data:
# corpus.jsonl and queries.jsonl against listings Python made
# (tests/input-debdesc-golden.py), the three archives against the corpus,
# compressed JSON lines, stdin from a file and from a pipe, corrupt archives.
set -eu
: "${top_srcdir:?run me through make check}" "${top_builddir:?run me through make check}"
export LC_ALL=C
dump="$top_builddir/tests/unit/test-input-dump"
data="$top_srcdir/tests/data"
T=$(mktemp -d "${TMPDIR:-/tmp}/gk-test-input.XXXXXX")
trap 'rc=$?; if [ "$rc" = 0 ]; then rm -rf "$T"; else echo "test files kept in $T" >&2; fi' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# same A B: the two listings are equal.
same() {
	cmp -s "$1" "$2" || { diff "$1" "$2" | head -5 >&2; fail "$1 and $2 differ"; }
}

# expect_error STATUS PATTERN CMD...: CMD fails with STATUS and one line on
# stderr matching the extended regular expression PATTERN.
expect_error() {
	want=$1 pattern=$2
	shift 2
	status=0
	"$@" >"$T/out" 2>"$T/err" || status=$?
	[ "$status" = "$want" ] || fail "$*: exit status $status, want $want: $(cat "$T/err")"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "$*: want one line on stderr: $(cat "$T/err")"
	grep -Eq -- "$pattern" "$T/err" || fail "$*: '$(cat "$T/err")' does not match '$pattern'"
}

xz -dc "$data/debdesc-small/corpus.jsonl.xz" >"$T/corpus.jsonl"

# BEIR files with no options: "_id" becomes "id", titles kept.
"$dump" "$T/corpus.jsonl" >"$T/corpus.tsv"
same "$T/corpus.tsv" "$data/debdesc-small/corpus.golden.tsv"
"$dump" "$data/debdesc-small/queries.jsonl" >"$T/queries.tsv"
same "$T/queries.tsv" "$data/debdesc-small/queries.golden.tsv"

# Compressed JSON lines are the same records: xz (as committed), gzip, and
# a forced format still undoes the compression.
"$dump" "$data/debdesc-small/corpus.jsonl.xz" >"$T/xz.tsv"
same "$T/xz.tsv" "$T/corpus.tsv"
gzip -n -c "$T/corpus.jsonl" >"$T/corpus.jsonl.gz"
"$dump" --format jsonl "$T/corpus.jsonl.gz" >"$T/gz.tsv"
same "$T/gz.tsv" "$T/corpus.tsv"

# stdin, from a file and from a pipe.
"$dump" - <"$T/corpus.jsonl.gz" >"$T/stdin.tsv"
same "$T/stdin.tsv" "$T/corpus.tsv"
cat "$T/corpus.jsonl" | "$dump" - >"$T/pipe.tsv"
same "$T/pipe.tsv" "$T/corpus.tsv"

# Archives: member debdesc-small/<c>/<id>.txt holds the text and a final
# newline; with --strip-member-path the id is <id> and the text is the corpus text.
# Titles are JSON-only, so compare id, length and hash, as sets (the
# archives are in name order, the corpus is not quite).
cut -f1,3,4 "$T/corpus.tsv" | sort >"$T/want.tsv"
[ "$(wc -l <"$T/want.tsv")" = 2000 ] || fail "corpus listing has $(wc -l <"$T/want.tsv") lines"
for a in tar.gz tar.xz zip; do
	"$dump" --strip-member-path "$data/archives/debdesc-small.$a" | cut -f1,3,4 | sort >"$T/got.tsv"
	same "$T/got.tsv" "$T/want.tsv"
done
# Through a pipe (no seeking: libarchive's streaming zip reader) too.
cat "$data/archives/debdesc-small.zip" | "$dump" --strip-member-path - | cut -f1,3,4 | sort >"$T/got.tsv"
same "$T/got.tsv" "$T/want.tsv"
# Without --strip-member-path the id is the member path as stored.
"$dump" "$data/archives/debdesc-small.tar.xz" | head -n 1 | cut -f1 >"$T/first"
[ "$(cat "$T/first")" = "debdesc-small/2/2048-qt.txt" ] || fail "first member id '$(cat "$T/first")'"
# One record per line of each member: ids MEMBER:LINE.
"$dump" --member-lines --empty skip "$data/archives/debdesc-small.tar.gz" >"$T/lines.tsv"
grep -q '^debdesc-small/2/2048-qt.txt:1	' "$T/lines.tsv" || fail "no line records"
# The corpus has blank lines inside texts (paragraph breaks): an error by default.
expect_error 65 '^test-input-dump: .*debdesc-small.tar.gz: member debdesc-small/.*: line [0-9]+: empty text$' \
	"$dump" --member-lines "$data/archives/debdesc-small.tar.gz"

# Corrupt archives: cut short, and bytes overwritten in the middle.
head -c 150000 "$data/archives/debdesc-small.tar.gz" >"$T/short.tar.gz"
expect_error 65 "^test-input-dump: $T/short.tar.gz: member debdesc-small/.*: corrupt archive: " \
	"$dump" --strip-member-path "$T/short.tar.gz"
head -c 100000 "$data/archives/debdesc-small.zip" >"$T/broken.zip"
head -c 5000 /dev/zero >>"$T/broken.zip"
tail -c +105001 "$data/archives/debdesc-small.zip" >>"$T/broken.zip"
expect_error 65 "^test-input-dump: $T/broken.zip: " "$dump" --strip-member-path "$T/broken.zip"
head -c 100000 "$T/corpus.jsonl.gz" >"$T/short.jsonl.gz"
expect_error 65 "^test-input-dump: $T/short.jsonl.gz: line [0-9]+: corrupt archive: truncated gzip input$" \
	"$dump" "$T/short.jsonl.gz"
head -c 1000 "$T/corpus.jsonl.gz" >"$T/tiny.jsonl.gz"
expect_error 65 "^test-input-dump: $T/tiny.jsonl.gz: not a readable archive: truncated gzip input$" \
	"$dump" "$T/tiny.jsonl.gz"
# Overwritten bytes anywhere: a clean end or one error (exit 65), never a
# crash (the sanitizer build turns any memory error into another status).
for a in tar.gz tar.xz zip; do
	f="$data/archives/debdesc-small.$a"
	size=$(wc -c <"$f")
	for i in 1 2 3 4 5 6 7 8; do
		cp "$f" "$T/hit.$a"
		printf '\336\255\276\357\000\377' |
			dd of="$T/hit.$a" bs=1 seek=$((i * 245759 % size)) conv=notrunc status=none
		status=0
		"$dump" --strip-member-path "$T/hit.$a" >/dev/null 2>"$T/err" || status=$?
		case $status in
		0) [ ! -s "$T/err" ] || fail "hit.$a ($i): exit 0 with a message";;
		65) [ "$(wc -l <"$T/err")" = 1 ] || fail "hit.$a ($i): $(cat "$T/err")";;
		*) fail "hit.$a ($i): exit status $status: $(cat "$T/err")";;
		esac
	done
done
expect_error 66 "^test-input-dump: $T/missing.tar.gz: No such file or directory$" \
	"$dump" "$T/missing.tar.gz"
exit 0
