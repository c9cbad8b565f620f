#!/bin/sh
# Decoder LMs as GGUF (tests/hf2gguf converting as convert_hf_to_gguf does,
# including Llama's q/k permutation and Gemma's 1 + w norms) against the
# same random model's directory (tests/gen-lm): f32 and bf16 give
# bit-identical logits and log-probs; Q8_0 keeps the logits' cosine to f32
# >= 0.999; a gemma-embedding GGUF runs bidirectional like the directory
# model made bidirectional.
. "$top_srcdir/tests/setup.sh"
gen="$top_builddir/tests/gen-lm"
hf2gguf="$top_builddir/tests/hf2gguf"
test="$top_builddir/tests/unit/test-gguf-lm"
for fam in llama qwen2 qwen3 gemma3; do
	for dt in f32 bf16; do
		"$gen" --family "$fam" --dtype "$dt" --seed 11 "$T/$fam-$dt" >/dev/null
		if [ "$fam" = gemma3 ]; then
			# llama.cpp scales Gemma 3 queries by head_dim^-0.5 and keeps no
			# query_pre_attn_scalar: make the model one GGUF can describe
			python3 -c 'import json, sys; p = sys.argv[1]; c = json.load(open(p)); c["query_pre_attn_scalar"] = c["head_dim"]; json.dump(c, open(p, "w"))' "$T/$fam-$dt/config.json"
		fi
		"$hf2gguf" --type "$dt" "$T/$fam-$dt" "$T/$fam-$dt.gguf" || fail "hf2gguf $fam $dt"
		"$test" "$T/$fam-$dt" "$T/$fam-$dt.gguf" exact || fail "$fam $dt GGUF differs"
	done
	"$hf2gguf" --type q8_0 "$T/$fam-f32" "$T/$fam-q8_0.gguf" || fail "hf2gguf $fam q8_0"
	"$test" "$T/$fam-f32" "$T/$fam-q8_0.gguf" 0.999 || fail "$fam q8_0 too far from f32"
done
# EmbeddingGemma as llama.cpp's "gemma-embedding": bidirectional
"$hf2gguf" --embedding "$T/gemma3-f32" "$T/embedding.gguf" || fail "hf2gguf --embedding"
"$test" "$T/gemma3-f32" "$T/embedding.gguf" bidirectional || fail "gemma-embedding GGUF differs"
echo "gguf lm: ok"
