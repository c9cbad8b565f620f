#!/bin/sh
# knn-bench.sh - the gk-knn benchmark suite of bench/RESULTS.md: exact
# search at 100k and 1M vectors x 384 and 768 dimensions, 1000 queries,
# f32 / int8 / binary (+ rescore), 2 threads, each beside sgemm's rate in
# the same run; IVF on 1M clustered vectors.  Appends to bench/RESULTS.md
# when given --record.  Takes a few minutes and about 8 GB of memory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" bench/knn-bench
b="$top/bench/knn-bench"
out=$(mktemp)
run() { echo "\$ bench/knn-bench $*" | tee -a "$out"; "$b" "$@" | tee -a "$out"; }
for dim in 384 768; do
	run -n 100000 -d $dim -q 1000 -t f32
	run -n 100000 -d $dim -q 1000 -t int8
	run -n 100000 -d $dim -q 1000 -t binary
	run -n 100000 -d $dim -q 1000 -t binary --rescore 100
done
for dim in 384 768; do
	run -n 1000000 -d $dim -q 1000 -t f32
	run -n 1000000 -d $dim -q 1000 -t int8 --no-recall --no-sgemm
	run -n 1000000 -d $dim -q 1000 -t binary --no-recall --no-sgemm
done
run -n 1000000 -d 384 -q 1000 --nlist 1024 --nprobe 8 --no-sgemm
if [ "${1:-}" = --record ]; then
	{
		echo
		echo "### $(date -u +%Y-%m-%d) $(git -C "$top" rev-parse --short HEAD), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
		echo
		echo '```'
		cat "$out"
		echo '```'
	} >>"$top/bench/RESULTS.md"
fi
rm -f "$out"
