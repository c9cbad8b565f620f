#!/bin/sh
# gk-encode | gk-pool against the PyTorch reference's goldens, through the
# programs and streams a user runs: every pooling mode, Dense layers,
# normalisation, f16 weights in shards, and batch-size invariance.
. "$top_srcdir/tests/setup.sh"
seqs="$golden/sequences.jsonl"
compare="$top_builddir/tests/unit/compare-vectors"
golden_model() {  # NAME: generate the model of tests/golden/models.txt line NAME into $T/NAME
	# shellcheck disable=SC2046
	make_model "$T/$1" $(grep "^$1 " "$golden/models.txt" | cut -d' ' -f2-)
}
# tokens.gk: the sequences a golden file covers (its "sequences", 0..N-1)
tokens_for() {
	n=$(grep -o '"sequences": \[[0-9, ]*\]' "$golden/$1.json" | tr -cd ',' | wc -c)
	head -n $((n + 1)) "$seqs" | gk-cat --encode --type tokens >"$T/tokens.gk"
}
tokens_for tiny-f32

# tiny-f32 has no Dense layer: each pooling mode against the reference
golden_model tiny-f32
gk-encode -m "$T/tiny-f32" -j 2 "$T/tokens.gk" >"$T/hidden.gk"
for mode in mean cls max mean_sqrt_len lasttoken; do
	gk-pool -p "$mode" --no-normalize "$T/hidden.gk" | gk-cat >"$T/$mode.jsonl"
	"$compare" "$golden/tiny-f32.json" "$mode" "$T/$mode.jsonl" 1e-4 || fail "tiny-f32 $mode"
done
# the per-token hidden states themselves
gk-cat "$T/hidden.gk" >"$T/hidden.jsonl"
"$compare" "$golden/tiny-f32.json" hidden "$T/hidden.jsonl" 1e-4 hidden || fail "tiny-f32 hidden states"

# the same text alone or in a batch gives the same vector (1e-6)
gk-encode -m "$T/tiny-f32" -b 1 "$T/tokens.gk" | gk-pool -m "$T/tiny-f32" | gk-cat >"$T/alone.jsonl"
gk-encode -m "$T/tiny-f32" -b 100000 "$T/tokens.gk" | gk-pool -m "$T/tiny-f32" | gk-cat >"$T/batched.jsonl"
printf '{"b":{' >"$T/batched.json"
awk '{ sub(/^.*"vector":/, ""); sub(/}$/, ""); printf "%s\"%d\":%s", (NR > 1 ? "," : ""), NR - 1, $0 }' "$T/batched.jsonl" >>"$T/batched.json"
printf '}}\n' >>"$T/batched.json"
"$compare" "$T/batched.json" b "$T/alone.jsonl" 1e-6 || fail "batch of 1 vs one batch"

# the models' own sentence-transformers pipelines (Dense, Normalize, f16/bf16, shards)
for name in tiny-f16 tiny-bf16 minilm-f32; do
	golden_model "$name"
	tokens_for "$name"
	gk-encode -m "$T/$name" "$T/tokens.gk" | gk-pool -m "$T/$name" | gk-cat >"$T/$name.jsonl"
	"$compare" "$golden/$name.json" pipeline "$T/$name.jsonl" 1e-4 || fail "$name pipeline"
	rm -rf "${T:?}/$name"
done

# bad input: an id outside the vocabulary names its record
printf '{"id":"ok","ids":[101,102]}\n{"id":"bad","ids":[101,99999,102]}\n' | gk-cat -e >"$T/bad.gk"
expect_error 65 "^gk-encode: .*bad.gk: record 2 \(byte [0-9]+\): token id 99999 at position 1 is outside the model's vocabulary \(30522\)$" \
	gk-encode -m "$T/tiny-f32" "$T/bad.gk"
printf '{"id":"empty","ids":[]}\n' | gk-cat -e >"$T/empty.gk"
expect_error 65 "record 1 .*: no tokens to encode" gk-encode -m "$T/tiny-f32" "$T/empty.gk"
expect_error 66 "^gk-encode: .*nowhere.*config.json" gk-encode -m "$T/nowhere" "$T/tokens.gk"
expect_error 64 "^gk-encode: no model" gk-encode "$T/tokens.gk"
echo "pipeline-bert: ok"
