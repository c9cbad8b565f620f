#!/bin/sh
# gk-relabel end to end on a small corpus with a random tiny Qwen2: every
# candidate's QL and RC score equals the PyTorch reference's on token ids
# from HuggingFace tokenizers (tests/golden/relabel, made by
# tests/reference/make-relabel-goldens.sh), the positive, negative and seed
# rank follow from them; the real stories260K runs too; bad input.
. "$top_srcdir/tests/setup.sh"
g="$golden/relabel"
m="$T/qwen2"
"$top_builddir/tests/gen-lm" --family qwen2 --seed 21 --tokenizer-from "$data/models/stories260K" "$m" >/dev/null
sed -i 's/"max_position_embeddings": *[0-9]*/"max_position_embeddings": 1024/' "$m/config.json"
gk-cat -e "$g/hits.json" >"$T/hits.gk"
relabel() {
	gk-relabel --lm "$m" --passages "$g/passages.jsonl" -n 4 --ql-template "$g/ql.txt" --rc-template "$g/rc.txt" "$@"
}
relabel --scores "$T/hits.gk" 2>"$T/summary" | gk-cat >"$T/out.jsonl"
grep -q "^gk-relabel: 3 queries; the positive is not the seed passage in 1 of the 2 with a seed; 0 passages cut" "$T/summary" \
	|| fail "summary: $(cat "$T/summary")"
python3 - "$g/scores-qwen2.jsonl" "$T/out.jsonl" <<'PY' || fail "scores or choices differ from the reference"
import json, sys
gold = [json.loads(l) for l in open(sys.argv[1])]
out = [json.loads(l) for l in open(sys.argv[2])]
assert len(gold) == len(out) == 3, (len(gold), len(out))
worst = 0.0
for g, o in zip(gold, out):
    s = o["scores"]
    for i, c in enumerate(s):
        worst = max(worst, abs(c["ql"] - g["ql"][i]), abs(c["rc"] - g["rc"][i]))
    # ranks from the reference's scores, ties to the earlier candidate
    def ranks(v):
        return [1 + sum(1 for j in range(len(v)) if v[j] > v[i] or (v[j] == v[i] and j < i)) for i in range(len(v))]
    rq, rr = ranks(g["ql"]), ranks(g["rc"])
    fused = [1 / a + 1 / b for a, b in zip(rq, rr)]
    rank = ranks(fused)
    assert [c["rank"] for c in s] == rank, (o["id"], rank)
    assert o["positive"]["id"] == s[rank.index(1)]["id"], o["id"]
    assert o["negative"]["id"] == s[rank.index(len(s))]["id"], o["id"]
    if "seed" in o:
        assert o["seed_rank"] == next(c["rank"] for c in s if c["id"] == o["seed"]), o["id"]
    assert "hits" not in o and o["query"] == o["text"]
assert out[1]["task"] == "question answering" and out[0]["task"] == "search result"
print("max |diff| %.3g" % worst)
assert worst <= 1e-4, worst
PY

# one scorer: the positive is that scorer's best; a random negative is
# reproducible and never the positive
relabel --scorer ql --scores "$T/hits.gk" 2>/dev/null | gk-cat >"$T/ql.jsonl"
python3 - "$g/scores-qwen2.jsonl" "$T/ql.jsonl" <<'PY' || fail "--scorer ql"
import json, sys
gold = [json.loads(l) for l in open(sys.argv[1])]
out = [json.loads(l) for l in open(sys.argv[2])]
for g, o in zip(gold, out):
    best = max(range(len(g["ql"])), key=lambda i: (g["ql"][i], -i))
    assert o["positive"]["id"] == o["scores"][best]["id"], o["id"]
PY
relabel --negative random --seed 5 "$T/hits.gk" 2>/dev/null | gk-cat >"$T/r1.jsonl"
relabel --negative random --seed 5 "$T/hits.gk" 2>/dev/null | gk-cat | cmp - "$T/r1.jsonl" || fail "--negative random not reproducible"
relabel --negative 2 --scores "$T/hits.gk" 2>/dev/null | gk-cat >"$T/n2.jsonl"
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert o["negative"]["id"] == next(c["id"] for c in o["scores"] if c["rank"] == 2)
' "$T/n2.jsonl" || fail "--negative 2"

# the real stories260K model runs the default templates
gk-relabel --lm "$data/models/stories260K" --passages "$g/passages.jsonl" -n 4 "$T/hits.gk" 2>/dev/null \
	| gk-cat | grep -c '"positive":{"id":"p' | grep -qx 3 || fail "stories260K relabelling"

# --cross-encoder: RC scores are a random tiny BertForSequenceClassification's
# logits on (query, title + text) pairs cut to 24 tokens, equal to the
# PyTorch reference's on HF tokenizers' pairs (tests/golden/relabel/
# scores-xenc.jsonl, made by tests/reference/make-xenc-goldens.sh); QL still
# from the LM, and the fusion follows from both goldens
xe="$T/xenc"
make_model "$xe" --seed 31 --no-st --classifier 1
sed -i 's/"model_max_length": *[0-9]*/"model_max_length": 24/' "$xe/tokenizer_config.json"
relabel --cross-encoder "$xe" --scores "$T/hits.gk" 2>/dev/null | gk-cat >"$T/xboth.jsonl"
gk-relabel --cross-encoder "$xe" --scorer rc --passages "$g/passages.jsonl" -n 4 --scores "$T/hits.gk" 2>/dev/null \
	| gk-cat >"$T/xrc.jsonl"
