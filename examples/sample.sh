#!/bin/sh
# sample.sh - the main job, end to end, on the bundled sample (2000 Debian
# package descriptions and 200 queries with their judgements,
# tests/data/debdesc-small): embed corpus and queries (tokenize, encode,
# pool, truncate Matryoshka-style to 256 dimensions), build an index,
# search it for each query's top 100, and score the hits (nDCG@10 and more).
#
#   examples/sample.sh              with a generated random-weight model
#   GK_MODEL=DIR examples/sample.sh with a downloaded model (all-MiniLM-L6-v2, ...)
#
# GK_OUT=DIR keeps the outputs there (default: a new temporary directory).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
data="$top/tests/data/debdesc-small"
out=${GK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gk-sample.XXXXXX")}
mkdir -p "$out"

model=${GK_MODEL:-}
if [ -z "$model" ]; then
	model="$out/model"
	echo "sample: no GK_MODEL given: generating a model with RANDOM weights (all-MiniLM-L6-v2's"
	echo "sample: shape and real vocabulary) in $model. Its embeddings, the neighbours"
	echo "sample: found with them and their nDCG are MEANINGLESS (near zero); they show the"
	echo "sample: pipeline and its speed only. See README.md to use a downloaded model."
	"$top/tests/make-model.sh" "$model" --shape minilm --seed 1 --pooling mean --normalize
fi

embed() {  # INPUT OUTPUT: text in, 256-dimensional unit vectors out
	gk-tokenize -m "$model" "$1" | gk-encode -m "$model" | gk-pool -m "$model" \
		| gk-truncate -d 256 >"$2"
}
start=$(date +%s)
embed "$data/corpus.jsonl.xz" "$out/corpus.gk"
embed "$data/queries.jsonl" "$out/queries.gk"
echo "sample: $(gk-cat --count "$out/corpus.gk") documents and $(gk-cat --count "$out/queries.gk") queries embedded in $(($(date +%s) - start)) s"
gk-knn --build -o "$out/corpus.gki" "$out/corpus.gk"
gk-knn -k 100 --no-vectors "$out/corpus.gki" <"$out/queries.gk" >"$out/hits.gk"
gk-eval -q "$data/qrels/test.tsv" --table "$out/hits.gk"
echo "sample: outputs in $out (corpus.gk, queries.gk, corpus.gki, hits.gk)"
