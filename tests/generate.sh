#!/bin/sh
# gk-generate with the real stories260K model: greedy decoding from BOS
# reproduces the model's published text exactly; seeded sampling repeats
# itself and does not depend on the batch; --sample picks reproducibly;
# what the model writes is parsed or counted as unparsed, never lost.
. "$top_srcdir/tests/setup.sh"
lm="$data/models/stories260K"
xz -dc "$data/debdesc-small/corpus.jsonl.xz" | head -12 >"$T/passages.jsonl"
# stories260K reads 512 tokens of a near character-level vocabulary: the
# default few-shot prompt does not fit, a short one does
printf 'Passage: {title}: {passage}\ntask:\n' >"$T/short.txt"

# greedy, 256 tokens from BOS alone (an empty template), as greedy-256.txt
: >"$T/empty.txt"
echo seed | gk-generate --lm "$lm" --template "$T/empty.txt" --raw -m 256 2>/dev/null | gk-cat >"$T/greedy.json"
# (the published file ends with a newline the generation does not have)
python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["text"])' "$T/greedy.json" >"$T/greedy.txt"
cmp "$T/greedy.txt" "$lm/greedy-256.txt" || fail "greedy decoding differs from greedy-256.txt"

# sampling: the same seed gives the same text, whatever the batch size
sample() { gk-generate --lm "$lm" --template "$T/short.txt" -t 40 --raw -T 0.9 --top-k 40 --top-p 0.95 -m 24 "$@" "$T/passages.jsonl" 2>/dev/null | gk-cat; }
sample --seed 3 -b 4 >"$T/s1.json"
sample --seed 3 -b 1 >"$T/s2.json"
cmp "$T/s1.json" "$T/s2.json" || fail "sampling depends on the batch size"
sample --seed 4 -b 4 >"$T/s3.json"
! cmp -s "$T/s1.json" "$T/s3.json" || fail "another seed gave the same samples"
[ "$(wc -l <"$T/s1.json")" = 12 ] || fail "one record per passage with --raw"
grep -q '"id":"2048-qt#q","seed":"2048-qt","text":"' "$T/s1.json" || fail "ids and seeds: $(head -1 "$T/s1.json")"

# each generation is a query record or counted and reported
gk-generate --lm "$lm" --template "$T/short.txt" -t 40 -m 32 "$T/passages.jsonl" 2>"$T/summary" | gk-cat >"$T/q.json"
written=$(wc -l <"$T/q.json")
grep -q "^gk-generate: 12 passages: $written queries written, $((12 - written)) generations did not parse$" "$T/summary" \
	|| fail "summary: $(tail -1 "$T/summary")"
[ "$(grep -c 'does not read as a task and a query' "$T/summary")" = $((12 - written)) ] || fail "each unparsed generation is reported"
if [ "$written" -gt 0 ]; then
	grep -v '"task":"[^"]*","query":"[^"]*","text":"' "$T/q.json" && fail "a query record without task, query and text"
fi

# --sample: the same N passages for the same seed, in input order
pick() { gk-generate --lm "$lm" --template "$T/short.txt" -t 40 --raw -m 2 --sample 4 "$@" "$T/passages.jsonl" 2>/dev/null | gk-cat | sed 's/^{"id":"\([^"]*\)".*/\1/'; }
pick --seed 1 >"$T/p1"
pick --seed 1 >"$T/p2"
cmp "$T/p1" "$T/p2" || fail "--sample not reproducible"
[ "$(wc -l <"$T/p1")" = 4 ] || fail "--sample 4 gave $(wc -l <"$T/p1")"
sort -c "$T/p1" || fail "--sample output not in input order"
for s in 2 3 4 5 6; do pick --seed $s; done | sort -u | wc -l >"$T/distinct"
[ "$(cat "$T/distinct")" -gt 4 ] || fail "--sample always picks the same passages"

# bad input
expect_error 64 "no language model" gk-generate "$T/passages.jsonl"
expect_error 66 "nowhere" gk-generate --lm "$T/nowhere" "$T/passages.jsonl"
expect_error 64 "--top-p: '2' is not a number in \(0, 1\]" gk-generate --lm "$lm" --top-p 2 "$T/passages.jsonl"
echo "gk-generate: ok"
