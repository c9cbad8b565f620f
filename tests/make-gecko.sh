#!/bin/sh
# make-gecko.sh - write a random-weight Gecko-class embedding model in the
# layout the real one ships (see tests/gen-gecko.c) into DIR:
#
#   tests/make-gecko.sh DIR embeddinggemma|qwen3-embedding [SHAPE]
#
# SHAPE is a tests/gen-lm shape: embeddinggemma-tiny (default) or
# embeddinggemma-300m (the real sizes, for bench/), qwen3-embedding-tiny.
# The tokenizer is the real one of tests/data/tokenizers/{gemma3,qwen3}.
# The tiny models are those of the committed goldens (tests/golden/gecko).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
dir=$1 kind=$2
case $kind in
embeddinggemma)
	shape=${3:-embeddinggemma-tiny} tok=gemma3
	lm="--family gemma3 --dtype f32 --seed 31"
	gecko="--sliding-window 16 --seed 32"
	[ "$shape" = embeddinggemma-tiny ] || gecko="--sliding-window 512 --seed 32" ;;
qwen3-embedding)
	shape=${3:-qwen3-embedding-tiny} tok=qwen3
	lm="--family qwen3 --dtype bf16 --seed 33"
	gecko="--seed 34" ;;
*) echo "make-gecko.sh: unknown kind '$kind'" >&2; exit 1 ;;
esac
for p in gen-lm gen-gecko; do
	[ -x "$top_builddir/tests/$p" ] || make -s -C "$top_builddir" "tests/$p"
done
tmp=$(mktemp "${TMPDIR:-/tmp}/gk-tokenizer.XXXXXX")
trap 'rm -f "$tmp"' EXIT
xz -dc "$top_srcdir/tests/data/tokenizers/$tok/tokenizer.json.xz" >"$tmp"
mkdir -p "$dir"
# shellcheck disable=SC2086
"$top_builddir/tests/gen-lm" $lm --shape "$shape" --bare "$dir"
# shellcheck disable=SC2086
"$top_builddir/tests/gen-gecko" --kind "$kind" --tokenizer "$tmp" $gecko "$dir"
