#!/bin/sh
# bench/generate.sh - gk-generate's speed: tokens written per second, at
# batch 1 and batch 8, for stories260K (real weights, in the tree) and a
# random Qwen2.5-0.5B-shaped model (f32, ~2 GB, generated here with the
# Qwen3 tokenizer, whose vocabulary is Qwen2.5's), greedy, 2 threads.
#
#   make tests/gen-lm && bench/generate.sh [THREADS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
threads=${1:-2}
PATH="$top/cmd:$PATH"
w=$(mktemp -d "${TMPDIR:-/tmp}/gk-gen-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT
xz -dc "$top/tests/data/debdesc-small/corpus.jsonl.xz" | head -8 >"$w/passages.jsonl"
printf 'Passage: {passage}\nQuery:\n' >"$w/template.txt"
bench() {  # NAME LM NEW_TOKENS
	for b in 1 8; do
		start=$(date +%s.%N)
		gk-generate --lm "$2" --template "$w/template.txt" --raw -t 48 -m "$3" \
			-b "$b" -j "$threads" "$w/passages.jsonl" 2>/dev/null >"$w/out.gk"
		end=$(date +%s.%N)
		echo "$1 batch $b: $(echo "$start $end $3" | awk '{ t = $2 - $1; printf "8 passages x %d tokens in %.2f s: %.1f tokens/s", $3, t, 8 * $3 / t }')"
	done
}
bench stories260K "$top/tests/data/models/stories260K" 200
mkdir -p "$w/tok"
xz -dc "$top/tests/data/tokenizers/qwen3/tokenizer.json.xz" >"$w/tok/tokenizer.json"
if [ -f "$top/tests/data/tokenizers/qwen3/tokenizer_config.json.xz" ]; then
	xz -dc "$top/tests/data/tokenizers/qwen3/tokenizer_config.json.xz" >"$w/tok/tokenizer_config.json"
else
	cp "$top/tests/data/tokenizers/qwen3/tokenizer_config.json" "$w/tok/"
fi
"$top/tests/gen-lm" --family qwen2 --shape qwen2.5-0.5b --dtype f32 --seed 1 --tokenizer-from "$w/tok" "$w/qwen" >/dev/null
bench qwen2.5-0.5b-shaped "$w/qwen" 16
