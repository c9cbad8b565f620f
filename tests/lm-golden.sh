# Sourced by tests/lm-NAME.sh with $name set: generate the model of
# tests/golden/lm-models.txt line NAME into the build dir and compare the C
# forward pass with the committed PyTorch golden tests/golden/lm-NAME.json.
# $extra (optional) adds gen-lm options that must not change the result
# (another tensor-name layout); $tag names the work dir then.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}" "${name:?}"
args=$(grep "^$name " "$top_srcdir/tests/golden/lm-models.txt" | cut -d' ' -f2-)
[ -n "$args" ] || { echo "no line '$name' in tests/golden/lm-models.txt"; exit 99; }
work="$top_builddir/tests/tmp-lm/${tag:-$name}"
rm -rf "$work"
mkdir -p "$work"
# shellcheck disable=SC2086
"$top_builddir/tests/gen-lm" $args ${extra:-} --tokenizer-from "$top_srcdir/tests/data/models/stories260K" "$work"
for f in config.json tokenizer.json; do
	[ -s "$work/$f" ] || { echo "gen-lm wrote no $f"; exit 1; }
done
[ -s "$work/model.safetensors" ] || [ -s "$work/model.safetensors.index.json" ] ||
	{ echo "gen-lm wrote no weights"; exit 1; }
"$top_builddir/tests/unit/test-lm-golden" "$work" "$top_srcdir/tests/golden/lm-$name.json" \
	"$top_srcdir/tests/golden/lm-sequences.jsonl"
rm -rf "$work"
