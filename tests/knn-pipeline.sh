#!/bin/sh
# The whole retrieval pipeline on the sample corpus (2000 Debian package
# descriptions, 200 queries, their qrels): tokenize | encode | pool | knn |
# eval with a generated random-weight model.  Its metrics mean nothing, so
# this checks structure and consistency: every query answered, metrics in
# [0, 1] and ordered as they must be, and the same numbers from an index
# file, from shards merged and from an int8 index re-ranked in full.
. "$top_srcdir/tests/setup.sh"
src="$data/models-src/bert"
mkdir -p "$T/tok"
cp "$src/vocab.txt" "$src/tokenizer_config.json" "$T/tok/"
xz -dc "$src/tokenizer.json.xz" >"$T/tok/tokenizer.json"
"$top_builddir/tests/gen-model" --shape tiny --seed 11 --pooling mean --normalize --vocab-from "$T/tok" "$T/model" >/dev/null
embed() {  # INPUT OUTPUT
	gk-tokenize -m "$T/model" "$1" | gk-encode -m "$T/model" -j 2 | gk-pool -m "$T/model" >"$2"
}
d="$data/debdesc-small"
embed "$d/corpus.jsonl.xz" "$T/corpus.gk"
embed "$d/queries.jsonl" "$T/queries.gk"
gk-knn -k 100 --no-vectors "$T/corpus.gk" <"$T/queries.gk" >"$T/hits.gk"
gk-eval -q "$d/qrels/test.tsv" "$T/hits.gk" >"$T/eval.json"
cat "$T/eval.json" >&2
# 200 queries judged; every metric in [0, 1]; recall@1 <= recall@10 <= recall@100;
# MRR@10 between recall@1 and recall@10 (one relevant document per query)
tr -d '{}"' <"$T/eval.json" | tr ',' '\n' | awk -F: '{ v[$1] = $2 }
	END { if (v["queries"] != 200) exit 1
	      for (m in v) if (m != "queries" && (v[m] < 0 || v[m] > 1)) exit 1
	      if (!(v["recall@1"] <= v["recall@10"] && v["recall@10"] <= v["recall@100"])) exit 1
	      if (!(v["recall@1"] <= v["mrr@10"] && v["mrr@10"] <= v["recall@10"])) exit 1
	      if (!(v["recall@1"] <= v["ndcg@10"] && v["ndcg@10"] <= v["recall@10"])) exit 1 }' \
	|| fail "inconsistent metrics: $(cat "$T/eval.json")"
# hits name corpus documents, 100 per query
gk-cat "$T/hits.gk" | head -1 | grep -q '"hits":\[{"id":"[a-z0-9][^"]*","score":' || fail "hit ids"
[ "$(gk-cat "$T/hits.gk" | grep -o '"score"' | wc -l)" = 20000 ] || fail "100 hits for each of 200 queries"
# the same answer from an index file, from two shards merged, and from an
# int8 index whose candidates are all re-ranked by f32
gk-knn --build -o "$T/corpus.gki" "$T/corpus.gk"
gk-knn -k 100 --no-vectors "$T/corpus.gki" <"$T/queries.gk" | gk-eval -q "$d/qrels/test.tsv" \
	| cmp - "$T/eval.json" || fail "index file"
gk-cat "$T/corpus.gk" >"$T/corpus.json"
head -n 1200 "$T/corpus.json" | gk-cat -e >"$T/s1.gk"
tail -n +1201 "$T/corpus.json" | gk-cat -e >"$T/s2.gk"
gk-knn -k 100 --no-vectors "$T/s1.gk" <"$T/queries.gk" >"$T/h1.gk"
gk-knn -k 100 --no-vectors "$T/s2.gk" <"$T/queries.gk" >"$T/h2.gk"
gk-knn --merge "$T/h1.gk" "$T/h2.gk" | gk-eval -q "$d/qrels/test.tsv" | cmp - "$T/eval.json" || fail "merged shards"
gk-knn -k 100 --no-vectors -t int8 --rescore 2000 "$T/corpus.gk" <"$T/queries.gk" \
	| gk-eval -q "$d/qrels/test.tsv" | cmp - "$T/eval.json" || fail "int8 re-ranked in full"
echo "knn pipeline: ok"
