#!/bin/sh
# search-sample.sh - search the bundled sample corpus (2000 Debian package
# descriptions, tests/data/debdesc-small) with its 200 queries and score the
# hits against its qrels: embed both sides, gk-knn, gk-eval; prints nDCG@10
# and the other metrics.
#
#   examples/search-sample.sh              with a generated random-weight model
#   GK_MODEL=DIR examples/search-sample.sh with a downloaded model (all-MiniLM-L6-v2, ...)
#
# GK_OUT=DIR keeps the outputs there (default: a new temporary directory).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
data="$top/tests/data/debdesc-small"
out=${GK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gk-search.XXXXXX")}
mkdir -p "$out"

model=${GK_MODEL:-}
if [ -z "$model" ]; then
	model="$out/model"
	echo "search-sample: no GK_MODEL given: generating a model with RANDOM weights in $model."
	echo "search-sample: its nDCG is near zero and MEANINGLESS; it shows the pipeline only."
	[ -x "$top/tests/gen-model" ] || make -s -C "$top" tests/gen-model
	src="$top/tests/data/models-src/bert"
	mkdir -p "$out/vocab"
	cp "$src/vocab.txt" "$src/tokenizer_config.json" "$out/vocab/"
	xz -dc "$src/tokenizer.json.xz" >"$out/vocab/tokenizer.json"
	"$top/tests/gen-model" --shape minilm --seed 1 --pooling mean --normalize \
		--vocab-from "$out/vocab" "$model" >/dev/null
fi

embed() {  # INPUT OUTPUT: text in, unit vectors out
	gk-tokenize -m "$model" "$1" | gk-encode -m "$model" -j 2 | gk-pool -m "$model" >"$2"
}
embed "$data/corpus.jsonl.xz" "$out/corpus.gk"
embed "$data/queries.jsonl" "$out/queries.gk"
gk-knn --build -o "$out/corpus.gki" "$out/corpus.gk"
gk-knn -k 100 --no-vectors "$out/corpus.gki" <"$out/queries.gk" >"$out/hits.gk"
gk-eval -q "$data/qrels/test.tsv" --table "$out/hits.gk"
ndcg=$(gk-eval -q "$data/qrels/test.tsv" "$out/hits.gk" | sed 's/.*"ndcg@10":\([0-9.]*\).*/\1/')
echo "search-sample: nDCG@10 = $ndcg ($out/hits.gk)"
