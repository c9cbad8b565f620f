#!/bin/sh
# sample.sh - the main job on the bundled sample corpus, with what gk has
# so far: the corpus (BEIR JSON lines) becomes a gk stream and back, and a
# few vectors are truncated Matryoshka-style.  Later stages join as they land.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
corpus="$top/tests/data/debdesc-small/corpus.jsonl"
out=${GK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gk-sample.XXXXXX")}

echo "sample: $corpus -> $out"
gk-cat --encode --type text "$corpus" >"$out/corpus.gk"
n=$(gk-cat "$out/corpus.gk" | wc -l)
echo "sample: $n documents in $out/corpus.gk ($(wc -c <"$out/corpus.gk") bytes)"
gk-cat "$out/corpus.gk" | head -1 | cut -c1-160
