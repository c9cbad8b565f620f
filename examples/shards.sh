#!/bin/sh
# shards.sh - the sharded form of the main job: split a corpus (JSON lines)
# into N shards, embed them in parallel, search each shard, and merge the
# per-shard hits into the global top k -- the same hits a single index
# gives.  With GNU parallel, --sshlogin spreads shards over several hosts
# (each needs gk and the model at the same path); without it xargs -P
# runs them on this machine.
#
#   examples/shards.sh MODEL CORPUS.jsonl QUERIES.jsonl OUTDIR [N] [K]
#
#   GK_PARALLEL='--sshlogin 4/host1,4/host2,:' examples/shards.sh ...
#
# Shards are written atomically (examples/embed-shard.sh), so after an
# interruption a rerun embeds only the shards that are missing.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 MODEL CORPUS.jsonl QUERIES.jsonl OUTDIR [N] [K]" >&2; exit 64; }
model=$1 corpus=$2 queries=$3 out=$4 n=${5:-4} k=${6:-10}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/shards"

# split by lines into n pieces once (GNU split keeps whole lines)
if ! ls "$out"/shards/part-*.jsonl >/dev/null 2>&1; then
	case $corpus in
	*.xz) xz -dc "$corpus" ;;
	*.gz) gzip -dc "$corpus" ;;
	*) cat "$corpus" ;;
	esac >"$out/corpus.jsonl"
	split -n "l/$n" -d --additional-suffix=.jsonl "$out/corpus.jsonl" "$out/shards/part-"
fi

# embed every shard (only the missing ones)
if command -v parallel >/dev/null; then
	# shellcheck disable=SC2086
	parallel --will-cite --halt now,fail=1 ${GK_PARALLEL:-} sh "$here/embed-shard.sh" "$model" {} \
		::: "$out"/shards/part-*.jsonl
else
	ls "$out"/shards/part-*.jsonl | xargs -P "$(nproc)" -I{} sh "$here/embed-shard.sh" "$model" {}
fi

# the queries once, then each shard searched and the hits merged
[ -s "$out/queries.jsonl" ] || cp "$queries" "$out/queries.jsonl"
sh "$here/embed-shard.sh" "$model" "$out/queries.jsonl"
for shard in "$out"/shards/part-*.gk; do
	gk-knn -k "$k" -q "$out/queries.gk" "$shard" >"${shard%.gk}.hits"
done
gk-knn --merge -k "$k" "$out"/shards/part-*.hits >"$out/hits.gk"
echo "shards: $(ls "$out"/shards/part-*.gk | wc -l) shards, $(gk-cat --count "$out/hits.gk") queries -> $out/hits.gk" >&2
