#!/bin/sh
# gk-knn through the programs: an index of shards gives the single index's
# answer after --merge, an index file gives the stream index's answer, the
# output keeps the query fields, --exclude-self, quantised indexes, and
# errors (dimensions, corrupt index files, mismatched merges).
. "$top_srcdir/tests/setup.sh"

# random vectors, 24 dimensions (awk's generator: the data need not be the
# same everywhere, only the same within this run)
vectors() {  # N PREFIX SEED
	awk -v n="$1" -v p="$2" -v seed="$3" 'BEGIN { srand(seed); for (i = 0; i < n; i++) {
		printf "{\"id\":\"%s%d\",\"vector\":[", p, i
		for (d = 0; d < 24; d++) printf "%s%.6f", d ? "," : "", rand() - 0.5
		printf "],\"x-keep\":%d}\n", i } }'
}
first_hits() {  # FILE: each query's first hit: id score
	grep -o '"hits":\[{"id":"[^"]*","score":[0-9.e-]*' "$1" | awk -F'"score":' '{ sub(/.*"id":/, "", $1); print $1, $2 }'
}
vectors 500 d 1 >"$T/corpus.json"
vectors 40 q 2 >"$T/queries.json"
head -n 7 "$T/corpus.json" | sed 's/"id":"d/"id":"self/' >>"$T/queries.json"
gk-cat -e "$T/corpus.json" >"$T/corpus.gk"
gk-cat -e "$T/queries.json" >"$T/queries.gk"
head -n 200 "$T/corpus.json" | gk-cat -e >"$T/shard1.gk"
sed -n '201,350p' "$T/corpus.json" | gk-cat -e >"$T/shard2.gk"
sed -n '351,$p' "$T/corpus.json" | gk-cat -e >"$T/shard3.gk"

# the output: every query, in order, with its fields and k hits, best first
gk-knn -k 5 "$T/corpus.gk" <"$T/queries.gk" >"$T/hits.gk"
gk-cat -H "$T/hits.gk" >"$T/hits.json"
head -1 "$T/hits.json" | grep -q '"type":"hits".*"k":5' || fail "header: $(head -1 "$T/hits.json")"
[ "$(grep -c '"x-keep"' "$T/hits.json")" = 47 ] || fail "query fields kept"
[ "$(tail -n +2 "$T/hits.json" | grep -o '"score"' | wc -l)" = $((47 * 5)) ] || fail "5 hits per query"
awk 'NR > 1 { n = split($0, a, /"score":/); for (i = 3; i <= n; i++) if (a[i] + 0 > a[i - 1] + 0) exit 1 }' \
	"$T/hits.json" || fail "hits not best first"

# shards: search each, merge, equal to the single index (ids and scores)
for s in 1 2 3; do
	gk-knn -k 5 --no-vectors "$T/shard$s.gk" <"$T/queries.gk" >"$T/h$s.gk"
done
gk-knn --merge "$T/h1.gk" "$T/h2.gk" "$T/h3.gk" | gk-cat >"$T/merged.json"
gk-knn -k 5 --no-vectors "$T/corpus.gk" <"$T/queries.gk" | gk-cat >"$T/single.json"
cmp "$T/merged.json" "$T/single.json" || fail "merged shards differ from the single index"
# the batch size and the thread count change nothing, not even a last bit
gk-knn -k 5 --no-vectors -b 7 -j 1 "$T/corpus.gk" <"$T/queries.gk" | gk-cat | cmp - "$T/single.json" || fail "-b 7 -j 1"
gk-knn -k 5 --no-vectors -b 1 -j 3 "$T/corpus.gk" <"$T/queries.gk" | gk-cat | cmp - "$T/single.json" || fail "-b 1 -j 3"
# an index of several shards at once is the single index too
gk-knn -k 5 --no-vectors "$T/shard1.gk" "$T/shard2.gk" "$T/shard3.gk" <"$T/queries.gk" | gk-cat \
	| cmp - "$T/single.json" || fail "three shards as one index"

# an index file answers as the stream does, and so do its int8 and binary forms
gk-knn --build -o "$T/corpus.gki" "$T/corpus.gk"
gk-knn -k 5 --no-vectors "$T/corpus.gki" <"$T/queries.gk" | gk-cat | cmp - "$T/single.json" \
	|| fail "index file differs from the stream index"
