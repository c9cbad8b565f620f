#!/bin/sh
# gk-truncate: Matryoshka truncation with re-normalisation, and each
# quantisation, on vectors whose answers are known by hand.
. "$top_srcdir/tests/setup.sh"
printf '%s\n' '{"id":"a","vector":[3,4,12,0],"x-keep":"me"}' '{"id":"b","vector":[0,0,0,0]}' \
	'{"id":"c","vector":[1,-1,2,-2,0.5,-0.5,3,-3,1]}' >"$T/in.json"
head -2 "$T/in.json" | gk-cat -e >"$T/v4.gk"
tail -1 "$T/in.json" | gk-cat -e >"$T/v9.gk"

# the first 2 of (3,4,12,0) re-normalised are (0.6, 0.8); other fields pass through;
# a zero vector stays zero
gk-truncate -d 2 "$T/v4.gk" | gk-cat -H >"$T/out.json"
cat >"$T/want.json" <<'W'
{"gk":1,"type":"vectors","dim":2,"dtype":"f32","normalized":true}
{"id":"a","vector":[0.6,0.8],"x-keep":"me"}
{"id":"b","vector":[0,0]}
W
cmp "$T/out.json" "$T/want.json" || fail "truncate to 2: $(cat "$T/out.json")"

# without re-normalising the values are kept as they are
gk-truncate --dims 3 --no-normalize <"$T/v4.gk" | gk-cat | head -1 | grep -q '"vector":\[3,4,12\]' || fail "--no-normalize"

# int8: scale = max|v|/127 of the normalised vector; 12/13 becomes 127
gk-truncate -t int8 "$T/v4.gk" | gk-cat | head -1 >"$T/int8.json"
grep -q '"vector":\[32,42,127,0\],"x-keep":"me","scale":0.0072683' "$T/int8.json" || fail "int8: $(cat "$T/int8.json")"

# binary: sign bits, first dimension in the high bit: 1,0,1,0,1,0,1,0 | 1 -> 170, 128
gk-truncate -t binary "$T/v9.gk" | gk-cat -H >"$T/bin.json"
grep -q '"dim":9,"dtype":"binary"' "$T/bin.json" || fail "binary header: $(head -1 "$T/bin.json")"
grep -q '"vector":\[170,128\]' "$T/bin.json" || fail "binary: $(cat "$T/bin.json")"

# f16 keeps what f16 can hold: 0.6 and 0.8 rounded to 11 significant bits
gk-truncate -d 2 -t f16 "$T/v4.gk" | gk-cat | head -1 | grep -q "\"vector\":\\[0.60009766,0.7998047\\]" || fail "f16 output"
gk-truncate -d 2 -t f16 "$T/v4.gk" | gk-truncate -d 1 | gk-cat | head -1 | grep -q '"vector":\[1\]' || fail "f16 input"

# errors
expect_error 64 "^gk-truncate: --dims 5 is larger than the input's 4 dimensions$" gk-truncate -d 5 "$T/v4.gk"
gk-truncate -t int8 "$T/v4.gk" >"$T/q.gk"
expect_error 65 "already quantised \(int8\): truncate before quantising" gk-truncate -d 2 "$T/q.gk"
expect_error 64 "^gk-truncate: --dtype: 'f64' is not one of" gk-truncate -t f64 "$T/v4.gk"
expect_error 65 "^gk-truncate: .*: this is a 'text' stream, but a 'vectors' stream is wanted here" \
	gk-truncate "$golden/cat/text.gk"
head -c 60 "$T/v4.gk" >"$T/cut.gk"
expect_error 65 "^gk-truncate: .*cut.gk: record 1 \(byte [0-9]+\): input ends in the middle" gk-truncate "$T/cut.gk"
# the output of a failed run is never mistaken for a complete stream: it has no
# trailer (here: nothing at all, the header was still buffered)
gk-truncate "$T/cut.gk" 2>/dev/null >"$T/partial.gk" || true
expect_error 65 "stream cut short|empty input" gk-cat "$T/partial.gk"
echo "gk-truncate: ok"
