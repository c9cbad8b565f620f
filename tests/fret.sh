#!/bin/sh
# The whole FRet pipeline (examples/fret.sh) on 300 documents of the sample
# with the small models: every generated query becomes a training example
# whose positive and negative are corpus passages and whose seed is one of
# the sampled seeds, with its fused rank.
. "$top_srcdir/tests/setup.sh"
xz -dc "$data/debdesc-small/corpus.jsonl.xz" | head -300 >"$T/corpus.jsonl"
GK_OUT="$T/out" sh "$top_srcdir/examples/fret.sh" "$T/corpus.jsonl" 12 >"$T/log" 2>&1 || fail "fret.sh: $(tail -3 "$T/log")"
[ "$(gk-cat --count "$T/out/queries.gk")" = 12 ] || fail "not 12 queries"
[ "$(wc -l <"$T/out/fret.jsonl")" = 12 ] || fail "not 12 examples"
python3 - "$T/corpus.jsonl" "$T/out/fret.jsonl" <<'PY' || fail "examples do not hold together"
import json, sys
ids = {json.loads(l)["_id"] for l in open(sys.argv[1])}
for l in open(sys.argv[2]):
    e = json.loads(l)
    assert e["positive"]["id"] in ids and e["negative"]["id"] in ids
    assert e["positive"]["id"] != e["negative"]["id"]
    assert e["seed"] in ids and e["id"] == e["seed"] + "#q"
    assert 0 <= e["seed_rank"] <= 20
    assert e["query"] and e["task"] == "search result"
PY
grep -q "^fret: 12 training examples" "$T/log" || fail "summary line"
echo "fret pipeline: ok"
