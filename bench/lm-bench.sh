#!/bin/sh
# Decoder LM speed: stories260K (real weights, in the tree) and a random
# Qwen2.5-0.5B-shaped model (24 layers, 896 wide, 14 heads, 2 KV heads, FFN
# 4864, vocab 151936, f32: ~2 GB) generated here, not committed.
#   make bench/lm-bench tests/gen-lm && bench/lm-bench.sh [BUILDDIR] [THREADS]
# Appends nothing by itself: copy the output into bench/RESULTS.md.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src}
threads=${2:-2}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gk-lm-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "== stories260K"
"$build/bench/lm-bench" "$src/tests/data/models/stories260K" 4 256 256 "$threads"
echo "== qwen2.5-0.5b-shaped, random f32"
t0=$(date +%s)
"$build/tests/gen-lm" --family qwen2 --shape qwen2.5-0.5b --dtype f32 --seed 1 "$tmp/qwen"
echo "generated in $(( $(date +%s) - t0 )) s"
"$build/bench/lm-bench" "$tmp/qwen" 4 256 32 "$threads"
