#!/bin/sh
# Every program against every kind of bad input it can meet: one clear
# message on stderr, the documented exit status, no partial output that a
# reader could take for complete, and no crash (CI runs this under the
# sanitizers too).
. "$top_srcdir/tests/setup.sh"
m="$T/bert"
make_model "$m" --shape tiny --seed 1 --pooling mean --normalize
lm="$data/models/stories260K"
xz -dc "$data/debdesc-small/corpus.jsonl.xz" | head -30 >"$T/corpus.jsonl"

# good streams of each type, to break
gk-tokenize -m "$m" "$T/corpus.jsonl" 2>/dev/null >"$T/tokens.gk"
gk-encode -m "$m" "$T/tokens.gk" >"$T/hidden.gk"
gk-pool -m "$m" "$T/hidden.gk" >"$T/vectors.gk"
gk-knn -k 5 "$T/vectors.gk" <"$T/vectors.gk" >"$T/hits.gk"
printf 'query-id\tcorpus-id\tscore\n2048-qt\t2048-qt\t1\n' >"$T/qrels.tsv"

# damaged forms of a stream: empty, not a stream, cut mid-record, no trailer
damage() {  # NAME STREAM
	: >"$T/$1.empty"
	printf 'this is plain text\n' >"$T/$1.text"
	size=$(wc -c <"$2")
	head -c $((size / 2)) "$2" >"$T/$1.cut"
	head -c $((size - 9)) "$2" >"$T/$1.notrailer"
}
for s in tokens hidden vectors hits; do damage "$s" "$T/$s.gk"; done

# check NAME STATUS PATTERN CMD...: one message matching PATTERN, exit
# STATUS, and stdout empty or not a complete stream
n=0
check() {
	name=$1
	shift
	expect_error "$@"
	if [ -s "$T/stdout" ] && gk-cat "$T/stdout" >/dev/null 2>&1; then
		case $2 in
		*gk-eval*) ;;  # prints JSON, not a stream
		*) fail "$name: a failed run left a complete stream on stdout" ;;
		esac
	fi
	n=$((n + 1))
}

