#!/bin/sh
# Q8_0 against f32 GGUF: BERT forward-pass tokens/s for the MiniLM-L6 and
# bge-base shapes (random weights from tests/gen-model, converted by
# tests/hf2gguf), 1 and 2 threads, 500 sequences of 16..128 tokens, with
# the model files' sizes and the Q8_0 / f32 speed ratio.
#   bench/gguf-bench.sh [BUILDDIR]
set -eu
build=${1:-.}
make -C "$build" tests/gen-model tests/hf2gguf bench/bench-encode >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for shape in minilm bge-base; do
	"$build/tests/gen-model" --shape "$shape" --dtype f32 "$dir/$shape" >/dev/null
	for t in f32 q8_0; do
		"$build/tests/hf2gguf" --type "$t" "$dir/$shape" "$dir/$shape-$t.gguf"
		echo "== $shape $t: $(($(wc -c <"$dir/$shape-$t.gguf") / 1048576)) MiB"
		"$build/bench/bench-encode" "$dir/$shape-$t.gguf" 500 64 1,2 encode-only | tee "$dir/$shape-$t.out"
	done
	for n in 1 2; do
		f=$(sed -n "s/^encode  threads $n: .*s, \([0-9]*\) tokens.*/\1/p" "$dir/$shape-f32.out")
		q=$(sed -n "s/^encode  threads $n: .*s, \([0-9]*\) tokens.*/\1/p" "$dir/$shape-q8_0.out")
		echo "$shape, $n thread(s): f32 $f tokens/s, q8_0 $q tokens/s, ratio $(echo "scale=2; $q / $f" | bc)"
	done
done
