#!/bin/sh
# get-model.sh - download a model directory from the HuggingFace hub: the
# files gk reads (config, weights, tokenizer, sentence-transformers modules)
# and nothing else.
#
#   examples/get-model.sh REPO_ID DIR
#   examples/get-model.sh sentence-transformers/all-MiniLM-L6-v2 models/minilm
#
# Downloads resume where they stopped (curl -C -) and each file is checked
# against the size the hub announces; a finished file is not fetched again,
# so rerunning after an interruption only fetches what is missing.
# HF_ENDPOINT (default https://huggingface.co) and HF_TOKEN (for gated
# models) are honoured as in huggingface_hub; HF_REVISION picks a branch.
set -eu
[ $# = 2 ] || { echo "usage: $0 REPO_ID DIR" >&2; exit 64; }
repo=$1 dir=$2
endpoint=${HF_ENDPOINT:-https://huggingface.co}
revision=${HF_REVISION:-main}
command -v curl >/dev/null || { echo "get-model: curl is needed (apt-get install curl)" >&2; exit 69; }
mkdir -p "$dir"

# curl with the token when there is one
fetch() {
	if [ -n "${HF_TOKEN:-}" ]; then
		curl -fsSL -H "Authorization: Bearer $HF_TOKEN" "$@"
	else
		curl -fsSL "$@"
	fi
}

# size FILE: the size the hub announces (the last response after redirects
# must be 200), empty when the file is absent
size_of() {
	fetch -I "$endpoint/$repo/resolve/$revision/$1" 2>/dev/null | tr -d '\r' \
		| awk '/^HTTP\// { ok = ($2 == 200); n = "" }
		       tolower($1) == "content-length:" && ok { n = $2 }
		       END { print n }'
}

# get FILE [optional]: download FILE into DIR unless it is already complete
get() {
	want=$(size_of "$1")
	if [ -z "$want" ]; then
		[ "${2:-}" = optional ] && return 0
		echo "get-model: $repo has no $1 (at $endpoint, revision $revision)" >&2
		exit 66
	fi
	out="$dir/$1"
	if [ -f "$out" ] && [ "$(wc -c <"$out")" = "$want" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$out")"
	echo "get-model: $1 ($want bytes)" >&2
	fetch -C - -o "$out.part" "$endpoint/$repo/resolve/$revision/$1" || {
		echo "get-model: $1: download failed; run again to resume" >&2
		exit 75
	}
	got=$(wc -c <"$out.part")
	[ "$got" = "$want" ] || { echo "get-model: $1: $got bytes, the hub says $want; run again" >&2; exit 75; }
	mv "$out.part" "$out"
}

get config.json
for f in tokenizer.json tokenizer_config.json vocab.txt special_tokens_map.json \
	modules.json sentence_bert_config.json config_sentence_transformers.json; do
	get "$f" optional
done
# weights: one file, or shards named in the index
if [ -n "$(size_of model.safetensors.index.json)" ]; then
	get model.safetensors.index.json
	for shard in $(grep -o '"[^"]*\.safetensors"' "$dir/model.safetensors.index.json" | tr -d '"' | sort -u); do
		get "$shard"
	done
else
	get model.safetensors
fi
# sentence-transformers modules after the transformer (1_Pooling, 2_Dense, ...)
if [ -f "$dir/modules.json" ]; then
	for m in $(grep -o '"path": *"[^"]*"' "$dir/modules.json" | sed 's/.*"\([^"]*\)"$/\1/'); do
		[ -n "$m" ] || continue
		get "$m/config.json" optional
		get "$m/model.safetensors" optional
	done
fi
echo "get-model: $repo is in $dir" >&2
