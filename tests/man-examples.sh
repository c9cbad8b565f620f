#!/bin/sh
# The EXAMPLES of every man page run: each line starting with "$ " (with
# its "\e" continuation lines) is a shell command, run in a fresh directory
# holding what the examples name: model/ (a generated model of
# all-MiniLM-L6-v2's shape), corpus.jsonl (300 records of the sample) and
# queries.jsonl (20), corpus.tar.gz, tokens.gk, hidden.gk and corpus.gk (the
# corpus through each stage), queries.gk, shard-1.gk and shard-2.gk (the
# corpus in two), hits.gk (the queries' top 20), lm/ (stories260K),
# embeddinggemma/ and qwen3-embedding/ (tests/make-gecko.sh), xenc/ (a tiny
# random BertForSequenceClassification cross-encoder), qrels/test.tsv.  Every
# command must exit 0.
. "$top_srcdir/tests/setup.sh"
base="$T/base"
make_model "$base/model" --shape minilm --seed 7 --pooling mean --normalize
xz -dc "$data/debdesc-small/corpus.jsonl.xz" | head -300 >"$base/corpus.jsonl"
head -20 "$data/debdesc-small/queries.jsonl" >"$base/queries.jsonl"
cp "$data/archives/debdesc-small.tar.gz" "$base/corpus.tar.gz"
gk-tokenize -m "$base/model" "$base/corpus.jsonl" >"$base/tokens.gk"
gk-encode -m "$base/model" "$base/tokens.gk" >"$base/hidden.gk"
gk-pool -m "$base/model" "$base/hidden.gk" >"$base/corpus.gk"
gk-tokenize -m "$base/model" "$base/queries.jsonl" | gk-encode -m "$base/model" \
	| gk-pool -m "$base/model" >"$base/queries.gk"
gk-cat -H "$base/corpus.gk" >"$T/corpus.json"
head -151 "$T/corpus.json" | gk-cat -e >"$base/shard-1.gk"
(head -1 "$T/corpus.json"; tail -n +152 "$T/corpus.json") | gk-cat -e >"$base/shard-2.gk"
gk-knn -k 20 "$base/corpus.gk" <"$base/queries.gk" >"$base/hits.gk"
ln -s "$data/models/stories260K" "$base/lm"
# Gecko-class models (tiny, real layout), linked so each page's copy is cheap
sh "$top_srcdir/tests/make-gecko.sh" "$T/gecko/embeddinggemma" embeddinggemma
sh "$top_srcdir/tests/make-gecko.sh" "$T/gecko/qwen3-embedding" qwen3-embedding
ln -s "$T/gecko/embeddinggemma" "$T/gecko/qwen3-embedding" "$base/"
make_model "$base/xenc" --seed 5 --no-st --classifier 1
mkdir -p "$base/qrels"
cp "$data/debdesc-small/qrels/test.tsv" "$base/qrels/"
ln -s "$top_srcdir/tests" "$base/tests"

n=0
for page in "$top_srcdir"/man/*.[0-9]; do
	# the commands of the EXAMPLES section, one per line, continuations joined
	awk '
		/^\.Sh / { in_ex = ($2 == "EXAMPLES") ; next }
		!in_ex { next }
		{ sub(/^\.Dl /, "") }
		cont { line = line "\n" $0 }
		!cont && /^\$ / { line = substr($0, 3) }
		(cont || /^\$ /) {
			cont = /\\e$/
			if (!cont) { print line; line = "" }
		}
	' "$page" | sed 's/\\e$/\\/; s/\\en/\\n/g; s/\\(aq/'"'"'/g' >"$T/examples.sh"
	[ -s "$T/examples.sh" ] || continue
	rm -rf "$T/run" && cp -r "$base" "$T/run"
	(cd "$T/run" && sh -e "$T/examples.sh" >"$T/out" 2>"$T/err") \
		|| fail "$(basename "$page"): an example failed: $(cat "$T/err") in: $(cat "$T/examples.sh")"
	n=$((n + $(grep -c . "$T/examples.sh")))
done
[ "$n" -ge 10 ] || fail "only $n example commands found"
echo "man examples: $n commands ran"
