#!/bin/sh
# gk-eval: the metrics of trec_eval / pytrec_eval (as BEIR reports them) on
# cases worked out by hand below: graded relevance, score ties (trec_eval
# ranks tied documents by id, descending), a relevant document past rank
# 10, an unjudged query, a query with nothing relevant retrieved, a
# document listed twice.  Then the sample corpus's real qrels.
. "$top_srcdir/tests/setup.sh"
printf 'query-id\tcorpus-id\tscore\n' >"$T/qrels.tsv"
printf 'q1\td1\t1\nq1\td2\t2\nq1\td4\t0\nq2\tdA\t1\nq3\tx\t1\nq5\ty\t1\nq6\td1\t1\n' >>"$T/qrels.tsv"
{
	echo '{"id":"q1","hits":[{"id":"d2","score":0.9},{"id":"d5","score":0.5},{"id":"d1","score":0.4}]}'
	echo '{"id":"q2","hits":[{"id":"dA","score":0.5},{"id":"dB","score":0.5}]}'
	printf '{"id":"q3","hits":['
	for i in 0 1 2 3 4 5 6 7 8 9; do printf '{"id":"n%d","score":0.%02d},' $i $((99 - i)); done
	echo '{"id":"x","score":0.05}]}'
	echo '{"id":"q4","hits":[{"id":"d1","score":0.9}]}'
	echo '{"id":"q5","hits":[]}'
	echo '{"id":"q6","hits":[{"id":"d1","score":0.9},{"id":"d1","score":0.8},{"id":"d2","score":0.7}]}'
} | gk-cat -e -t hits >"$T/hits.gk"
gk-eval -q "$T/qrels.tsv" --per-query "$T/hits.gk" >"$T/out.json"
# q1: DCG = 2/log2(2) + 0 + 1/log2(4) = 2.5; ideal 2 + 1/log2(3) = 2.63093; nDCG 0.950234
#     relevant d2 at 1, d1 at 3: recall@1 1/2, MAP (1/1 + 2/3) / 2
# q2: the tie puts dB first (ids descending): dA at rank 2, nDCG 1/log2(3), MRR 1/2
# q3: x at rank 11: nothing in the top 10, recall@100 1, MAP 1/11
# q4: not judged: left out.  q5: nothing retrieved: all 0.
# q6: d1 counts once, at rank 1: all 1
# mean over 5: nDCG (0.950234 + 0.630930 + 1) / 5 = 0.516233, recall@1 (0.5 + 1) / 5,
# recall@10 3/5, recall@100 4/5, MRR (1 + 0.5 + 1) / 5, MAP (0.833333 + 0.5 + 0.090909 + 1) / 5
cat >"$T/want.json" <<'W'
{"id":"q1","ndcg@10":0.950234,"recall@1":0.500000,"recall@10":1.000000,"recall@100":1.000000,"mrr@10":1.000000,"map":0.833333}
{"id":"q2","ndcg@10":0.630930,"recall@1":0.000000,"recall@10":1.000000,"recall@100":1.000000,"mrr@10":0.500000,"map":0.500000}
{"id":"q3","ndcg@10":0.000000,"recall@1":0.000000,"recall@10":0.000000,"recall@100":1.000000,"mrr@10":0.000000,"map":0.090909}
{"id":"q5","ndcg@10":0.000000,"recall@1":0.000000,"recall@10":0.000000,"recall@100":0.000000,"mrr@10":0.000000,"map":0.000000}
{"id":"q6","ndcg@10":1.000000,"recall@1":1.000000,"recall@10":1.000000,"recall@100":1.000000,"mrr@10":1.000000,"map":1.000000}
{"queries":5,"ndcg@10":0.516233,"recall@1":0.300000,"recall@10":0.600000,"recall@100":0.800000,"mrr@10":0.500000,"map":0.484848}
W
diff "$T/out.json" "$T/want.json" || fail "metrics differ from the hand-computed ones"
gk-eval -q "$T/qrels.tsv" "$T/hits.gk" | cmp -s - "$T/want.json" && fail "without --per-query: one line"
[ "$(gk-eval -q "$T/qrels.tsv" "$T/hits.gk")" = "$(tail -1 "$T/want.json")" ] || fail "overall line"
gk-eval -q "$T/qrels.tsv" --table <"$T/hits.gk" >"$T/table.txt"
grep -Eq '^query +ndcg@10 +recall@1 ' "$T/table.txt" && grep -Eq '^all +0\.5162 +0\.3000 +0\.6000 +0\.8000 +0\.5000 +0\.4848 +5$' "$T/table.txt" \
	|| fail "table: $(cat "$T/table.txt")"

