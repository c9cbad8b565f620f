# Sourced by tests/gecko-KIND.sh with $kind set: the user's pipeline
# gk-tokenize | gk-encode | gk-pool | gk-truncate on a generated model of
# tests/make-gecko.sh against the committed goldens of
# tests/reference/make-gecko-goldens.sh (ids from HF tokenizers, vectors
# from PyTorch): ids exactly, vectors to 1e-4, before and after truncation,
# each text alone and all in one batch.
. "$top_srcdir/tests/setup.sh"
: "${kind:?}"
g="$golden/gecko"
gold="$g/$kind.json"
compare="$top_builddir/tests/unit/compare-vectors"
m="$T/$kind"
sh "$top_srcdir/tests/make-gecko.sh" "$m" "$kind"

# check SET TOKENIZE-OPTIONS... < texts: ids, vectors (alone and batched)
# and truncations against the golden SET
check() {
	set_=$1
	shift
	gk-tokenize -m "$m" "$@" >"$T/$set_.tok.gk"
	gk-cat "$T/$set_.tok.gk" >"$T/$set_.tok.jsonl"
	"$compare" "$gold" "$set_-ids" "$T/$set_.tok.jsonl" 0 ids || fail "$kind $set_: token ids"
	for b in 1 100000; do  # one text per batch; all texts in one batch
		gk-encode -m "$m" -j 2 -b $b "$T/$set_.tok.gk" | gk-pool -m "$m" >"$T/$set_.vec.gk"
		gk-cat "$T/$set_.vec.gk" >"$T/$set_.jsonl"
		"$compare" "$gold" "$set_" "$T/$set_.jsonl" 1e-4 || fail "$kind $set_ (batch-tokens $b)"
	done
	for key in $(grep -o "\"$set_-t[0-9]*\"" "$gold" | tr -d '"'); do
		gk-truncate -d "${key##*-t}" "$T/$set_.vec.gk" | gk-cat >"$T/$key.jsonl"
		"$compare" "$gold" "$key" "$T/$key.jsonl" 1e-4 || fail "$kind $key"
	done
}
