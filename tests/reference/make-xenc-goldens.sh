#!/bin/sh
# make-xenc-goldens.sh - remake tests/golden/relabel/scores-xenc.jsonl: the
# (query, passage) pairs of tests/golden/relabel tokenized by HuggingFace
# tokenizers (xenc-pairs.js, npm `tokenizers`), the logits from the PyTorch
# cross-encoder reference.  Run from the top of a built tree:
#   NODE_PATH=/tmp/node_modules sh tests/reference/make-xenc-goldens.sh
set -eu
g=tests/golden/relabel
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
# the model of tests/relabel.sh: a tiny random cross-encoder with the
# bert-base-uncased tokenizer, its length limit lowered to 24 so that the
# longer pairs are truncated (longest_first)
sh tests/make-model.sh "$w/m" --seed 31 --no-st --classifier 1
sed -i 's/"model_max_length": *[0-9]*/"model_max_length": 24/' "$w/m/tokenizer_config.json"
node tests/reference/xenc-pairs.js "$w/m/tokenizer.json" 24 $g/passages.jsonl $g/hits.json >"$w/pairs.jsonl"
/usr/bin/python3 tests/reference/cross_encoder_reference.py "$w/m" "$w/pairs.jsonl" $g/scores-xenc.jsonl
cp "$w/pairs.jsonl" $g/pairs-xenc.jsonl
