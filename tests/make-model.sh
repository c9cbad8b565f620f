#!/bin/sh
# make-model.sh - write a random-weight BERT model with the real
# bert-base-uncased tokenizer files (tests/data/models-src/bert) into DIR,
# by tests/gen-model with the options given:
#
#   tests/make-model.sh DIR [gen-model options...]
#   tests/make-model.sh DIR --tokenizer-only    (just the tokenizer files)
#
# Used by the tests and by examples/sample.sh; builds tests/gen-model
# when it is missing.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
dir=$1
shift
src="$top_srcdir/tests/data/models-src/bert"
vocab=$(mktemp -d "${TMPDIR:-/tmp}/gk-vocab.XXXXXX")
trap 'rm -rf "$vocab"' EXIT
cp "$src/vocab.txt" "$src/tokenizer_config.json" "$vocab/"
xz -dc "$src/tokenizer.json.xz" >"$vocab/tokenizer.json"
if [ "${1:-}" = --tokenizer-only ]; then
	mkdir -p "$dir"
	cp "$vocab"/* "$dir/"
	exit 0
fi
[ -x "$top_builddir/tests/gen-model" ] || make -s -C "$top_builddir" tests/gen-model
mkdir -p "$(dirname "$dir")"
"$top_builddir/tests/gen-model" "$@" --vocab-from "$vocab" "$dir" >/dev/null