for t in int8 binary; do
	gk-knn -k 5 --no-vectors -t $t "$T/corpus.gk" <"$T/queries.gk" | gk-cat >"$T/$t-mem.json"
	gk-knn --build -t $t -o "$T/$t.gki" "$T/corpus.gk"
	gk-knn -k 5 --no-vectors "$T/$t.gki" <"$T/queries.gk" | gk-cat | cmp - "$T/$t-mem.json" || fail "$t index file"
	# a corpus vector finds itself first, whatever the dtype
	grep '"id":"self3"' "$T/$t-mem.json" | grep -q '"hits":\[{"id":"d3"' || fail "$t: self3 does not find d3"
	# rescored by the f32 vectors kept in the file, the first hit's score is the f32 one
	# (binary signs of 24 dimensions say little: re-rank most of the index)
	n=100; [ $t = int8 ] || n=400
	gk-knn -k 5 --no-vectors --rescore $n "$T/$t.gki" <"$T/queries.gk" | gk-cat >"$T/$t-rescored.json"
	# (to float rounding: the rescoring dot product adds up in another order than sgemm)
	first_hits "$T/$t-rescored.json" >"$T/a"
	first_hits "$T/single.json" >"$T/b"
	paste "$T/a" "$T/b" | awk '{ d = $2 - $4; if ($1 != $3 || d > 1e-5 || d < -1e-5) exit 1 } END { if (NR != 47) exit 1 }' \
		|| fail "$t rescored: $(paste "$T/a" "$T/b" | head -3)"
done

# --exclude-self drops the query's own id and still gives k hits
gk-knn -k 5 --exclude-self --no-vectors "$T/corpus.gk" <"$T/queries.gk" | gk-cat >"$T/noself.json"
grep '"id":"self3"' "$T/single.json" | grep -q '"id":"d3"' || fail "self3 finds d3"
sed 's/"id":"self/"id":"d/' "$T/queries.json" | gk-cat -e | gk-knn -k 5 --exclude-self --no-vectors "$T/corpus.gk" \
	| gk-cat | grep '^{"id":"d3"' >"$T/d3.json"
grep -q '"hits":\[[^]]*"id":"d3"' "$T/d3.json" && fail "--exclude-self kept d3"
[ "$(grep -o '"score"' "$T/d3.json" | wc -l)" = 5 ] || fail "--exclude-self: 5 hits"

# k larger than the index: every vector, once
gk-knn -k 1000 --no-vectors "$T/shard1.gk" <"$T/queries.gk" | gk-cat | head -1 | grep -o '"score"' | wc -l \
	| grep -qx 200 || fail "k > index size"

# IVF: probing every list is exact search
gk-knn --build --nlist 8 -o "$T/ivf.gki" "$T/corpus.gk"
gk-knn -k 5 --no-vectors --nprobe 8 "$T/ivf.gki" <"$T/queries.gk" | gk-cat | cmp - "$T/single.json" \
	|| fail "IVF with every list probed"

# --merge -k keeps fewer; integer ids are taken in decimal; no queries, no hits
gk-knn --merge -k 2 "$T/h1.gk" "$T/h2.gk" "$T/h3.gk" | gk-cat -H >"$T/m2.json"
head -1 "$T/m2.json" | grep -q '"k":2' || fail "merge -k 2 header"
[ "$(tail -n +2 "$T/m2.json" | head -1 | grep -o '"score"' | wc -l)" = 2 ] || fail "merge -k 2"
printf '{"id":7,"vector":[1,0]}\n{"id":8,"vector":[0,1]}\n' | gk-cat -e >"$T/intid.gk"
printf '{"id":7,"vector":[1,0.1]}\n' | gk-cat -e | gk-knn -k 2 --exclude-self "$T/intid.gk" | gk-cat \
	| grep -q '"hits":\[{"id":"8",' || fail "integer ids"
printf '{"gk":1,"type":"vectors","dim":24,"dtype":"f32"}\n' | gk-cat -e >"$T/none.gk"
gk-knn "$T/corpus.gk" <"$T/none.gk" | gk-cat -H | grep -c . | grep -qx 1 || fail "no queries: a header and nothing else"

# errors
expect_error 64 "nlist 600: the number of lists must be from 1 to the 500 vectors" \
	gk-knn --build --nlist 600 -o "$T/x.gki" "$T/corpus.gk"
