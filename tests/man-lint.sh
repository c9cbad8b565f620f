#!/bin/sh
# Every man page passes `mandoc -Tlint` at warning level, every program
# has a page, and each page's SYNOPSIS names the options its --help lists.
. "$top_srcdir/tests/setup.sh"
command -v mandoc >/dev/null || { echo "mandoc not installed" >&2; exit 77; }
n=0
for page in "$top_srcdir"/man/*.[0-9]; do
	mandoc -Tlint -Wwarning "$page" || fail "mandoc -Tlint: $page"
	n=$((n + 1))
done
for src in "$top_srcdir"/cmd/gk-*.c; do
	prog=$(basename "$src" .c)
	page="$top_srcdir/man/$prog.1"
	[ -f "$page" ] || fail "$prog has no man page"
	# each long option in --help is documented on the page
	help=$("$prog" --help) || fail "$prog --help failed"
	printf '%s\n' "$help" | grep -q "^Usage: $prog " || fail "$prog --help has no usage line"
	for opt in $(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -q -- "Fl \\\\-${opt#--}" "$page" || fail "$page does not document $opt"
	done
done
echo "man pages: $n linted"
