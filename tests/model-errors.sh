# Load-time errors of model directories: each broken model must fail with
# the right exit status and a message naming the file and the problem.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
work="$top_builddir/tests/tmp-models/errors"
rm -rf "$work"
mkdir -p "$work"
load="$top_builddir/tests/unit/test-model-load"
fails=0

# expect STATUS PATTERN DIR: run the loader, check status and message.
expect() {
	out=$("$load" "$3" 2>&1)
	st=$?
	if [ "$st" != "$1" ] || ! printf '%s\n' "$out" | grep -q -- "$2"; then
		echo "FAIL: $3: status $st, output '$out' (want $1, /$2/)"
		fails=$((fails + 1))
	else
		echo "ok: $3: $out"
	fi
}

# edit FILE SED-SCRIPT: change a file of the model in place.
edit() {
	sed "$2" "$1" > "$1.new" && mv "$1.new" "$1" || exit 99
}

# fresh NAME [gen-model options]: a new tiny model in $work/NAME
fresh() {
	n=$1
	shift
	rm -rf "${work:?}/$n"
	"$top_builddir/tests/gen-model" --shape tiny "$@" "$work/$n" || exit 99
	d="$work/$n"
}

fresh good --pooling cls,mean --dense 8:tanh --normalize
expect 0 "ok hidden=32 out=8 st=1 pooling=5 dense=1 normalize=1" "$d"
fresh nost --no-st
expect 0 "ok hidden=32 out=32 st=0 pooling=4 dense=0" "$d"
fresh sharded --shards 3 --prefix
expect 0 "ok hidden=32" "$d"

expect 66 "config.json" "$work/does-not-exist"

fresh ffn
edit "$d/config.json" 's/"intermediate_size": 64/"intermediate_size": 65/'
expect 65 "encoder.layer.0.intermediate.dense.weight': shape \[64, 32\], expected \[65, 32\]" "$d"

# A config far bigger than the weights fails on the shapes, not on memory.
fresh huge
edit "$d/config.json" 's/"hidden_size": 32/"hidden_size": 65536/; s/"intermediate_size": 64/"intermediate_size": 262144/'
expect 65 "embeddings.word_embeddings.weight': shape \[30522, 32\], expected \[30522, 65536\]" "$d"
fresh hugevocab
edit "$d/config.json" 's/"vocab_size": 30522/"vocab_size": 16777216/'
expect 65 "expected \[16777216, 32\]" "$d"

fresh roberta
edit "$d/config.json" 's/"model_type": "bert"/"model_type": "roberta"/'
expect 65 "config.json: model_type \"roberta\" is not supported (supported: bert; gemma3_text, qwen3, qwen2, llama as encoders)" "$d"

fresh heads
edit "$d/config.json" 's/"num_attention_heads": 4/"num_attention_heads": 5/'
expect 65 "not a multiple of num_attention_heads" "$d"

fresh badjson
printf '{"hidden_size": 32,' > "$d/config.json"
expect 65 "config.json: line" "$d"

fresh trunc
size=$(wc -c < "$d/model.safetensors")
head -c $((size - 100)) "$d/model.safetensors" > "$d/t" && mv "$d/t" "$d/model.safetensors"
expect 65 "model.safetensors: tensor '.*': data offsets .* outside the data area" "$d"

fresh shard --shards 2
rm "$d/model-00002-of-00002.safetensors"
expect 66 "model-00002-of-00002.safetensors" "$d"

fresh modtype --normalize
edit "$d/modules.json" 's/models.Normalize/models.LayerNorm/'
expect 65 "modules.json: module type \"sentence_transformers.models.LayerNorm\" is not supported" "$d"

fresh escape
edit "$d/modules.json" 's/"1_Pooling"/"..\/1_Pooling"/'
expect 65 "leaves the model directory" "$d"

fresh wed
edit "$d/1_Pooling/config.json" 's/"word_embedding_dimension": 32/"word_embedding_dimension": 33/'
expect 65 "1_Pooling/config.json: word_embedding_dimension 33 differs" "$d"

fresh nomode
edit "$d/1_Pooling/config.json" 's/true/false/'
expect 65 "no pooling mode" "$d"

fresh nodense --dense 8:tanh
rm "$d/2_Dense/model.safetensors"
expect 65 "2_Dense/model.safetensors: missing (Dense weights in pytorch_model.bin" "$d"

fresh densein --dense 8:tanh
edit "$d/2_Dense/config.json" 's/"in_features": 32/"in_features": 31/'
expect 65 "in_features 31" "$d"

fresh denseact --dense 8:tanh
edit "$d/2_Dense/config.json" 's/activation.Tanh/activation.Softsign/'
expect 65 "Softsign\" is not supported" "$d"

fresh densew --dense 8:tanh
edit "$d/2_Dense/config.json" 's/"out_features": 8/"out_features": 9/'
expect 65 "2_Dense: .*linear.weight': shape \[8, 32\], expected \[9, 32\]" "$d"

if [ "$fails" -eq 0 ]; then
	rm -rf "$work"
	exit 0
fi
exit 1
