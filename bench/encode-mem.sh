#!/bin/sh
# bench/encode-mem.sh - does gk-encode's memory stay flat as its input grows?
# Streams N random records of 4..12 tokens (bench/encode-inputs.py mem N,
# through gk-cat --encode on a pipe, never stored) into gk-encode with the
# tiny test model (tests/gen-model --shape tiny), output to /dev/null, and
# reports its peak resident size (/usr/bin/time's maximum RSS, i.e. VmHWM)
# for each N given.  Memory is bounded by the batch (--batch-tokens), so the
# peaks should agree within noise.  Prints "N records: PEAK kB, SECONDS s".
#
#   bench/encode-mem.sh [N ...]        (default: 100000 1000000; after make)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
py=${PYTHON:-/usr/bin/python3}
[ -x /usr/bin/time ] || { echo "encode-mem.sh: needs /usr/bin/time" >&2; exit 1; }
make -s cmd/gk-encode cmd/gk-cat tests/gen-model
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
tests/gen-model --shape tiny "$w/tiny" >/dev/null
[ $# -gt 0 ] || set -- 100000 1000000
for n in "$@"; do
	start=$(date +%s.%N)
	"$py" bench/encode-inputs.py mem "$n" | cmd/gk-cat --encode --type tokens \
		| /usr/bin/time -f %M -o "$w/rss" cmd/gk-encode -m "$w/tiny" -j 2 >/dev/null
	end=$(date +%s.%N)
	echo "$n records: $(tail -n 1 "$w/rss") kB peak RSS, $(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }') s"
done
