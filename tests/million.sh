#!/bin/sh
# A million records through tokenize | encode | pool | truncate with a tiny
# model: every record comes out, in order, and each program's peak
# resident memory is the same for 1M records as for 100k (within 8 MiB):
# memory is bounded by the batch, not by the input.
. "$top_srcdir/tests/setup.sh"
m="$T/model"
make_model "$m" --shape tiny --seed 1 --pooling mean --normalize
rss="$top_builddir/tests/unit/maxrss"
run() {  # N: stream N records through the pipeline, peak RSS per stage into $T/rss-N-STAGE
	n=$1
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "r%d\n", i }' >"$T/in.txt"
	"$rss" "$T/rss-$n-tokenize" gk-tokenize -m "$m" "$T/in.txt" \
		| "$rss" "$T/rss-$n-encode" gk-encode -m "$m" -j 1 \
		| "$rss" "$T/rss-$n-pool" gk-pool -m "$m" \
		| "$rss" "$T/rss-$n-truncate" gk-truncate -d 16 >"$T/out-$n.gk"
}
run 100000
run 1000000
count=$(gk-cat --count "$T/out-1000000.gk")
[ "$count" = 1000000 ] || fail "1M records in, $count out"
last=$(gk-truncate -d 1 "$T/out-1000000.gk" | gk-cat | tail -1 | cut -c1-60)
case $last in '{"id":"'*'in.txt:1000000","text":"r999999",'*) ;; *) fail "last record: $last" ;; esac
for stage in tokenize encode pool truncate; do
	small=$(cat "$T/rss-100000-$stage") big=$(cat "$T/rss-1000000-$stage")
	echo "$stage: peak RSS $small KiB for 100k records, $big KiB for 1M"
	[ "$big" -le $((small + 8192)) ] || fail "$stage: memory grows with the input ($small -> $big KiB)"
done
