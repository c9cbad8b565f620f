#!/bin/sh
# Regenerate tests/golden/lm-*.json with the PyTorch reference.  Needs a built
# tree (tests/gen-lm) and /usr/bin/python3 with torch and numpy; CI does not
# run this, it uses the committed goldens.
#   tests/reference/make-lm-goldens.sh [BUILDDIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seqs="$src/tests/golden/lm-sequences.jsonl"
[ -s "$seqs" ] || /usr/bin/python3 "$src/tests/reference/lm_reference.py" --make-sequences "$seqs"
grep -v '^#' "$src/tests/golden/lm-models.txt" | while read -r name args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	"$build/tests/gen-lm" $args "$tmp/$name"
	/usr/bin/python3 "$src/tests/reference/lm_reference.py" "$tmp/$name" "$seqs" \
		"$src/tests/golden/lm-$name.json"
	rm -rf "${tmp:?}/$name"
	echo "$name: $(wc -c < "$src/tests/golden/lm-$name.json") bytes"
done
