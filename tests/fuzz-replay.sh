#!/bin/sh
# Replay the fuzz harnesses (fuzz/fuzz-*.c, built with fuzz/replay.c as
# main) on the saved crash inputs and on the tests' own files: whatever
# they are fed, the readers return errors and never crash.
. "$top_srcdir/tests/setup.sh"
reg="$top_srcdir/tests/fuzz-regressions"
run() {  # NAME FILE...: the harness must exit 0 (a crash or sanitizer report fails)
	name=$1
	shift
	"$top_builddir/tests/fuzz-replay-$name" "$@" || fail "harness $name crashed on one of: $*"
}
files() { find "$@" -type f 2>/dev/null | sort; }
# shellcheck disable=SC2046
run stream $(files "$reg/stream" "$golden/cat") "$data/debdesc-small/queries.jsonl"
# shellcheck disable=SC2046
run input $(files "$reg/input" "$data/archives") "$data/debdesc-small/corpus.jsonl.xz"
xz -dc "$data/tokenizers/gpt-2/tokenizer.json.xz" >"$T/gpt2.json"
head -c 5000 "$T/gpt2.json" >"$T/cut.json"
# shellcheck disable=SC2046
run tokenizer $(files "$reg/tokenizer") "$T/gpt2.json" "$T/cut.json"
printf '\020\000\000\000\000\000\000\000{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}\000\000\200\077' >"$T/one.st"
printf '\020\000\000\000\000\000\000\000{"a":{"dtype":"F32","shape":[9],"data_offsets":[0,4]}}' >"$T/bad.st"
# shellcheck disable=SC2046
run safetensors $(files "$reg/safetensors") "$T/one.st" "$T/bad.st"
# shellcheck disable=SC2046
run config $(files "$reg/config") "$data/models/stories260K/config.json" "$data/models-src/bert/tokenizer_config.json"
printf '{"id":"a","vector":[1,0]}\n{"id":"b","vector":[0,1]}\n' | gk-cat -e >"$T/v.gk"
gk-knn --build -t int8 --nlist 2 -o "$T/ivf.gki" "$T/v.gk"
head -c 200 "$T/ivf.gki" >"$T/cut.gki"
# shellcheck disable=SC2046
run index $(files "$reg/index") "$T/ivf.gki" "$T/cut.gki"
# gguf: the real model, and copies cut short inside the metadata and the data
gguf="$data/models/stories260K/stories260K-f32.gguf"
head -c 2000 "$gguf" >"$T/cut-meta.gguf"
head -c 600000 "$gguf" >"$T/cut-data.gguf"
# shellcheck disable=SC2046
run gguf $(files "$reg/gguf") "$gguf" "$T/cut-meta.gguf" "$T/cut-data.gguf"
echo "fuzz replay: ok"
