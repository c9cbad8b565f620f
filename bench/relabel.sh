#!/bin/sh
# bench/relabel.sh - gk-relabel's speed: candidate pairs scored per second
# (each pair is one QL and one RC sequence through the LM) for stories260K
# (real weights, in the tree) and a random Qwen2.5-0.5B-shaped model (f32,
# generated here with the Qwen3 tokenizer), 2 threads, and the GFLOP/s that
# makes (2 x parameters per token, attention included, on the real tokens).
#
#   make tests/gen-lm tests/gen-model && bench/relabel.sh [QUERIES] [CANDIDATES]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
nq=${1:-4} nc=${2:-8}
w=$(mktemp -d "${TMPDIR:-/tmp}/gk-relabel-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT
xz -dc "$top/tests/data/debdesc-small/corpus.jsonl.xz" | head -300 >"$w/corpus.jsonl"
head -"$nq" "$top/tests/data/debdesc-small/queries.jsonl" >"$w/queries.jsonl"
"$top/tests/make-model.sh" "$w/emb" --shape tiny --seed 1 --pooling mean --normalize
gk-tokenize -m "$w/emb" "$w/corpus.jsonl" 2>/dev/null | gk-encode -m "$w/emb" | gk-pool -m "$w/emb" >"$w/corpus.gk"
gk-tokenize -m "$w/emb" "$w/queries.jsonl" | gk-encode -m "$w/emb" | gk-pool -m "$w/emb" \
	| gk-knn -k "$nc" --no-vectors "$w/corpus.gk" >"$w/hits.gk"
bench() {  # NAME LM
	start=$(date +%s.%N)
	gk-relabel --lm "$2" --passages "$w/corpus.jsonl" -n "$nc" -t 128 -j 2 "$w/hits.gk" 2>"$w/err" >"$w/out.gk"
	end=$(date +%s.%N)
	echo "$1: $(echo "$start $end $nq $nc" | awk '{ t = $2 - $1; printf "%d queries x %d candidates in %.2f s: %.2f pairs/s", $3, $4, t, $3 * $4 / t }') ($(cat "$w/err"))"
}
bench stories260K "$top/tests/data/models/stories260K"
mkdir -p "$w/tok"
xz -dc "$top/tests/data/tokenizers/qwen3/tokenizer.json.xz" >"$w/tok/tokenizer.json"
cp "$top/tests/data/tokenizers/qwen3/tokenizer_config.json" "$w/tok/"
"$top/tests/gen-lm" --family qwen2 --shape qwen2.5-0.5b --dtype f32 --seed 1 --tokenizer-from "$w/tok" "$w/qwen" >/dev/null
bench qwen2.5-0.5b-shaped "$w/qwen"