# every stream reader, on every damaged form of its input type
for row in "gk-encode -m $m:tokens" "gk-pool -m $m:hidden" "gk-truncate -d 8:vectors" \
	"gk-knn -k 3 $T/vectors.gk -q:vectors" "gk-eval -q $T/qrels.tsv:hits" \
	"gk-relabel --lm $lm --passages $T/corpus.jsonl -n 3:hits" "gk-cat -e:tokens"; do
	cmd=${row%:*} type=${row##*:}
	prog=${cmd%% *}
	# shellcheck disable=SC2086
	check "$prog empty" 65 "^$prog: .*: empty input, not a gk stream$" $cmd "$T/$type.empty"
	# shellcheck disable=SC2086
	check "$prog text" 65 "^$prog: .*\.text: (header \(byte 0\)|line 1): " $cmd "$T/$type.text"
	# shellcheck disable=SC2086
	check "$prog cut" 65 "^$prog: .*\.cut: record [0-9]+ \(byte [0-9]+\): input ends in the middle of an object" $cmd "$T/$type.cut"
	# shellcheck disable=SC2086
	check "$prog notrailer" 65 "^$prog: .*\.notrailer: stream cut short: it ends after [0-9]+ records without its trailer" $cmd "$T/$type.notrailer"
	if [ "$prog" != gk-cat ]; then
		other=tokens
		[ "$type" = tokens ] && other=hidden
		# shellcheck disable=SC2086
		check "$prog wrong type" 65 "^$prog: .*: this is a '$other' stream, but a '$type' stream is wanted here$" $cmd "$T/$other.gk"
	fi
	# shellcheck disable=SC2086
	check "$prog missing" 66 "^$prog: .*nothing.gk: No such file or directory$" $cmd "$T/nothing.gk"
done

# NaN and infinity in vectors are refused by every reader
awk 'BEGIN { printf "{\"id\":\"a\",\"vector\":[1,0,0,null"; for (i = 4; i < 32; i++) printf ",0"; print "]}" }' >"$T/nan.json"
for prog in gk-truncate gk-knn gk-cat; do
	args=""
	[ $prog = gk-knn ] && args="-k 1 $T/vectors.gk -q"
	# shellcheck disable=SC2086
	check "$prog nan" 65 "holds NaN or infinity at value 3" $prog $args "$T/nan.json"
done

# wrong dimensions
printf '{"id":"q","vector":[1,0,0]}\n' | gk-cat -e >"$T/dim3.gk"
check "gk-knn dims" 65 "^gk-knn: .*dimension" gk-knn -k 1 -q "$T/vectors.gk" "$T/vectors.gk" "$T/dim3.gk"
check "gk-knn query dims" 65 "^gk-knn: .*dimension" gk-knn -k 1 -q "$T/dim3.gk" "$T/vectors.gk"
printf '{"id":"h","n_tokens":1,"hidden":[1,2,3]}\n' | gk-cat -e >"$T/h3.gk"
check "gk-pool dims" 65 "^gk-pool: " gk-pool -m "$m" "$T/h3.gk"

# invalid UTF-8 and unknown ids
printf 'ok\n\377\n' >"$T/bad-utf8.txt"
check "gk-tokenize utf8" 65 "^gk-tokenize: .*bad-utf8.txt: line 2: .*UTF-8" gk-tokenize -m "$m" "$T/bad-utf8.txt"
check "gk-generate utf8" 65 "^gk-generate: .*bad-utf8.txt: line 2: .*UTF-8" gk-generate --lm "$lm" "$T/bad-utf8.txt"
printf '{"gk":1,"type":"hits"}\n{"id":"q","text":"t","hits":[{"id":"x","score":1.0}]}\n' | gk-cat -e >"$T/unknown.gk"
check "gk-relabel unknown id" 65 "passage 'x' is not in the passages" gk-relabel --lm "$lm" --passages "$T/corpus.jsonl" -n 1 "$T/unknown.gk"
printf '{"id":"big","ids":[101,40000,102]}\n' | gk-cat -e >"$T/oov.gk"
check "gk-encode oov" 65 "token id 40000 at position 1 is outside the model's vocabulary" gk-encode -m "$m" "$T/oov.gk"

# missing and corrupt model files
check "gk-encode no model" 66 "^gk-encode: .*none.*config.json" gk-encode -m "$T/none" "$T/tokens.gk"
check "gk-tokenize no model" 66 "^gk-tokenize: .*none" gk-tokenize -m "$T/none" "$T/corpus.jsonl"
check "gk-relabel no model" 66 "^gk-relabel: .*none" gk-relabel --lm "$T/none" --passages "$T/corpus.jsonl" "$T/hits.gk"
cp -r "$m" "$T/cut-model"
head -c 5000 "$m/model.safetensors" >"$T/cut-model/model.safetensors"
check "gk-encode cut weights" 65 "^gk-encode: .*model.safetensors" gk-encode -m "$T/cut-model" "$T/tokens.gk"
cp -r "$m" "$T/bad-config"
printf '{"hidden_size": 32,' >"$T/bad-config/config.json"
check "gk-encode bad config" 65 "^gk-encode: .*config.json" gk-encode -m "$T/bad-config" "$T/tokens.gk"
printf '{"model": {"type": "Unigram"}}' >"$T/bad-config/tokenizer.json"
check "gk-tokenize bad tokenizer" 65 "^gk-tokenize: .*tokenizer.json" gk-tokenize -m "$T/bad-config" "$T/corpus.jsonl"

# an unwritable output: one message, exit 74
for row in "gk-tokenize -m $m $T/corpus.jsonl" "gk-encode -m $m $T/tokens.gk" "gk-pool -m $m $T/hidden.gk" \
	"gk-truncate $T/vectors.gk" "gk-knn -k 3 $T/vectors.gk -q $T/vectors.gk" "gk-cat -e $T/vectors.gk"; do
	prog=${row%% *}
	check "$prog full" 74 "^$prog: <stdout>: write error: No space left on device$" sh -c "$row >/dev/full"
done
echo "bad-input matrix: $n cases"
