#!/bin/sh
# bench/encode.sh - encoder speed (issue 4): gk-encode beside OpenBLAS's sgemm
# on the same GEMM shapes and beside the two peers a user would pick instead,
# PyTorch and ONNX Runtime, on the same inputs and thread counts.
#
#   bench/encode.sh [--full] [--no-mem]      (from a configured tree)
#
# Models: random weights (speed does not depend on values) in the shapes of
# all-MiniLM-L6-v2 (6 layers, 384, FFN 1536) and bge-base-en-v1.5 (12 layers,
# 768, FFN 3072), from tests/gen-model.  Inputs (bench/encode-inputs.py, fixed
# seeds): (a) "short", sequences of 16..128 tokens, (b) "long", sequences of
# 512 tokens, as token-id JSON lines turned into a tokens stream by gk-cat
# --encode.  The issue's sets are 2000 short and 256 long sequences (--full,
# about 1.5 hours on 2 cores); by default each set is cut to its first
# sequences so that the whole run takes about 15 minutes (the table says how
# many).  For each set, shape and thread count (1, 2):
#   sgemm   bench/encode-sgemm: OpenBLAS alone on the pass's GEMMs (same run)
#   gk      gk-encode -j T FILE.gk >/dev/null, the program, wall clock
#           (model loading, stream in and out included); "lib" is
#           bench/encode-lib, gk_model_encode alone on the same batches
#           (MiniLM only unless --full, to save time)
#   torch   bench/encode-torch.py: the tests' PyTorch reference batched,
#           inference_mode, batch 32 sorted by length and padded
#   ORT     bench/encode-ort.js: that module exported to ONNX, run by
#           onnxruntime-node, intraOpNumThreads T, same batching
# GFLOP/s = 2*M*N*K over every GEMM (linear layers and attention's QK^T and
# PV) on the real, unpadded tokens, the same count for everyone
# (bench/encode-inputs.py flops); padding the peers compute is not counted.
# Before timing, the peers' hidden states on a few sequences are checked
# against gk's (bench/encode-check.py, 1e-3).  Then bench/encode-mem.sh
# checks that gk-encode's peak RSS stays flat from 100k to 1M records.
#
# Needs: /usr/bin/python3 with torch (else the torch and ORT columns are
# "-"), node with onnxruntime-node on NODE_PATH, or npm to install
# bench/peers/package.json into ${XDG_CACHE_HOME:-~/.cache}/gk-bench.
# Prints a log and then markdown tables for bench/RESULTS.md: GFLOP/s by the
# wall clock, and per CPU-second (user + sys of the timed part; robust to
# other load on the machine for one thread, but counting spin-waits with two).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
py=${PYTHON:-/usr/bin/python3}
full=0 mem=1 args=$*
for a in "$@"; do
	case $a in
	--full) full=1 ;;
	--no-mem) mem=0 ;;
	*) echo "usage: bench/encode.sh [--full] [--no-mem]" >&2; exit 64 ;;
	esac
done
# sequences per (shape, set): the issue's counts, or the cut ones
count() {
	if [ $full = 1 ]; then
		case $2 in short) echo 2000 ;; long) echo 256 ;; esac
		return
	fi
	case $1-$2 in
	minilm-short) echo "${MINILM_SHORT:-800}" ;;
	minilm-long) echo "${MINILM_LONG:-48}" ;;
	bgebase-short) echo "${BGE_SHORT:-120}" ;;
	bgebase-long) echo "${BGE_LONG:-12}" ;;
	esac
}

make -s cmd/gk-encode cmd/gk-cat tests/gen-model bench/encode-sgemm bench/encode-lib
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
log() { echo "$*" >&2; }

