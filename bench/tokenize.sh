#!/bin/sh
# bench/tokenize.sh - tokenizer speed, one thread: gk's library (bench/tok-bench)
# beside HuggingFace tokenizers (npm, bench/tok-bench-hf.js) on the sample
# corpus, then the gk-tokenize program end to end (JSON lines in, stream out)
# on a 50-fold concatenation of the corpus (38 MB), for WordPiece (bert-bge)
# and byte-level BPE (gpt-2).  Prints lines to paste into bench/RESULTS.md.
#
#   bench/tokenize.sh            (after make; HF side needs NODE_PATH with `tokenizers`)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s bench/tok-bench
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
xz -dc tests/data/debdesc-small/corpus.jsonl.xz >"$w/corpus.jsonl"
for i in $(seq 50); do cat "$w/corpus.jsonl"; done >"$w/big.jsonl"
for t in bert-bge gpt-2; do
	mkdir -p "$w/$t"
	if [ -f "tests/data/tokenizers/$t/tokenizer.json.xz" ]; then
		xz -dc "tests/data/tokenizers/$t/tokenizer.json.xz" >"$w/$t/tokenizer.json"
	else
		cp "tests/data/tokenizers/$t/tokenizer.json" "$w/$t/"
	fi
	echo "== $t: library, corpus x5"
	echo "gk: $(bench/tok-bench "$w/$t/tokenizer.json" "$w/corpus.jsonl" 5)"
	if node -e "require('tokenizers')" 2>/dev/null; then
		echo "HF: $(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false node bench/tok-bench-hf.js "$w/$t/tokenizer.json" "$w/corpus.jsonl" 5)"
		echo "HF big: $(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false node bench/tok-bench-hf.js "$w/$t/tokenizer.json" "$w/big.jsonl" 1)"
	fi
	echo "== $t: gk-tokenize program on the 50-fold corpus ($(wc -c <"$w/big.jsonl") bytes)"
	start=$(date +%s.%N)
	cmd/gk-tokenize -m "$w/$t" --no-text "$w/big.jsonl" >"$w/out.gk" 2>/dev/null
	end=$(date +%s.%N)
	# tokens = commas inside the id lists + one per record
	tokens=$(cmd/gk-cat "$w/out.gk" | grep -o '"ids":\[[^]]*\]' | awk -F, '{ n += NF } END { print n }')
	echo "gk-tokenize: $(echo "$start $end $(wc -c <"$w/big.jsonl") $tokens" \
		| awk '{ t = $2 - $1; printf "%.2f s, %.2f MB/s (file bytes), %.0f tokens/s", t, $3 / 1e6 / t, $4 / t }')"
done
