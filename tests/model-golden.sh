# Sourced by tests/model-NAME.sh with $name set: generate the model of
# tests/golden/models.txt line NAME into the build dir and compare the C
# forward pass with the committed PyTorch golden tests/golden/NAME.json.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}" "${name:?}"
args=$(grep "^$name " "$top_srcdir/tests/golden/models.txt" | cut -d' ' -f2-)
[ -n "$args" ] || { echo "no line '$name' in tests/golden/models.txt"; exit 99; }
work="$top_builddir/tests/tmp-models/$name"
rm -rf "$work"
mkdir -p "$work/tokenizer"
src="$top_srcdir/tests/data/models-src/bert"
cp "$src/vocab.txt" "$src/tokenizer_config.json" "$work/tokenizer/"
xz -dc "$src/tokenizer.json.xz" > "$work/tokenizer/tokenizer.json"
# shellcheck disable=SC2086
"$top_builddir/tests/gen-model" $args --vocab-from "$work/tokenizer" "$work/model"
for f in config.json vocab.txt tokenizer.json tokenizer_config.json; do
	[ -s "$work/model/$f" ] || { echo "gen-model wrote no $f"; exit 1; }
done
ref=
case $name in tiny-*) ref=--reference ;; esac
"$top_builddir/tests/unit/test-model-golden" "$work/model" "$top_srcdir/tests/golden/$name.json" \
	"$top_srcdir/tests/golden/sequences.jsonl" $ref
rm -rf "$work"
