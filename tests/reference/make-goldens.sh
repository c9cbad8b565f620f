#!/bin/sh
# Regenerate tests/golden/*.json with the PyTorch reference.  Needs a built
# tree (tests/gen-model) and /usr/bin/python3 with torch and numpy; CI does
# not run this, it uses the committed goldens.
#   tests/reference/make-goldens.sh [BUILDDIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$src/tests/golden/models.txt" | while read -r name args; do
	[ -n "$name" ] || continue
	hidden=
	case $name in tiny-*) hidden="--hidden 0,2,4,8" ;; esac
	# shellcheck disable=SC2086
	"$build/tests/gen-model" $args "$tmp/$name"
	/usr/bin/python3 "$src/tests/reference/bert_reference.py" "$tmp/$name" \
		"$src/tests/golden/sequences.jsonl" "$src/tests/golden/$name.json" $hidden
	rm -rf "${tmp:?}/$name"
	echo "$name: $(wc -c < "$src/tests/golden/$name.json") bytes"
done
