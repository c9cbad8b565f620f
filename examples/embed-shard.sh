#!/bin/sh
# embed-shard.sh - embed one shard of a corpus, atomically and only once:
#
#   examples/embed-shard.sh MODEL SHARD.jsonl [DIMS]
#
# writes SHARD.gk (vectors, truncated to DIMS, default 256 or the model's
# width if smaller) through a temporary file renamed at the end, so an
# interrupted run leaves no partial shard, and a shard already written is
# not embedded again: rerunning a whole sharded job redoes only what is
# missing.  Every stage checks its input stream, so a failure anywhere
# stops the chain before the rename.
set -eu
model=$1 in=$2 dims=${3:-}
out=${in%.*}.gk
[ -s "$out" ] && exit 0
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT INT TERM
gk-tokenize -m "$model" "$in" 2>/dev/null | gk-encode -m "$model" -j 1 | gk-pool -m "$model" \
	| gk-truncate ${dims:+-d "$dims"} >"$tmp"
mv "$tmp" "$out"
