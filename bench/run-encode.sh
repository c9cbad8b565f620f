#!/bin/sh
# Benchmark the BERT forward pass on the all-MiniLM-L6-v2 shape (random
# weights from tests/gen-model): 2000 sequences of 16..128 tokens, 1 and 2
# threads, beside OpenBLAS sgemm on the same GEMM shapes.
#   bench/run-encode.sh [BUILDDIR]
set -eu
build=${1:-.}
make -C "$build" tests/gen-model bench/bench-encode >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/tests/gen-model" --shape minilm --dtype f32 "$dir/minilm"
"$build/bench/bench-encode" "$dir/minilm" 2000 64 1,2
