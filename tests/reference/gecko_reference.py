#!/usr/bin/python3
"""PyTorch reference for gk's Gecko-class encoders: what sentence-transformers'
SentenceTransformer(...).encode(texts, prompt=..., normalize_embeddings=True,
truncate_dim=d) computes for EmbeddingGemma and Qwen3-Embedding model
directories (as tests/gen-gecko writes them), from torch primitives in float64.

  module 0, Transformer: lm_reference.forward (Gemma 3 with
    use_bidirectional_attention: every token sees every token, sliding layers
    |q - kv| < sliding_window // 2 + 1; Qwen3: causal), final-normed states
  module 1, Pooling: mean over all tokens (include_prompt true) or the last token
  Dense modules: y = x W^T (+ b), activation Identity / Tanh
  Normalize: x / max(||x||, 1e-12)
  truncate_dim d: the first d values, normalised again (normalize_embeddings)
Each text is computed alone: a padded sentence-transformers batch masks the
padding, so it computes the same.  Token ids come from HuggingFace tokenizers
(tests/reference/make-gecko-goldens.sh), not from gk.

Usage: gecko_reference.py MODEL_DIR IDS.json DIMS OUT.json
  IDS.json: {"SET": [[ids...], ...], ...}; DIMS: comma-separated truncations.
OUT.json: for each SET: "SET" (vectors), "SET-ids" (the ids, to check
gk-tokenize), "SET-tD" (truncated to D); for Gemma also "SET-global": the
vectors with every layer global, which gk must NOT match when texts are
longer than the window.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_reference import read_safetensors, read_weights  # noqa: E402
from lm_reference import DT, Cfg, forward, r  # noqa: E402


def st_modules(d):
    """The modules after the Transformer, as (kind, params) in order."""
    mods = []
    for m in json.load(open(os.path.join(d, "modules.json"))):
        kind = m["type"].rsplit(".", 1)[-1]
        p = os.path.join(d, m["path"])
        if kind == "Pooling":
            c = json.load(open(os.path.join(p, "config.json")))
            mode = "lasttoken" if c.get("pooling_mode_lasttoken") else "mean"
            assert c.get(f"pooling_mode_{'lasttoken' if mode == 'lasttoken' else 'mean_tokens'}")
            mods.append(("pool", mode))
        elif kind == "Dense":
            c = json.load(open(os.path.join(p, "config.json")))
            w = read_safetensors(os.path.join(p, "model.safetensors"))
            act = c.get("activation_function", "torch.nn.modules.activation.Tanh").rsplit(".", 1)[-1]
            mods.append(("dense", (w["linear.weight"].to(DT),
                                   w["linear.bias"].to(DT) if c.get("bias", True) else None, act)))
        elif kind == "Normalize":
            mods.append(("norm", None))
        else:
            assert kind == "Transformer", kind
    return mods


def embed(cfg, w, mods, ids, bidirectional):
    x = forward(cfg, w, ids, bidirectional)
    for kind, p in mods:
        if kind == "pool":
            x = x[-1] if p == "lasttoken" else x.mean(dim=0)
        elif kind == "dense":
            x = x @ p[0].T
            if p[1] is not None:
                x = x + p[1]
            x = torch.tanh(x) if p[2] == "Tanh" else x
        else:
            x = F.normalize(x, p=2, dim=0)
    return x


def main():
    d, ids_path, dims, out_path = sys.argv[1:5]
    conf = json.load(open(os.path.join(d, "config.json")))
    cfg = Cfg(conf)
    bidir = bool(conf.get("use_bidirectional_attention"))
    w = read_weights(d)
    w = {(k if k.startswith("model.") or k == "lm_head.weight" else "model." + k): v for k, v in w.items()}
    mods = st_modules(d)
    sets = json.load(open(ids_path))
    res = {}
    for name, seqs in sets.items():
        vecs = [embed(cfg, w, mods, ids, bidir) for ids in seqs]
        res[name] = [r(v.tolist()) for v in vecs]
        res[name + "-ids"] = seqs
        for dim in map(int, dims.split(",")):
            res[f"{name}-t{dim}"] = [r(F.normalize(v[:dim], p=2, dim=0).tolist()) for v in vecs]
        if cfg.gemma:
            sliding = cfg.sliding
            cfg.sliding = [False] * cfg.L
            res[name + "-global"] = [r(embed(cfg, w, mods, ids, bidir).tolist()) for ids in seqs]
            cfg.sliding = sliding
    with open(out_path, "w") as f:
        json.dump(res, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