# the sample corpus's qrels: hits that put each query's relevant document
# first score 1 everywhere; the same documents at rank 2 score 1/log2(3)
qrels="$data/debdesc-small/qrels/test.tsv"
awk -F'\t' 'NR > 1 { printf "{\"id\":\"%s\",\"hits\":[{\"id\":\"%s\",\"score\":0.9},{\"id\":\"zz\",\"score\":0.5}]}\n", $1, $2 }' \
	"$qrels" | gk-cat -e -t hits | gk-eval -q "$qrels" >"$T/perfect.json"
grep -q '^{"queries":200,"ndcg@10":1.000000,"recall@1":1.000000,"recall@10":1.000000,"recall@100":1.000000,"mrr@10":1.000000,"map":1.000000}$' \
	"$T/perfect.json" || fail "perfect hits: $(cat "$T/perfect.json")"
awk -F'\t' 'NR > 1 { printf "{\"id\":\"%s\",\"hits\":[{\"id\":\"zz\",\"score\":0.9},{\"id\":\"%s\",\"score\":0.5}]}\n", $1, $2 }' \
	"$qrels" | gk-cat -e -t hits | gk-eval -q "$qrels" | grep -q '"ndcg@10":0.630930,"recall@1":0.000000,.*"mrr@10":0.500000' \
	|| fail "second place"

# a pair judged twice keeps its last judgement (as BEIR's loader does)
printf 'q1\td5\t0\nq1\td5\t1\nq1\td2\t1\nq1\td2\t0\n' >"$T/twice.tsv"
gk-eval -q "$T/twice.tsv" "$T/hits.gk" | grep -q '"queries":1,"ndcg@10":0.630930,"recall@1":0.000000,"recall@10":1.000000' \
	|| fail "last judgement wins: $(gk-eval -q "$T/twice.tsv" "$T/hits.gk")"

# errors
expect_error 64 "^gk-eval: no qrels given" gk-eval "$T/hits.gk"
expect_error 66 "nowhere.tsv" gk-eval -q "$T/nowhere.tsv" "$T/hits.gk"
printf 'q1\td1\t1\nq1\td2\n' >"$T/bad.tsv"
expect_error 65 "^gk-eval: .*bad.tsv: line 2: want query-id<TAB>corpus-id<TAB>score$" gk-eval -q "$T/bad.tsv" "$T/hits.gk"
printf 'q1\td1\t1\nq1\td2\thigh\n' >"$T/bad.tsv"
expect_error 65 "bad.tsv: line 2: score 'high' is not a whole number" gk-eval -q "$T/bad.tsv" "$T/hits.gk"
printf 'qX\td1\t1\n' >"$T/other.tsv"
expect_error 65 "no query of the hits is judged in .*other.tsv \(6 queries, none matched\)" gk-eval -q "$T/other.tsv" "$T/hits.gk"
echo '{"id":"q1","hits":[{"id":"d1"}]}' | gk-cat -e -t hits 2>/dev/null >"$T/nos.gk" || true
printf '{"id":"q1","vector":[1,2]}\n' | gk-cat -e >"$T/vec.gk"
expect_error 65 "a 'vectors' stream, but a 'hits' stream is wanted" gk-eval -q "$T/qrels.tsv" "$T/vec.gk"
head -c 50 "$T/hits.gk" >"$T/cut.gk"
expect_error 65 "cut.gk: record 1 .*input ends in the middle" gk-eval -q "$T/qrels.tsv" "$T/cut.gk"
echo "gk-eval: ok"