# the peers: torch from Debian; onnxruntime-node from NODE_PATH or npm
have_torch=0 have_ort=0
"$py" -c 'import torch' 2>/dev/null && have_torch=1
if [ $have_torch = 1 ] && command -v node >/dev/null; then
	if ! node -e "require('onnxruntime-node')" 2>/dev/null; then
		cache=${XDG_CACHE_HOME:-$HOME/.cache}/gk-bench
		if ! cmp -s bench/peers/package-lock.json "$cache/package-lock.json" \
		   || [ ! -d "$cache/node_modules/onnxruntime-node" ]; then
			mkdir -p "$cache"
			cp bench/peers/package.json bench/peers/package-lock.json "$cache/"
			(cd "$cache" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) \
				|| log "npm ci failed: no ONNX Runtime column"
		fi
		NODE_PATH=$cache/node_modules${NODE_PATH:+:$NODE_PATH}
		export NODE_PATH
	fi
	node -e "require('onnxruntime-node')" 2>/dev/null && have_ort=1
fi
log "peers: torch $have_torch, onnxruntime-node $have_ort"

# key=value output of a helper -> the value of KEY
val() { sed -n "s/^$1=//p" "$2" | tail -n 1; }
gflops() { awk -v f="$1" -v s="$2" 'BEGIN { printf "%.1f", f / s / 1e9 }'; }

"$py" bench/encode-inputs.py short 2000 >"$w/short-all.jsonl"
"$py" bench/encode-inputs.py long 256 >"$w/long-all.jsonl"
{ head -n 3 "$w/short-all.jsonl"; head -n 1 "$w/long-all.jsonl"; } >"$w/check.jsonl"
rows='' cpu_rows=''
for shape in minilm bgebase; do
	m=$w/$shape
	tests/gen-model --shape "$shape" "$m" >/dev/null
	H=$(sed -n 's/.*"hidden_size": *\([0-9]*\).*/\1/p' "$m/config.json")
	FF=$(sed -n 's/.*"intermediate_size": *\([0-9]*\).*/\1/p' "$m/config.json")
	NH=$(sed -n 's/.*"num_attention_heads": *\([0-9]*\).*/\1/p' "$m/config.json")
	NL=$(sed -n 's/.*"num_hidden_layers": *\([0-9]*\).*/\1/p' "$m/config.json")

	# same model? the peers' hidden states against gk's on 3 short + 1 long sequence
	cmd/gk-cat --encode --type tokens "$w/check.jsonl" | cmd/gk-encode -m "$m" -j 2 | cmd/gk-cat >"$w/check-gk.jsonl"
	peers=
	if [ $have_torch = 1 ]; then
		"$py" bench/encode-torch.py "$m" "$w/check.jsonl" 2 --dump 4 "$w/check-torch.json" >/dev/null
		peers="$w/check-torch.json"
		"$py" bench/encode-torch.py "$m" "$w/check.jsonl" 1 --export "$w/$shape.onnx" >/dev/null 2>&1 \
			|| { log "ONNX export failed"; have_ort=0; }
	fi
	if [ $have_ort = 1 ]; then
		node bench/encode-ort.js "$w/$shape.onnx" "$w/check.jsonl" 2 sorted 4 "$w/check-ort.json" >/dev/null
		peers="$peers $w/check-ort.json"
	fi
	# shellcheck disable=SC2086
	[ -z "$peers" ] || "$py" bench/encode-check.py "$w/check-gk.jsonl" 1e-3 $peers >&2

	for set in short long; do
		n=$(count "$shape" "$set")
		f=$w/$set-$shape
		head -n "$n" "$w/$set-all.jsonl" >"$f.jsonl"
		cmd/gk-cat --encode --type tokens "$f.jsonl" >"$f.gk"
		"$py" -c 'import json, sys
for line in sys.stdin: print(len(json.loads(line)["ids"]))' <"$f.jsonl" >"$f.len"
		read -r _ tokens flop <<EOF
