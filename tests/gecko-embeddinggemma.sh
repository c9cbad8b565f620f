#!/bin/sh
# EmbeddingGemma: Gemma 3 bidirectional (symmetric sliding windows), mean
# pooling, Dense 48 -> 192 -> 48, Normalize, MRL truncation; prompts from
# config_sentence_transformers.json, the document's title from the record.
kind=embeddinggemma
. "$top_srcdir/tests/gecko-golden.sh"
check query --prompt query <"$g/queries.jsonl"
check document --prompt document <"$g/documents.jsonl"
check sts --prompt STS <"$g/queries.jsonl"
# cut to 40 tokens: <eos> stays last, as with sentence-transformers' max_seq_length
check short --prompt query -n 40 <"$g/documents.jsonl"
# the documents (up to 419 tokens: several 128-query attention blocks) are
# longer than the 16-token window, so computing every
# layer as global must give other vectors: the window is really applied
"$compare" "$gold" document-global "$T/document.jsonl" 1e-3 >/dev/null &&
	fail "documents match the all-global vectors: the sliding window has no effect"
echo "gecko-embeddinggemma: ok"
