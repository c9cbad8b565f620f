#!/bin/sh
# Qwen3-Embedding: Qwen3 causal (bf16 weights, bare tensor names), the
# tokenizer's <|endoftext|> appended, last-token pooling, Normalize,
# truncation to any width; queries "Instruct: TASK\nQuery:TEXT", documents plain.
kind=qwen3-embedding
. "$top_srcdir/tests/gecko-golden.sh"
check query --prompt query <"$g/queries.jsonl"
check document --prompt document <"$g/documents.jsonl"
# cut to 40 tokens: <|endoftext|> stays last, and last-token pooling reads it
check short -n 40 <"$g/documents.jsonl"
check code --instruct "Given a question, retrieve code that answers it" <"$g/queries.jsonl"
# --instruct with the model's own task writes its query prompt
gk-tokenize -m "$m" --instruct "Given a web search query, retrieve relevant passages that answer the query" \
	<"$g/queries.jsonl" | gk-cat >"$T/instruct.jsonl"
"$compare" "$gold" query-ids "$T/instruct.jsonl" 0 ids || fail "--instruct differs from --prompt query"
expect_error 64 "give one" gk-tokenize -m "$m" --instruct x --prompt query "$g/queries.jsonl"
# a decoder LM has no token types
printf '{"ids":[1,2],"type_ids":[0,0]}\n' | gk-cat -e >"$T/types.gk"
expect_error 65 "record 1 .*type_ids.* takes none" gk-encode -m "$m" "$T/types.gk"
# a model file cut short is an error naming it, not a crash
cp -r "$m" "$T/cut"
head -c 100000 "$m/model.safetensors" >"$T/cut/model.safetensors"
gk-tokenize -m "$m" <"$g/queries.jsonl" >"$T/q.gk"
expect_error 65 "model.safetensors" gk-encode -m "$T/cut" "$T/q.gk"
# a Pooling module for another hidden size
sed 's/"word_embedding_dimension": 32/"word_embedding_dimension": 31/' "$m/1_Pooling/config.json" >"$T/cut/1_Pooling/config.json"
gk-encode -m "$m" "$T/q.gk" >"$T/h.gk"
expect_error 65 "1_Pooling/config.json" gk-pool -m "$T/cut" "$T/h.gk"
echo "gecko-qwen3-embedding: ok"
