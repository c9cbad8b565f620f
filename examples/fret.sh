#!/bin/sh
# fret.sh - Gecko's FRet data pipeline end to end (Lee et al. 2024, sec. 3.2):
# an LLM writes a task and a query for sampled seed passages (gk-generate),
# the queries are embedded and searched against the corpus (gk-tokenize,
# gk-encode, gk-pool, gk-knn), and the LLM relabels each query's top 20
# (gk-relabel): the positive is the passage it ranks first, often not the
# seed, and the last one the hard negative.
#
#   examples/fret.sh [CORPUS.jsonl] [N]
#
#   GK_LM=DIR       the language model (default: the bundled stories260K,
#                   a 260K-parameter toy: its "queries" are story text)
#   GK_MODEL=DIR    the embedding model (default: a generated random one)
#   GK_OUT=DIR      where the outputs go
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
out=${GK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gk-fret.XXXXXX")}
mkdir -p "$out"
corpus=${1:-$out/corpus.jsonl}
n=${2:-20}
[ -n "${1:-}" ] || xz -dc "$top/tests/data/debdesc-small/corpus.jsonl.xz" >"$corpus"

lm=${GK_LM:-}
generate_opts=""
if [ -z "$lm" ]; then
	lm="$top/tests/data/models/stories260K"
	echo "fret: no GK_LM: using the bundled stories260K, a toy model that writes children's"
	echo "fret: stories; its queries and relabelling show the pipeline, not Gecko's quality."
	# its 512-token context does not hold the few-shot prompt: a short one, kept raw
	printf 'Passage: {passage}\nQuestion:\n' >"$out/template.txt"
	generate_opts="--template $out/template.txt --raw -t 64 -m 24"
fi
model=${GK_MODEL:-}
if [ -z "$model" ]; then
	model="$out/embedder"
	"$top/tests/make-model.sh" "$model" --shape tiny --seed 1 --pooling mean --normalize
fi

# 1. queries from N seed passages
# shellcheck disable=SC2086
gk-generate --lm "$lm" --sample "$n" --seed 1 $generate_opts "$corpus" >"$out/queries.gk"
# 2. the corpus embedded, the queries embedded and searched
gk-tokenize -m "$model" "$corpus" 2>/dev/null | gk-encode -m "$model" | gk-pool -m "$model" >"$out/corpus.gk"
gk-tokenize -m "$model" "$out/queries.gk" 2>/dev/null | gk-encode -m "$model" | gk-pool -m "$model" \
	| gk-knn -k 20 --no-vectors "$out/corpus.gk" >"$out/hits.gk"
# 3. relabelled by the LLM
gk-relabel --lm "$lm" --passages "$corpus" <"$out/hits.gk" >"$out/fret.gk"
gk-cat "$out/fret.gk" >"$out/fret.jsonl"
echo "fret: $(wc -l <"$out/fret.jsonl") training examples in $out/fret.jsonl"
