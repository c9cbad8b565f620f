#!/usr/bin/python3
"""encode-inputs.py - the encoder benchmark's inputs and its FLOP count.

Not a test and not a tokenizer: token ids are drawn at random (a fixed seed),
because the speed of a forward pass does not depend on which ids it sees,
only on how many and how they group into sequences.  Standard library only,
so the gk side of bench/encode.sh needs neither torch nor numpy.

  encode-inputs.py short N           N sequences of 16..128 tokens (uniform)
  encode-inputs.py long N            N sequences of 512 tokens
  encode-inputs.py mem N             N sequences of 4..12 tokens (memory check)
  encode-inputs.py flops CONFIG.json FILE.jsonl
        prints "SEQUENCES TOKENS FLOP": 2*M*N*K summed over every GEMM of the
        forward pass on the real (unpadded) tokens: the four linear layers of
        each block and attention's Q K^T and P V per sequence and head.
        Embeddings, LayerNorm, GELU and softmax are not counted.

Every sequence is [CLS] ... [SEP] (101 ... 102) with ids from 1000 to 30521,
written as JSON lines {"id": "s<i>", "ids": [...]} for gk-cat --encode.
"""
import json
import random
import sys


def write(kind, n):
    rng = random.Random({"short": 4001, "long": 4002, "mem": 4003}[kind])
    out = sys.stdout
    for i in range(n):
        if kind == "short":
            length = rng.randint(16, 128)
        elif kind == "long":
            length = 512
        else:
            length = rng.randint(4, 12)
        ids = [101] + [rng.randrange(1000, 30522) for _ in range(length - 2)] + [102]
        out.write('{"id":"s%d","ids":[%s]}\n' % (i, ",".join(map(str, ids))))


def flops(config_path, seq_path):
    with open(config_path) as f:
        cfg = json.load(f)
    H, FF, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    n = tokens = attn = 0
    with open(seq_path) as f:
        for line in f:
            L = len(json.loads(line)["ids"])
            n += 1
            tokens += L
            attn += 2 * (2 * L * L * H)  # Q K^T and P V over all heads: nh * L*L*hd each
    per_token = 2 * (3 * H * H + H * H + 2 * H * FF)  # QKV, output, FFN up and down
    print(n, tokens, layers * (tokens * per_token + attn))


def main():
    if sys.argv[1] == "flops":
        flops(sys.argv[2], sys.argv[3])
    else:
        write(sys.argv[1], int(sys.argv[2]))


if __name__ == "__main__":
    main()
