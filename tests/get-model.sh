#!/bin/sh
# examples/get-model.sh against a stand-in hub on loopback (tests/hub-server.py)
# serving a generated model in the hub's URL layout: every file arrives
# intact, a second run fetches nothing, a cut download resumes, a missing
# repository is an error.
. "$top_srcdir/tests/setup.sh"
command -v python3 >/dev/null && command -v curl >/dev/null || { echo "needs python3 and curl" >&2; exit 77; }
repo=org/tiny-model
served="$T/hub/$repo/resolve/main"
make_model "$served" --shape tiny --seed 3 --pooling cls --dense 24:tanh --normalize --shards 2
python3 "$top_srcdir/tests/hub-server.py" "$T/hub" >"$T/port" &
server=$!
trap 'kill $server 2>/dev/null; rc=$?; exit' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/port" ] && break; sleep 0.2; done
export HF_ENDPOINT="http://127.0.0.1:$(cat "$T/port")"
get="$top_srcdir/examples/get-model.sh"

"$get" "$repo" "$T/got" 2>"$T/log"
(cd "$served" && find . -type f | sort) >"$T/want.list"
(cd "$T/got" && find . -type f | sort) >"$T/got.list"
cmp "$T/want.list" "$T/got.list" || fail "files differ: $(diff "$T/want.list" "$T/got.list")"
while read -r f; do cmp "$served/$f" "$T/got/$f" || fail "$f differs"; done <"$T/want.list"
grep -q "2_Dense/model.safetensors" "$T/got.list" || fail "the Dense module's weights were not fetched"
# the downloaded model runs
printf '{"id":"a","text":"hello"}\n' | gk-tokenize -m "$T/got" | gk-encode -m "$T/got" | gk-pool -m "$T/got" \
	| gk-cat | grep -q '"vector":\[' || fail "the downloaded model does not run"

# nothing is fetched twice
"$get" "$repo" "$T/got" 2>"$T/log2"
! grep -q "bytes)" "$T/log2" || fail "second run fetched again: $(cat "$T/log2")"

# an interrupted download resumes from its .part file
shard=$(grep -o 'model-[0-9]*-of-[0-9]*.safetensors' "$T/want.list" | head -1)
size=$(wc -c <"$served/$shard")
head -c $((size / 2)) "$served/$shard" >"$T/got/$shard.part"
rm "$T/got/$shard"
"$get" "$repo" "$T/got" 2>"$T/log3"
cmp "$served/$shard" "$T/got/$shard" || fail "resumed shard differs"
[ ! -e "$T/got/$shard.part" ] || fail ".part left behind"

# a repository that is not there
status=0
"$get" org/none "$T/none" 2>"$T/log4" || status=$?
[ "$status" = 66 ] || fail "missing repo: status $status"
grep -q "org/none has no config.json" "$T/log4" || fail "missing repo message: $(cat "$T/log4")"
echo "get-model: ok"