[ ! -e "$T/x.gki" ] && [ ! -e "$T/x.gki.tmp" ] || fail "a failed build left a file"
expect_error 64 "^gk-knn: --nlist is for --build" gk-knn --nlist 4 "$T/corpus.gk"
printf '{"id":"x","vector":[1,2,3]}\n' | gk-cat -e >"$T/dim3.gk"
expect_error 65 "^gk-knn: .*dim3.gk: 3-dimensional queries, but the index .*corpus.gk has 24 dimensions$" gk-knn -k 2 "$T/corpus.gk" -q "$T/dim3.gk"
expect_error 65 "^gk-knn: stdin: 3-dimensional queries, but the index .*shard1.gk ... has 24 dimensions$" \
	sh -c 'gk-knn "$1" "$2" <"$3"' - "$T/shard1.gk" "$T/shard2.gk" "$T/dim3.gk"
expect_error 65 "^gk-knn: .*dim3.gk: 3-dimensional vectors, but the index so far has 24 dimensions$" \
	gk-knn -k 2 "$T/corpus.gk" "$T/dim3.gk" -q "$T/queries.gk"
printf '{"id":"inf","vector":[1,2,3]}\n' | gk-cat -e | perl -pe 's/\x00\x00\x00\x40/\x00\x00\x80\x7f/' >"$T/inf.gk"
# (the stream reader refuses them first, for queries and index alike)
expect_error 65 "^gk-knn: .*inf.gk: record 1 \(byte [0-9]+\): \"vector\" holds NaN or infinity at value 1$" gk-knn "$T/dim3.gk" -q "$T/inf.gk"
expect_error 65 "^gk-knn: .*inf.gk: record 1 \(byte [0-9]+\): \"vector\" holds NaN or infinity at value 1$" gk-knn "$T/inf.gk" -q "$T/dim3.gk"
printf '{"vector":[1,2,3]}\n' | gk-cat -e >"$T/noid.gk"
expect_error 65 "noid.gk: record 1 .*needs an \"id\"" gk-knn "$T/noid.gk" -q "$T/dim3.gk"
head -c 1000 "$T/corpus.gki" >"$T/cut.gki"
expect_error 65 "^gk-knn: .*cut.gki: the .* section .* is not inside the file" gk-knn "$T/cut.gki" -q "$T/queries.gk"
head -c 100 "$T/corpus.gki" >"$T/cut.gki"
expect_error 65 "^gk-knn: .*cut.gki: the header is cut short \(100 of 160 bytes\)$" gk-knn "$T/cut.gki" -q "$T/queries.gk"
gk-knn --build --no-full -t binary -o "$T/nofull.gki" "$T/corpus.gk"
expect_error 64 "rescore needs the full-precision vectors, and this binary index" gk-knn --rescore 10 "$T/nofull.gki" -q "$T/queries.gk"
expect_error 64 "an index file must be the only INDEX" gk-knn "$T/corpus.gki" "$T/corpus.gk" -q "$T/queries.gk"
expect_error 66 "nowhere.gk" gk-knn "$T/nowhere.gk" -q "$T/queries.gk"
expect_error 64 "^gk-knn: no INDEX given" gk-knn -q "$T/queries.gk"
expect_error 64 "^gk-knn: --build needs -o FILE" gk-knn --build "$T/corpus.gk"
head -n 3 "$T/queries.json" | gk-cat -e | gk-knn "$T/shard1.gk" >"$T/h3q.gk"
expect_error 65 "h3q.gk has fewer records than" gk-knn --merge "$T/h1.gk" "$T/h3q.gk"
tail -n 40 "$T/queries.json" | head -n 40 | gk-cat -e | gk-knn "$T/shard1.gk" >"$T/hother.gk"
sed -n '2,48p' "$T/queries.json" | gk-cat -e | gk-knn -k 5 "$T/shard1.gk" >"$T/hshift.gk"
expect_error 65 "record 1 .*query 'q0' here is query 'q1' in .*hshift.gk" gk-knn --merge "$T/h1.gk" "$T/hshift.gk" "$T/hother.gk"
expect_error 65 "a 'vectors' stream, but a 'hits' stream is wanted" gk-knn --merge "$T/corpus.gk"
# a failed search leaves no complete-looking output
gk-knn "$T/corpus.gk" -q "$T/dim3.gk" >"$T/partial.gk" 2>/dev/null || true
expect_error 65 "stream cut short|empty input" gk-cat "$T/partial.gk"
echo "gk-knn: ok"
