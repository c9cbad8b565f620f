#!/usr/bin/python3
"""PyTorch reference for gk's BERT forward pass, pooling and sentence-transformers modules.

Reads a model directory written by tests/gen-model (config.json, model.safetensors
or shards, modules.json, 1_Pooling, N_Dense) WITHOUT the safetensors or
transformers packages: the safetensors header is parsed by hand and tensors are
numpy.frombuffer views, f16/bf16 widened to f32 exactly as the C code must.
The forward pass is written from torch primitives (matmul, softmax, layer_norm,
gelu) in float32, one sequence at a time with no padding, following
transformers' BertModel (post-LN blocks, absolute positions).

Usage:
  bert_reference.py --make-sequences OUT.jsonl
  bert_reference.py MODEL_DIR SEQUENCES.jsonl OUT.json [--hidden 0,2,4]

The output JSON holds, for every sequence that fits max_position_embeddings:
per-token hidden states (only for the --hidden indices), pooled vectors for every
pooling mode, and the output of the model's own module pipeline.
"""
import json
import math
import os
import random
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

POOL_MODES = ["cls", "max", "mean", "mean_sqrt_len", "weightedmean", "lasttoken"]


def make_sequences(path):
    """A fixed set of token-id sequences as a WordPiece tokenizer would give them."""
    rng = random.Random(20240601)
    lens = [1, 2, 3, 5, 8, 13, 16, 31, 64, 100, 127, 128, 129, 200, 300]
    with open(path, "w") as f:
        for i, n in enumerate(lens):
            if n == 1:
                ids, types = [101], [0]
            elif n == 64:  # a pair: [CLS] a [SEP] b [SEP], second segment type 1
                a = 30
                ids = [101] + [rng.randrange(1000, 30522) for _ in range(a)] + [102]
                ids += [rng.randrange(1000, 30522) for _ in range(n - a - 3)] + [102]
                types = [0] * (a + 2) + [1] * (n - a - 2)
            else:
                ids = [101] + [rng.randrange(1000, 30522) for _ in range(n - 2)] + [102]
                types = [0] * n
            f.write(json.dumps({"ids": ids, "type_ids": types}) + "\n")


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n])
    data = buf[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        b, e = t["data_offsets"]
        raw = data[b:e]
        if t["dtype"] == "F32":
            a = np.frombuffer(raw, dtype="<f4")
        elif t["dtype"] == "F16":
            a = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif t["dtype"] == "BF16":
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: {name}: dtype {t['dtype']}")
        out[name] = torch.from_numpy(a.reshape(t["shape"]).copy())
    return out


def read_weights(d):
    idx = os.path.join(d, "model.safetensors.index.json")
    if os.path.exists(idx):
        w = {}
        with open(idx) as f:
            for shard in sorted(set(json.load(f)["weight_map"].values())):
                w.update(read_safetensors(os.path.join(d, shard)))
    else:
        w = read_safetensors(os.path.join(d, "model.safetensors"))
    return {(k[5:] if k.startswith("bert.") else k): v for k, v in w.items()}


def act_fn(name):
    return {
        "gelu": lambda x: F.gelu(x),
        "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
        "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "relu": F.relu,
    }[name]


def bert_forward(cfg, w, ids, types):
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    hd = H // nh
    eps = cfg.get("layer_norm_eps", 1e-12)
    act = act_fn(cfg.get("hidden_act", "gelu"))
    L = len(ids)
    ids_t = torch.tensor(ids)
    x = (w["embeddings.word_embeddings.weight"][ids_t]
         + w["embeddings.position_embeddings.weight"][torch.arange(L)]
         + w["embeddings.token_type_embeddings.weight"][torch.tensor(types)])
    x = F.layer_norm(x, (H,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)

    def lin(v, p):
        return torch.matmul(v, w[p + ".weight"].t()) + w[p + ".bias"]

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q = lin(x, p + "attention.self.query").view(L, nh, hd).transpose(0, 1)
        k = lin(x, p + "attention.self.key").view(L, nh, hd).transpose(0, 1)
        v = lin(x, p + "attention.self.value").view(L, nh, hd).transpose(0, 1)
        scores = torch.matmul(q, k.transpose(1, 2)) / math.sqrt(hd)
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(0, 1).reshape(L, H)
        a = lin(ctx, p + "attention.output.dense")
        x = F.layer_norm(x + a, (H,), w[p + "attention.output.LayerNorm.weight"],
                         w[p + "attention.output.LayerNorm.bias"], eps)
        h = act(lin(x, p + "intermediate.dense"))
        o = lin(h, p + "output.dense")
        x = F.layer_norm(x + o, (H,), w[p + "output.LayerNorm.weight"],
                         w[p + "output.LayerNorm.bias"], eps)
    return x


def pool(mode, h):
    """sentence-transformers' Pooling for one unpadded sequence h (L, H)."""
    L = h.shape[0]
    if mode == "cls":
        return h[0]
    if mode == "lasttoken":
        return h[L - 1]
    if mode == "max":
        return h.max(dim=0).values
    if mode == "mean":
        return h.sum(dim=0) / L
    if mode == "mean_sqrt_len":
        return h.sum(dim=0) / math.sqrt(L)
    if mode == "weightedmean":
        wts = torch.arange(1, L + 1, dtype=torch.float32).unsqueeze(1)
        return (h * wts).sum(dim=0) / wts.sum()
    raise ValueError(mode)


ACTS = {
    "torch.nn.modules.activation.Tanh": torch.tanh,
    "torch.nn.modules.linear.Identity": lambda x: x,
}


def pipeline(d, h):
    """Apply modules.json (Pooling, Dense, Normalize) to one sequence's states."""
    mpath = os.path.join(d, "modules.json")
    if not os.path.exists(mpath):
        return pool("mean", h)
    with open(mpath) as f:
        mods = json.load(f)
    v = None
    for m in mods:
        t = m["type"].rsplit(".", 1)[1]
        sub = os.path.join(d, m["path"])
        if t == "Transformer":
            continue
        if t == "Pooling":
            with open(os.path.join(sub, "config.json")) as f:
                pc = json.load(f)
            keys = [("cls", "pooling_mode_cls_token"), ("max", "pooling_mode_max_tokens"),
                    ("mean", "pooling_mode_mean_tokens"),
                    ("mean_sqrt_len", "pooling_mode_mean_sqrt_len_tokens"),
                    ("weightedmean", "pooling_mode_weightedmean_tokens"),
                    ("lasttoken", "pooling_mode_lasttoken")]
            v = torch.cat([pool(mode, h) for mode, k in keys if pc.get(k)])
        elif t == "Dense":
            with open(os.path.join(sub, "config.json")) as f:
                dc = json.load(f)
            dw = read_safetensors(os.path.join(sub, "model.safetensors"))
            v = torch.matmul(dw["linear.weight"], v)
            if dc.get("bias", True):
                v = v + dw["linear.bias"]
            v = ACTS[dc["activation_function"]](v)
        elif t == "Normalize":
            v = F.normalize(v, p=2, dim=0)
        else:
            raise ValueError(t)
    return v


def fmt(a):
    return "[" + ",".join("%.9g" % x for x in a.reshape(-1).tolist()) + "]"


def main():
    if sys.argv[1] == "--make-sequences":
        make_sequences(sys.argv[2])
        return
    d, seq_path, out_path = sys.argv[1:4]
    hidden_idx = set()
    if len(sys.argv) > 5 and sys.argv[4] == "--hidden":
        hidden_idx = {int(x) for x in sys.argv[5].split(",")}
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    w = read_weights(d)
    with open(seq_path) as f:
        seqs = [json.loads(line) for line in f]
    parts = {"hidden": [], "pipeline": [], **{m: [] for m in POOL_MODES}}
    used = []
    with torch.no_grad():
        for i, s in enumerate(seqs):
            if len(s["ids"]) > cfg["max_position_embeddings"]:
                continue
            used.append(i)
            h = bert_forward(cfg, w, s["ids"], s["type_ids"])
            if i in hidden_idx:
                parts["hidden"].append('"%d":%s' % (i, fmt(h)))
            for m in POOL_MODES:
                parts[m].append('"%d":%s' % (i, fmt(pool(m, h))))
            parts["pipeline"].append('"%d":%s' % (i, fmt(pipeline(d, h))))
    with open(out_path, "w") as f:
        f.write('{"generator": "tests/reference/bert_reference.py", "torch": "%s",\n' % torch.__version__)
        f.write('"sequences": %s,\n' % json.dumps(used))
        f.write('"hidden_size": %d,\n' % cfg["hidden_size"])
        for k in ["hidden", "pipeline"] + POOL_MODES:
            f.write('"%s": {\n%s},\n' % (k, ",\n".join(parts[k])))
        f.write('"end": true}\n')


if __name__ == "__main__":
    main()
