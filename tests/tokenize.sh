#!/bin/sh
# gk-tokenize end to end: the ids of the whole sample corpus equal
# HuggingFace tokenizers' (tests/reference/hf-tokenize.js made the goldens),
# from JSON lines, from each archive form and from a stream on a pipe;
# prompts and Gecko's query format; bad input.
. "$top_srcdir/tests/setup.sh"
m="$T/model"
make_model "$m" --tokenizer-only
printf '{"max_seq_length": 512, "do_lower_case": false}\n' >"$m/sentence_bert_config.json"
printf '{"prompts": {"query": "task: search result | query: ", "document": ""}}\n' \
	>"$m/config_sentence_transformers.json"
corpus="$data/debdesc-small/corpus.jsonl.xz"
queries="$data/debdesc-small/queries.jsonl"

# "id" and "ids" of each record, as the goldens hold them
id_ids() {
	gk-cat "$@" | sed -E 's/^\{"id":("[^"]*").*"ids":(\[[0-9,]*\]).*$/{"id":\1,"ids":\2}/'
}

# the corpus (compressed JSON lines, BEIR fields) with the model's 512-token limit
gk-tokenize -m "$m" "$corpus" >"$T/corpus.gk" 2>"$T/err"
grep -q "^gk-tokenize: 2 of 2000 records truncated to 512 tokens$" "$T/err" || fail "truncation report: $(cat "$T/err")"
id_ids "$T/corpus.gk" >"$T/corpus.jsonl"
xz -dc "$golden/tokenize/corpus-bert-512.jsonl.xz" | cmp - "$T/corpus.jsonl" || fail "corpus ids differ from HF tokenizers"
gk-cat -H "$T/corpus.gk" | head -1 | grep -q '"type":"tokens","model":"model","vocab_size":30522,"max_tokens":512' \
	|| fail "header: $(gk-cat -H "$T/corpus.gk" | head -1)"
# the BEIR title and text are kept; _id became id
gk-cat "$T/corpus.gk" | head -1 | grep -q '^{"id":"2048-qt","text":"2048 puzzle is .*","title":"2048-qt","ids":\[101,' \
	|| fail "fields: $(gk-cat "$T/corpus.gk" | head -1 | cut -c1-200)"

# the same documents from archives, ids stripped to the BEIR ids
xz -dc "$golden/tokenize/corpus-bert-512.jsonl.xz" | sort >"$T/want.sorted"
for a in debdesc-small.tar.gz debdesc-small.tar.xz debdesc-small.zip; do
	gk-tokenize -m "$m" --strip-member-path "$data/archives/$a" 2>/dev/null | id_ids | sort >"$T/got.sorted"
	cmp "$T/want.sorted" "$T/got.sorted" || fail "$a: ids differ from the corpus's"
done
# an archive on standard input
gk-tokenize -m "$m" --strip-member-path <"$data/archives/debdesc-small.tar.gz" 2>/dev/null | id_ids | sort \
	| cmp - "$T/want.sorted" || fail "archive on stdin"

# queries in Gecko's query format, limited to 32 tokens, three ways
gk-tokenize -m "$m" -n 32 --gecko query "$queries" 2>/dev/null | id_ids >"$T/q1.jsonl"
cmp "$golden/tokenize/queries-bert-gecko-32.jsonl" "$T/q1.jsonl" || fail "--gecko query differs from HF"
gk-tokenize -m "$m" -n 32 --prompt query "$queries" 2>/dev/null | id_ids | cmp - "$T/q1.jsonl" || fail "--prompt query"
gk-tokenize -m "$m" -n 32 --prefix "task: search result | query: " "$queries" 2>/dev/null | id_ids \
	| cmp - "$T/q1.jsonl" || fail "--prefix"
# a record's own task replaces the default
printf '{"id":"t","text":"x","task":"fact checking"}\n' | gk-tokenize -m "$m" --gecko query --no-special | gk-cat >"$T/task.json"
gk-tokenize -m "$m" --no-special --prefix "task: fact checking | query: " <<'E' | gk-cat | cmp - "$T/task.json" || fail "record task"
{"id":"t","text":"x","task":"fact checking"}
E

# a gk stream of text records on a pipe reads like the JSON lines it came from
# (gk-cat keeps field names as they are, so BEIR's _id is renamed here)
sed 's/^{"_id":/{"id":/' "$queries" | gk-cat --encode --type queries | gk-tokenize -m "$m" -n 32 --gecko query 2>/dev/null | id_ids \
	| cmp - "$T/q1.jsonl" || fail "stream input"

# --no-text drops the text, nothing else
gk-tokenize -m "$m" --no-text "$queries" | gk-cat | head -1 | grep -q '^{"id":"q00012","ids":\[101,' || fail "--no-text"

# pairs for cross-encoders: [CLS] text [SEP] pair [SEP], type ids 0 then 1
printf '{"id":"p","text":"hello world","query":"hi"}\n' | gk-tokenize -m "$m" --pair query | gk-cat >"$T/pair.json"
grep -q '"ids":\[101,7592,2088,102,7632,102\],"type_ids":\[0,0,0,0,1,1\]' "$T/pair.json" || fail "pair: $(cat "$T/pair.json")"
expect_error 65 "record|line 1: no \"query\" string for the pair" sh -c "printf '{\"id\":\"p\",\"text\":\"x\"}\n' | gk-tokenize -m '$m' --pair query"

# gk-cat --decode shows ids back as text, as HF's decode does for BERT
echo 'Hello, World! Ünïcode' | gk-tokenize -m "$m" | gk-cat -d "$m" \
	| grep -q '"decoded":"\[CLS\] hello, world! unicode \[SEP\]"' || fail "gk-cat --decode"

# bad input
printf 'good line\nbad \377 line\n' >"$T/bad.txt"
expect_error 65 "^gk-tokenize: .*bad.txt: line 2: .*UTF-8" gk-tokenize -m "$m" "$T/bad.txt"
printf 'good line\n\nafter\n' >"$T/blank.txt"
expect_error 65 "^gk-tokenize: .*blank.txt: line 2: .*empty" gk-tokenize -m "$m" "$T/blank.txt"
[ "$(gk-tokenize -m "$m" --empty=skip "$T/blank.txt" | gk-cat | wc -l)" = 2 ] || fail "--empty=skip"
expect_error 65 "^gk-tokenize: .*: line 1: .*text" sh -c "printf '{\"id\":\"a\",\"body\":\"x\"}\n' | gk-tokenize -m '$m'"
expect_error 66 "^gk-tokenize: .*nope" gk-tokenize -m "$T/nope" "$queries"
expect_error 66 "^gk-tokenize: $T/missing.txt: No such file" gk-tokenize -m "$m" "$T/missing.txt"
expect_error 64 "has no prompt named 'passage'" gk-tokenize -m "$m" --prompt passage "$queries"
expect_error 64 "^gk-tokenize: no model" gk-tokenize "$queries"
expect_error 64 "^gk-tokenize: --gecko: 'other'" gk-tokenize -m "$m" --gecko other "$queries"
echo "gk-tokenize: ok"
