#!/bin/sh
# fuzz/run.sh - build the libFuzzer harnesses with clang and run each for a
# fixed time: `make fuzz` (FUZZ_SECONDS=N, default 60 per harness), or
# `fuzz/run.sh SECONDS [HARNESS...]` for some of them.
#
# Needs clang and Debian's libclang-rt-14-dev.  Builds into fuzz/build/
# (libcommon compiled again with -fsanitize=fuzzer-no-link,address,undefined).
# Seeds come from the test data; a crash is saved under fuzz/crashes/NAME/
# and should become a regression input in tests/fuzz-regressions/NAME/,
# which `make check` replays.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
harnesses=${*:-stream input tokenizer safetensors config index gguf}
cc=${FUZZ_CC:-clang}
out="$top/fuzz/build"
mkdir -p "$out/obj"
deps="openblas msgpack libpcre2-8 libarchive jansson libutf8proc"
cflags="-g -O1 -std=c11 -D_DEFAULT_SOURCE -fsanitize=fuzzer-no-link,address,undefined -I$top/libcommon -I$top $(pkg-config --cflags $deps)"
libs="$(pkg-config --libs $deps) -lm -pthread"

echo "fuzz: building libcommon with $cc" >&2
objs=""
for src in "$top"/libcommon/*.c; do
	obj="$out/obj/$(basename "$src" .c).o"
	[ "$obj" -nt "$src" ] || $cc $cflags -c "$src" -o "$obj"
	objs="$objs $obj"
done

seeds() {  # NAME DIR: a seed corpus for harness NAME in DIR
	mkdir -p "$2"
	case $1 in
	stream) cp "$top"/tests/golden/cat/*.gk "$top"/tests/golden/cat/*.json "$2/" ;;
	input) cp "$top"/tests/data/archives/* "$top"/tests/data/debdesc-small/queries.jsonl "$2/" 2>/dev/null
	       printf 'plain text\nlines\n' >"$2/plain.txt" ;;
	tokenizer) for t in "$top"/tests/data/tokenizers/bert-bge "$top"/tests/data/tokenizers/gpt-2; do
			xz -dc "$t/tokenizer.json.xz" >"$2/$(basename "$t").json"; done ;;
	safetensors) for f in $(find "$top/tests/tmp-models" -name '*.safetensors' 2>/dev/null | head -3); do
			cp "$f" "$2/"; done
		printf '\020\000\000\000\000\000\000\000{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}\000\000\200\077' >"$2/one.safetensors" ;;
	config) cp "$top"/tests/data/models/stories260K/config.json "$2/lm.json"
		find "$top/tests/tmp-models" -name config.json 2>/dev/null | head -2 | while read -r f; do cp "$f" "$2/$(echo "$f" | md5sum | cut -c1-8).json"; done
		printf '{"model_type":"bert","hidden_size":32,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":64}' >"$2/bert.json" ;;
	index) printf '{"id":"a","vector":[1,0]}\n{"id":"b","vector":[0,1]}\n' | "$top/cmd/gk-cat" -e >"$out/v.gk"
		"$top/cmd/gk-knn" --build -o "$2/f32.gki" "$out/v.gk"
		"$top/cmd/gk-knn" --build -t int8 --nlist 2 -o "$2/ivf.gki" "$out/v.gk" ;;
	gguf) cp "$top"/tests/data/models/stories260K/stories260K-f32.gguf "$2/"
		for f in "$top"/tests/data/tokenizers/*/ggml-vocab-*.gguf.xz; do
			xz -dc "$f" | head -c 60000 >"$2/$(basename "$f" .xz)"; done ;;
	esac
}

status=0
for h in $harnesses; do
	bin="$out/fuzz-$h"
	$cc $cflags -fsanitize=fuzzer "$top/fuzz/fuzz-$h.c" $objs $libs -o "$bin"
	seeds "$h" "$out/seeds-$h"
	mkdir -p "$out/corpus-$h" "$top/fuzz/crashes/$h"
	echo "fuzz: $h for ${seconds}s" >&2
	"$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=10 \
		-artifact_prefix="$top/fuzz/crashes/$h/" -print_final_stats=1 \
		"$out/corpus-$h" "$out/seeds-$h" 2>"$out/$h.log" || status=1
	grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$out/$h.log" | sed "s/^/fuzz: $h: /" >&2
done
exit $status
