#!/bin/sh
# gk-cat against golden pairs: each tests/golden/cat/NAME.json encodes to
# exactly NAME.gk (made by Python's msgpack, see make-goldens.py there), and
# NAME.gk prints back as exactly NAME.json.
. "$top_srcdir/tests/setup.sh"
n=0
for json in "$golden"/cat/*.json; do
	gk=${json%.json}.gk
	gk-cat --encode "$json" >"$T/out.gk"
	cmp "$T/out.gk" "$gk" || fail "gk-cat --encode $json differs from $gk"
	gk-cat --header "$gk" >"$T/out.json"
	cmp "$T/out.json" "$json" || fail "gk-cat --header $gk differs from $json"
	# records alone, without the header line
	gk-cat "$gk" >"$T/records.json"
	tail -n +2 "$json" | cmp - "$T/records.json" || fail "gk-cat $gk: records differ"
	n=$((n + 1))
done
[ "$n" -ge 9 ] || fail "only $n golden files"

# several inputs are one stream; '-' is standard input
gk-cat "$golden/cat/hits.gk" - <"$golden/cat/hits.gk" >"$T/two.json"
[ "$(wc -l <"$T/two.json")" = 4 ] || fail "two concatenated hits streams should give 4 records"
cat "$golden/cat/hits.gk" "$golden/cat/hits.gk" | gk-cat --encode >"$T/two.gk"
gk-cat "$T/two.gk" | cmp - "$T/two.json" || fail "concatenated stream on stdin"

# JSON lines without a header: the type is inferred from the fields
printf '{"id":"v","vector":[1,0.5]}\n' | gk-cat --encode | gk-cat --header >"$T/inferred.json"
head -1 "$T/inferred.json" | grep -q '"type":"vectors","dim":2,"dtype":"f32"' || fail "vectors type not inferred: $(head -1 "$T/inferred.json")"
printf '{"id":"x","text":"t"}\n' | gk-cat --encode --type text | gk-cat -H | head -1 | grep -q '"type":"text"' || fail "text type"

# --help and --version
gk-cat --help | grep -q "^Usage: gk-cat" || fail "--help"
gk-cat --version | grep -Eq "^gk-cat \(gk\) [0-9]" || fail "--version"
echo "gk-cat golden: $n pairs"
