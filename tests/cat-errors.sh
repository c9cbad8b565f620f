#!/bin/sh
# gk-cat on bad input: one clear message (program, input, record, byte,
# what is wrong) and the documented exit status, never a crash.
. "$top_srcdir/tests/setup.sh"
v="$golden/cat/vectors-f32.gk"
size=$(wc -c <"$v")

# not a stream at all
printf 'hello\n' >"$T/text.txt"
expect_error 65 "^gk-cat: .*text.txt: header \(byte 0\): a record must be a map" gk-cat "$T/text.txt"
bytes c1c1c1 >"$T/junk"
expect_error 65 "^gk-cat: .*junk: header \(byte 0\): not MessagePack: byte 0xc1 at offset 0" gk-cat "$T/junk"

# empty input, missing input
: >"$T/empty"
expect_error 65 "^gk-cat: .*empty: empty input, not a gk stream$" gk-cat "$T/empty"
expect_error 66 "^gk-cat: $T/nope.gk: No such file or directory$" gk-cat "$T/nope.gk"

# truncated in the middle of record 2, which starts at byte 76
head -c 96 "$v" >"$T/cut.gk"
expect_error 65 "^gk-cat: .*cut.gk: record 2 \(byte 76\): input ends in the middle of an object" gk-cat "$T/cut.gk"

# the trailer is missing: the writer was cut short after 3 records
head -c $((size - 9)) "$v" >"$T/notrailer.gk"
expect_error 65 "^gk-cat: .*notrailer.gk: stream cut short: it ends after 3 records without its trailer" gk-cat "$T/notrailer.gk"
# ... and nothing of it is lost silently in a pipeline either
expect_error 65 "^gk-cat: <stdin>: stream cut short" sh -c "gk-cat --encode <'$T/notrailer.gk' >/dev/null"

# a header of another format version: {"gk": 2, "type": "text"}
bytes 82a2676b02a474797065a474657874 >"$T/v2.gk"
expect_error 65 "^gk-cat: .*v2.gk: header \(byte 0\): stream format version 2, but this gk reads version 1$" gk-cat "$T/v2.gk"

# payload length disagreeing with dtype and shape: dim 3, a vector of 2 floats
bytes 84a2676b01a474797065a7766563746f7273a364696d03a56474797065a3663332 >"$T/short.gk"
bytes 81a6766563746f72c4080000803f0000803f81a6676b5f656e6401 >>"$T/short.gk"
expect_error 65 "^gk-cat: .*short.gk: record 1 \(byte 33\): \"vector\" holds 8 bytes, but 1 x 3 f32 values take 12$" gk-cat "$T/short.gk"

# the trailer disagrees with the records before it

bytes 82a2676b01a474797065a47465787481a269640181a6676b5f656e6405 >"$T/count.gk"
expect_error 65 "^gk-cat: .*count.gk: record 2 \(byte [0-9]+\): trailer counts 5 records, but 1 came before it" gk-cat "$T/count.gk"

# concatenating streams of different kinds
expect_error 65 "hits.gk: header \(byte 0\): header differs from the first input's" gk-cat "$v" "$golden/cat/hits.gk"

# bad JSON lines
printf '{"gk":1,"type":"text"}\n{"id": "a", oops}\n' >"$T/bad.json"
expect_error 65 "^gk-cat: .*bad.json: line 2: column [0-9]+: " gk-cat "$T/bad.json"

# a full disk: one message, exit 74, for both output forms
expect_error 74 "^gk-cat: <stdout>: write error: No space left on device$" sh -c "gk-cat --encode '$v' >/dev/full"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "{\"id\":\"r%d\",\"text\":\"some text to fill a buffer\"}\n", i }' >"$T/big.json"
expect_error 74 "^gk-cat: write error: No space left on device$" sh -c "gk-cat '$T/big.json' >/dev/full"

# a closed pipe downstream ends gk-cat quietly
gk-cat --encode "$T/big.json" >"$T/big.gk"
gk-cat "$T/big.gk" 2>"$T/pipe.err" | head -1 >/dev/null
[ ! -s "$T/pipe.err" ] || fail "gk-cat | head wrote to stderr: $(cat "$T/pipe.err")"

# usage errors
status=0
gk-cat --frobnicate 2>"$T/usage.err" || status=$?
[ "$status" = 64 ] || fail "unknown option: exit status $status, want 64"
grep -q "^gk-cat: unrecognized option '--frobnicate'" "$T/usage.err" || fail "unknown option not named: $(cat "$T/usage.err")"
grep -q "^Try 'gk-cat --help'" "$T/usage.err" || fail "no hint to try --help"
echo "gk-cat bad inputs: all rejected as expected"
