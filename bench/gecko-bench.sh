#!/bin/sh
# EmbeddingGemma-shaped speed: a random model at the real config (24
# layers, hidden 768, 3 query heads and 1 KV head of 256, FFN 1152, window
# 512, vocab 262144; f32, 1.2 GB) generated here, not committed, then
# bench/gecko-bench on the short mixed set and 512-token documents.
#   make bench/gecko-bench tests/gen-lm tests/gen-gecko && bench/gecko-bench.sh [BUILDDIR] [THREADS]
# Prints a table for bench/RESULTS.md.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src}
threads=${2:-2}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gk-gecko-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s)
top_srcdir=$src top_builddir=$build sh "$src/tests/make-gecko.sh" "$tmp/eg" embeddinggemma embeddinggemma-300m
echo "generated in $(( $(date +%s) - t0 )) s"
"$build/bench/gecko-bench" "$tmp/eg" "$threads"
