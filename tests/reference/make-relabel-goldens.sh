#!/bin/sh
# make-relabel-goldens.sh - remake tests/golden/relabel/scores-qwen2.jsonl:
# the token sequences from HuggingFace tokenizers (relabel-prompts.js, npm
# `tokenizers`), the scores from the PyTorch LM reference.  Run from the top
# of a built tree:  NODE_PATH=/tmp/node_modules sh tests/reference/make-relabel-goldens.sh
set -eu
g=tests/golden/relabel
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
# the model of tests/relabel.sh: a tiny Qwen2 with stories260K's tokenizer,
# its position limit raised so whole prompts fit (RoPE has no position table)
tests/gen-lm --family qwen2 --seed 21 --tokenizer-from tests/data/models/stories260K "$w/m" >/dev/null
sed -i 's/"max_position_embeddings": *[0-9]*/"max_position_embeddings": 1024/' "$w/m/config.json"
node tests/reference/relabel-prompts.js "$w/m/tokenizer.json" $g/ql.txt $g/rc.txt $g/passages.jsonl $g/hits.json >"$w/seqs.json"
/usr/bin/python3 tests/reference/relabel_reference.py "$w/m" "$w/seqs.json" $g/scores-qwen2.jsonl
