#!/bin/sh
# sample.sh - the main job on the bundled sample corpus (2000 Debian package
# descriptions and 200 queries, tests/data/debdesc-small): tokenize, encode,
# pool and truncate corpus and queries to 256-dimensional embeddings.
# Search and evaluation join when gk-knn and gk-eval land.
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
	echo "sample: shape and real vocabulary) in $model. Its embeddings, and any neighbours"
	echo "sample: found with them, are MEANINGLESS; they show the pipeline and its speed only."
	"$top/tests/make-model.sh" "$model" --shape minilm --seed 1 --pooling mean --normalize
fi

embed() {  # INPUT OUTPUT: text in, 256-dimensional unit vectors out
	gk-tokenize -m "$model" "$1" | gk-encode -m "$model" | gk-pool -m "$model" \
		| gk-truncate -d 256 >"$2"
}
start=$(date +%s)
embed "$data/corpus.jsonl.xz" "$out/corpus.gk"
embed "$data/queries.jsonl" "$out/queries.gk"
secs=$(($(date +%s) - start))
echo "sample: $(gk-cat "$out/corpus.gk" | wc -l) documents -> $out/corpus.gk"
echo "sample: $(gk-cat "$out/queries.gk" | wc -l) queries -> $out/queries.gk"
echo "sample: embedded in ${secs}s; first query:"
gk-cat "$out/queries.gk" | head -1 | cut -c1-200
