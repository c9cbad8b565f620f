#!/bin/sh
# The real stories260K model as llama.cpp converted it (stories260K-f32.gguf:
# llama.cpp tensor names, q/k rows in interleaved-RoPE order, tokenizer from
# tokenizer.ggml.* scores): its tokenizer gives the Lily sentence's published
# ids and greedy decoding reproduces greedy-256.txt, as the HF directory does.
. "$top_srcdir/tests/setup.sh"
dir="$data/models/stories260K"
gguf="$dir/stories260K-f32.gguf"
echo '{"id":"a","text":"Once upon a time, there was a little girl named Lily."}' >"$T/lily.jsonl"
gk-tokenize -m "$gguf" "$T/lily.jsonl" | gk-cat >"$T/lily.json"
grep -q '"ids":\[1,403,407,261,378,432,383,286,261,376,298,315,421,395,317,426\]' "$T/lily.json" ||
	fail "GGUF tokenizer: $(cat "$T/lily.json")"
: >"$T/empty.txt"
echo seed | gk-generate --lm "$gguf" --template "$T/empty.txt" --raw -m 256 2>/dev/null | gk-cat >"$T/greedy.json"
python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["text"])' "$T/greedy.json" >"$T/greedy.txt"
cmp "$T/greedy.txt" "$dir/greedy-256.txt" || fail "GGUF greedy decoding differs from greedy-256.txt"
echo "gguf stories260K: ok"
