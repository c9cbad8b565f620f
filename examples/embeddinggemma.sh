#!/bin/sh
# embeddinggemma.sh - search the bundled sample corpus (2000 Debian package
# descriptions, tests/data/debdesc-small) with EmbeddingGemma as its model
# card says to: documents as "title: TITLE | text: TEXT" (the package name
# is the title), queries as "task: search result | query: TEXT", vectors
# cut to GK_DIMS Matryoshka dimensions and renormalised; then gk-knn and
# gk-eval print nDCG@10.
#
#   examples/get-model.sh google/embeddinggemma-300m models/embeddinggemma
#   GK_MODEL=models/embeddinggemma examples/embeddinggemma.sh
#
# (a gated model: accept its licence on the hub and set HF_TOKEN.)  Without
# GK_MODEL a tiny random-weight model in the same layout is generated: its
# results are MEANINGLESS and show the pipeline only.  The same script runs
# Qwen3-Embedding (GK_MODEL=models/qwen3-embedding-0.6b): its query prompt
# is the instruction, its document prompt empty.
# GK_DIMS (default 256; 768 keeps all) and GK_OUT=DIR (outputs) are optional.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
data="$top/tests/data/debdesc-small"
out=${GK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gk-gemma.XXXXXX")}
dims=${GK_DIMS:-256}
mkdir -p "$out"

model=${GK_MODEL:-}
if [ -z "$model" ]; then
	model="$out/model"
	echo "embeddinggemma: no GK_MODEL given: generating a tiny model with RANDOM weights in"
	echo "embeddinggemma: $model (EmbeddingGemma's layout and tokenizer, 48 wide); its nDCG"
	echo "embeddinggemma: is MEANINGLESS, it shows the pipeline only."
	sh "$top/tests/make-gecko.sh" "$model" embeddinggemma
	dims=${GK_DIMS:-32}
fi

embed() {  # PROMPT INPUT OUTPUT: text in, unit vectors of $dims dimensions out
	gk-tokenize -m "$model" --prompt "$1" "$2" | gk-encode -m "$model" -j 2 \
		| gk-pool -m "$model" | gk-truncate -d "$dims" >"$3"
}
embed document "$data/corpus.jsonl.xz" "$out/corpus.gk"
embed query "$data/queries.jsonl" "$out/queries.gk"
gk-knn -k 100 --no-vectors "$out/corpus.gk" <"$out/queries.gk" >"$out/hits.gk"
ndcg=$(gk-eval -q "$data/qrels/test.tsv" "$out/hits.gk" | sed 's/.*"ndcg@10":\([0-9.]*\).*/\1/')
echo "embeddinggemma: nDCG@10 = $ndcg at $dims dimensions ($out/hits.gk)"