$("$py" bench/encode-inputs.py flops "$m/config.json" "$f.jsonl")
EOF
		for T in 1 2; do
			load=$(cut -d' ' -f1 /proc/loadavg)
			log "== $set ($n sequences, $tokens tokens, $(gflops "$flop" 1) GFLOP), $shape, $T thread(s), load $load"
			bench/encode-sgemm "$T" "$H" "$FF" "$NH" "$NL" 8192 "$f.len" >"$w/sgemm.out"
			sg=$(val gemm_gflops "$w/sgemm.out")
			log "sgemm: $(tr '\n' ' ' <"$w/sgemm.out")"
			/usr/bin/time -f '%e %U %S' -o "$w/time" cmd/gk-encode -m "$m" -j "$T" "$f.gk" >/dev/null
			read -r wall user sys <"$w/time"
			log "gk-encode: $wall s wall, $user s user, $sys s sys"
			gk=$(gflops "$flop" "$wall")
			gk_c=$(gflops "$flop" "$(echo "$user $sys" | awk '{ print $1 + $2 }')")
			gk_tps=$(awk -v t="$tokens" -v s="$wall" 'BEGIN { printf "%.0f", t / s }')
			lib=- lib_c=- th=- th_c=- ort=- ort_c=-
			if [ "$shape" = minilm ] || [ $full = 1 ]; then  # where I/O weighs most
				bench/encode-lib "$m" "$f.jsonl" "$T" >"$w/lib.out"
				lib=$(gflops "$flop" "$(val seconds "$w/lib.out")")
				lib_c=$(gflops "$flop" "$(val cpu_seconds "$w/lib.out")")
				log "gk library: $(val seconds "$w/lib.out") s"
			fi
			if [ $have_torch = 1 ]; then
				"$py" bench/encode-torch.py "$m" "$f.jsonl" "$T" >"$w/torch.out"
				th=$(gflops "$flop" "$(val seconds "$w/torch.out")")
				th_c=$(gflops "$flop" "$(val cpu_seconds "$w/torch.out")")
				log "torch: $(val seconds "$w/torch.out") s, $(val padded_tokens "$w/torch.out") padded tokens"
			fi
			if [ $have_ort = 1 ]; then
				node bench/encode-ort.js "$w/$shape.onnx" "$f.jsonl" "$T" >"$w/ort.out"
				ort=$(gflops "$flop" "$(val seconds "$w/ort.out")")
				ort_c=$(gflops "$flop" "$(val cpu_seconds "$w/ort.out")")
				log "ORT: $(val seconds "$w/ort.out") s, $(val padded_tokens "$w/ort.out") padded tokens"
			fi
			ratio=$(awk -v a="$gk" -v b="$sg" 'BEGIN { printf "%.2f", a / b }')
			row="| $set ($n) | $shape | $T | $gk_tps | $gk | $lib | $sg | $ratio | $th | $ort | $load |"
			log "$row"
			rows="$rows$row
"
			cpu_rows="$cpu_rows| $set ($n) | $shape | $T | $gk_c | $lib_c | $th_c | $ort_c |
"
		done
	done
	rm -rf "$m" "$w/$shape.onnx"
done

echo "Command: bench/encode.sh $args; $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
[ $have_torch = 0 ] || echo "PyTorch $("$py" -c 'import torch; print(torch.__version__)')"
[ $have_ort = 0 ] || echo "onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version")"
echo
echo "| set (sequences) | shape | threads | gk tokens/s | gk GFLOP/s | gk lib GFLOP/s | sgemm GFLOP/s | gk/sgemm | torch GFLOP/s | ORT GFLOP/s | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s' "$rows"
echo
echo "The same runs per CPU-second (FLOP / (user + sys time of the timed part, all threads)):"
echo
echo "| set (sequences) | shape | threads | gk | gk lib | torch | ORT |"
echo "|---|---|---|---|---|---|---|"
printf '%s' "$cpu_rows"
if [ $mem = 1 ]; then
	echo
	echo "Memory (bench/encode-mem.sh, tiny model, gk-encode -j 2):"
	bench/encode-mem.sh 100000 1000000 | sed 's/^/    /'
fi