python3 - "$g/scores-qwen2.jsonl" "$g/scores-xenc.jsonl" "$T/xboth.jsonl" "$T/xrc.jsonl" <<'PY' || fail "--cross-encoder scores or choices differ from the reference"
import json, sys
ql = [json.loads(l) for l in open(sys.argv[1])]
xe = [json.loads(l) for l in open(sys.argv[2])]
both = [json.loads(l) for l in open(sys.argv[3])]
rconly = [json.loads(l) for l in open(sys.argv[4])]
assert len(ql) == len(xe) == len(both) == len(rconly) == 3
def ranks(v):
    return [1 + sum(1 for j in range(len(v)) if v[j] > v[i] or (v[j] == v[i] and j < i)) for i in range(len(v))]
worst = 0.0
for q, x, o, r in zip(ql, xe, both, rconly):
    assert [c["id"] for c in o["scores"]] == x["ids"] == [c["id"] for c in r["scores"]], o["id"]
    for i, (c, d) in enumerate(zip(o["scores"], r["scores"])):
        worst = max(worst, abs(c["rc"] - x["rc"][i]), abs(d["rc"] - x["rc"][i]), abs(c["ql"] - q["ql"][i]))
        assert d["ql"] is None
    rq, rr = ranks(q["ql"]), ranks(x["rc"])
    rank = ranks([1 / a + 1 / b for a, b in zip(rq, rr)])
    assert [c["rank"] for c in o["scores"]] == rank, (o["id"], rank)
    assert o["positive"]["id"] == o["scores"][rank.index(1)]["id"], o["id"]
    assert o["negative"]["id"] == o["scores"][rank.index(len(rank))]["id"], o["id"]
    assert [c["rank"] for c in r["scores"]] == rr, (r["id"], rr)
    assert r["positive"]["id"] == x["ids"][rr.index(1)], r["id"]
print("cross-encoder max |diff| %.3g" % worst)
assert worst <= 1e-4, worst
PY
# not a cross-encoder, or one without its heads
make_model "$T/plain" --seed 3 --no-st
expect_error 65 "config.json: architecture 'BertModel' is not a cross-encoder gk can run \(only BertForSequenceClassification\)" \
	gk-relabel --cross-encoder "$T/plain" --scorer rc --passages "$g/passages.jsonl" "$T/hits.gk"
make_model "$T/nohead" --seed 3 --no-st --pooler
sed -i 's/"BertModel"/"BertForSequenceClassification"/' "$T/nohead/config.json"
expect_error 65 "nohead: no tensor 'classifier.weight': not a BertForSequenceClassification checkpoint" \
	gk-relabel --cross-encoder "$T/nohead" --scorer rc --passages "$g/passages.jsonl" "$T/hits.gk"
cp -r "$xe" "$T/xe2"
sed -i 's/"LABEL_0"/"LABEL_0", "1": "LABEL_1"/' "$T/xe2/config.json"
expect_error 65 "tensor 'classifier.weight'.*shape" \
	gk-relabel --cross-encoder "$T/xe2" --scorer rc --passages "$g/passages.jsonl" "$T/hits.gk"
expect_error 64 "give the language model with --lm \(or --cross-encoder with --scorer rc\)" \
	gk-relabel --cross-encoder "$xe" --passages "$g/passages.jsonl" "$T/hits.gk"
expect_error 64 "--scorer ql uses none" relabel --cross-encoder "$xe" --scorer ql "$T/hits.gk"

# bad input
printf '{"gk":1,"type":"hits"}\n{"id":"q","hits":[{"id":"p1","score":1.0}]}\n' | gk-cat -e >"$T/notext.gk"
expect_error 65 "^gk-relabel: .*record 1 .*no query text" relabel -n 1 "$T/notext.gk"
printf '{"gk":1,"type":"hits"}\n{"id":"q","text":"t","hits":[{"id":"p1","score":1.0},{"id":"nope","score":0.5}]}\n' | gk-cat -e >"$T/unknown.gk"
expect_error 65 "^gk-relabel: .*record 1 .*hit 2: passage 'nope' is not in the passages" relabel -n 2 "$T/unknown.gk"
expect_error 65 "^gk-relabel: .*record 1 .*4 hits, but --candidates 5 asks for more" relabel -n 5 "$T/hits.gk"
expect_error 66 "nothing.jsonl" gk-relabel --lm "$m" --passages "$T/nothing.jsonl" "$T/hits.gk"
expect_error 64 "give the language model with --lm" gk-relabel --passages "$g/passages.jsonl" "$T/hits.gk"
expect_error 65 "'vectors' stream, but a 'hits' stream is wanted" relabel "$golden/cat/vectors-f32.gk"
echo "gk-relabel: ok"
