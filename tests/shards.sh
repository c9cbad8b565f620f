#!/bin/sh
# The sharded pipeline (examples/shards.sh: split, embed each shard in
# parallel, search each, merge) gives exactly the hits of one index over
# the whole corpus; a rerun after an interruption embeds only the missing
# shard and gives the same answer.
. "$top_srcdir/tests/setup.sh"
m="$T/model"
make_model "$m" --shape tiny --seed 2 --pooling mean --normalize
xz -dc "$data/debdesc-small/corpus.jsonl.xz" | head -400 >"$T/corpus.jsonl"
head -40 "$data/debdesc-small/queries.jsonl" >"$T/queries.jsonl"
ex="$top_srcdir/examples"

sh "$ex/shards.sh" "$m" "$T/corpus.jsonl" "$T/queries.jsonl" "$T/run" 4 10 2>/dev/null
[ "$(ls "$T"/run/shards/part-*.gk | wc -l)" = 4 ] || fail "not 4 shards"
# one machine, one index
sh "$ex/embed-shard.sh" "$m" "$T/corpus.jsonl"
gk-knn -k 10 -q "$T/run/queries.gk" "$T/corpus.gk" | gk-cat >"$T/single.json"
gk-cat "$T/run/hits.gk" >"$T/merged.json"
cmp "$T/single.json" "$T/merged.json" || fail "merged shard hits differ from the single index's"
[ "$(wc -l <"$T/merged.json")" = 40 ] || fail "not 40 queries"

# an interrupted run: one shard lost, a half-written temporary left behind
rm "$T/run/shards/part-02.gk"
echo garbage >"$T/run/shards/part-02.gk.tmp.999"
touch -d '2000-01-01' "$T"/run/shards/part-0[013].gk
sh "$ex/shards.sh" "$m" "$T/corpus.jsonl" "$T/queries.jsonl" "$T/run" 4 10 2>/dev/null
for s in 0 1 3; do
	[ "$(stat -c %Y "$T/run/shards/part-0$s.gk")" -lt 1000000000 ] || fail "shard $s was embedded again"
done
[ -s "$T/run/shards/part-02.gk" ] || fail "the missing shard was not redone"
gk-cat "$T/run/hits.gk" | cmp - "$T/single.json" || fail "hits after the rerun differ"
echo "shards: ok"
