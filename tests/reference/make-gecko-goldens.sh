#!/bin/sh
# make-gecko-goldens.sh - remake tests/golden/gecko/{embeddinggemma,qwen3-embedding}.json:
# the models of tests/make-gecko.sh, token ids from HuggingFace tokenizers
# (gecko-tokenize.js, npm `tokenizers`), embeddings from gecko_reference.py
# (torch).  Run from the top of a built tree:
#   NODE_PATH=/tmp/node_modules sh tests/reference/make-gecko-goldens.sh
set -eu
g=tests/golden/gecko
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
q=$g/queries.jsonl d=$g/documents.jsonl

sh tests/make-gecko.sh "$w/eg" embeddinggemma
node tests/reference/gecko-tokenize.js "$w/eg/tokenizer.json" \
	"query:task: search result | query: :$q" "document:@gemma-document:$d" \
	"sts:task: sentence similarity | query: :$q" "short@40:task: search result | query: :$d" >"$w/eg-ids.json"
/usr/bin/python3 tests/reference/gecko_reference.py "$w/eg" "$w/eg-ids.json" 32,16,8 $g/embeddinggemma.json

sh tests/make-gecko.sh "$w/qw" qwen3-embedding
instruct='Instruct: Given a web search query, retrieve relevant passages that answer the query
Query:'
node tests/reference/gecko-tokenize.js "$w/qw/tokenizer.json" \
	"query:$instruct:$q" "document::$d" \
	"code:Instruct: Given a question, retrieve code that answers it
Query::$q" "short@40::$d" >"$w/qw-ids.json"
/usr/bin/python3 tests/reference/gecko_reference.py "$w/qw" "$w/qw-ids.json" 20,7 $g/qwen3-embedding.json
