#!/usr/bin/python3
"""PyTorch reference for gk's decoder LM forward pass (Llama, Qwen2, Qwen3, Gemma 3 text).

Reads a model directory written by tests/gen-lm (config.json, model.safetensors)
WITHOUT the transformers or safetensors packages (the safetensors reader is
bert_reference.py's), and computes, from torch primitives in float64, what
transformers' LlamaForCausalLM / Qwen2ForCausalLM / Qwen3ForCausalLM /
Gemma3ForCausalLM compute in eager mode:
  RMSNorm (Gemma: x * (1 + w)), embeddings (Gemma: times sqrt(hidden)),
  q/k/v projections (+ bias for Qwen2 / attention_bias), MLP biases (Llama mlp_bias), QK-norm (Qwen3, Gemma 3),
  rotate-half RoPE with inv_freq computed in float32 as transformers does
  (linear and llama3 rope_scaling; Gemma 3 sliding layers use rope_local_base_freq
  unscaled), grouped-query attention (kv head h // group), scaling head_dim^-0.5
  or query_pre_attn_scalar^-0.5, attention soft-capping, causal mask, sliding
  window (kv > q - window), Gemma's sandwich norms, gated MLP (SiLU / tanh GELU),
  final norm, tied or separate lm_head, final logit soft-capping.
Written from the transformers modelling code's semantics, not from gk's C code.

Usage:
  lm_reference.py --make-sequences OUT.jsonl
  lm_reference.py MODEL_DIR SEQUENCES.jsonl OUT.json

OUT.json: {"sequences": [{"logprobs": [log p(ids[i] | ids[:i]) for i >= 1],
"last_logits": [vocab floats]}], and for Gemma 3 "bidirectional": final hidden
states of sequence 6 (64 tokens) with use_bidirectional_attention semantics
(|q - kv| < window // 2 + 1 on sliding layers).
"""
import json
import math
import os
import random
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_reference import read_weights  # noqa: E402

torch.set_num_threads(1)
DT = torch.float64


def make_sequences(path):
    rng = random.Random(20261123)
    with open(path, "w") as f:
        for n in [1, 2, 5, 8, 13, 31, 64]:
            ids = [1] + [rng.randrange(3, 512) for _ in range(n - 1)]
            f.write(json.dumps({"ids": ids}) + "\n")


class Cfg:
    def __init__(self, c):
        mt = c["model_type"]
        self.gemma = mt == "gemma3_text"
        self.qwen2 = mt == "qwen2"
        self.qwen3 = mt == "qwen3"
        self.H = c["hidden_size"]
        self.NH = c["num_attention_heads"]
        self.KV = c.get("num_key_value_heads", self.NH)
        self.D = c.get("head_dim") or self.H // self.NH
        self.L = c["num_hidden_layers"]
        self.eps = c["rms_norm_eps"]
        act = c.get("hidden_activation" if self.gemma else "hidden_act")
        self.act = {"silu": F.silu, "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh")}[act]
        self.tie = c.get("tie_word_embeddings", self.gemma)
        ab = c.get("attention_bias", False)
        self.qkv_bias = self.qwen2 or ab
        self.o_bias = ab and not self.qwen2
        self.mlp_bias = mt == "llama" and c.get("mlp_bias", False)
        self.qk_norm = self.qwen3 or self.gemma
        self.scale = (c["query_pre_attn_scalar"] if self.gemma else self.D) ** -0.5
        self.attn_cap = c.get("attn_logit_softcapping") if self.gemma else None
        self.final_cap = c.get("final_logit_softcapping") if self.gemma else None
        self.window = c.get("sliding_window") if self.gemma else None
        if self.gemma:
            lt = c.get("layer_types")
            if lt is None:
                p = c.get("sliding_window_pattern", 6)
                lt = ["sliding_attention" if (i + 1) % p else "full_attention" for i in range(self.L)]
            self.sliding = [t == "sliding_attention" for t in lt]
        else:
            self.sliding = [False] * self.L
        self.inv_global = inv_freq(c["rope_theta"], self.D, c.get("rope_scaling"))
        self.inv_local = inv_freq(c.get("rope_local_base_freq", 10000.0), self.D, None) if self.gemma else None


def inv_freq(theta, D, scaling):
    """transformers' _compute_default_rope_parameters and the linear / llama3 variants, float32."""
    inv = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).to(torch.float) / D))
    if scaling:
        kind = scaling.get("rope_type", scaling.get("type"))
        factor = scaling["factor"]
        if kind == "linear":
            inv = inv / factor
        elif kind == "llama3":
            lo, hi = scaling["low_freq_factor"], scaling["high_freq_factor"]
            old = scaling["original_max_position_embeddings"]
            lo_wl, hi_wl = old / lo, old / hi
            wl = 2 * math.pi / inv
            inv_l = torch.where(wl > lo_wl, inv / factor, inv)
            smooth = (old / wl - lo) / (hi - lo)
            smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
            medium = ~(wl < hi_wl) * ~(wl > lo_wl)
            inv = torch.where(medium, smoothed, inv_l)
        else:
            raise ValueError(kind)
    return inv


def rope(x, inv, n):
    """x (n, heads, D); rotate-half with cos/sin of position * inv_freq (float32 angles)."""
    pos = torch.arange(n, dtype=torch.float)
    freqs = pos[:, None] * inv[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(DT)[:, None, :], emb.sin().to(DT)[:, None, :]
    half = x.shape[-1] // 2
    rot = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + rot * sin


def rmsnorm(x, w, eps, plus_one):
    var = x.pow(2).mean(-1, keepdim=True)
    y = x * torch.rsqrt(var + eps)
    return y * ((1.0 + w) if plus_one else w)


def forward(cfg, w, ids, bidirectional=False):
    g = lambda name: w[name].to(DT)  # noqa: E731
    n = len(ids)
    x = g("model.embed_tokens.weight")[torch.tensor(ids)]
    if cfg.gemma:
        x = x * torch.tensor(cfg.H ** 0.5, dtype=torch.float32).to(DT)
    i_idx = torch.arange(n)[:, None]
    j_idx = torch.arange(n)[None, :]
    group = cfg.NH // cfg.KV
    for li in range(cfg.L):
        p = f"model.layers.{li}."
        h = rmsnorm(x, g(p + "input_layernorm.weight"), cfg.eps, cfg.gemma)

        def proj(name, rows):
            y = h @ g(p + f"self_attn.{name}.weight").T
            if cfg.qkv_bias:
                y = y + g(p + f"self_attn.{name}.bias")
            return y.view(n, rows, cfg.D)
        q, k, v = proj("q_proj", cfg.NH), proj("k_proj", cfg.KV), proj("v_proj", cfg.KV)
        if cfg.qk_norm:
            q = rmsnorm(q, g(p + "self_attn.q_norm.weight"), cfg.eps, cfg.gemma)
            k = rmsnorm(k, g(p + "self_attn.k_norm.weight"), cfg.eps, cfg.gemma)
        sliding = cfg.sliding[li]
        inv = cfg.inv_local if sliding else cfg.inv_global
        q, k = rope(q, inv, n), rope(k, inv, n)
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        s = torch.einsum("ihd,jhd->hij", q, k) * cfg.scale
        if cfg.attn_cap:
            s = torch.tanh(s / cfg.attn_cap) * cfg.attn_cap
        if bidirectional:
            allowed = torch.ones(n, n, dtype=torch.bool)
            if sliding:
                allowed = (i_idx - j_idx).abs() < cfg.window // 2 + 1
        else:
            allowed = j_idx <= i_idx
            if sliding:
                allowed = allowed & (j_idx > i_idx - cfg.window)
        s = s.masked_fill(~allowed[None], float("-inf"))
        a = torch.softmax(s, dim=-1)
        ctx = torch.einsum("hij,jhd->ihd", a, v).reshape(n, cfg.NH * cfg.D)
        o = ctx @ g(p + "self_attn.o_proj.weight").T
        if cfg.o_bias:
            o = o + g(p + "self_attn.o_proj.bias")
        if cfg.gemma:
            o = rmsnorm(o, g(p + "post_attention_layernorm.weight"), cfg.eps, True)
        x = x + o
        pre = "pre_feedforward_layernorm" if cfg.gemma else "post_attention_layernorm"
        h = rmsnorm(x, g(p + pre + ".weight"), cfg.eps, cfg.gemma)
        def lin(name, y):
            y = y @ g(p + f"mlp.{name}.weight").T
            return y + g(p + f"mlp.{name}.bias") if cfg.mlp_bias else y
        m = lin("down_proj", cfg.act(lin("gate_proj", h)) * lin("up_proj", h))
        if cfg.gemma:
            m = rmsnorm(m, g(p + "post_feedforward_layernorm.weight"), cfg.eps, True)
        x = x + m
    return rmsnorm(x, g("model.norm.weight"), cfg.eps, cfg.gemma)


def logits_of(cfg, w, x):
    head = w["model.embed_tokens.weight"] if cfg.tie else w["lm_head.weight"]
    lg = x @ head.to(DT).T
    if cfg.final_cap:
        lg = torch.tanh(lg / cfg.final_cap) * cfg.final_cap
    return lg


def r(v):
    return [float(f"{t:.7g}") for t in v]


def main():
    if sys.argv[1] == "--make-sequences":
        make_sequences(sys.argv[2])
        return
    d, seq_path, out_path = sys.argv[1:4]
    with open(os.path.join(d, "config.json")) as f:
        cfg = Cfg(json.load(f))
    w = read_weights(d)  # model.safetensors or a sharded index
    seqs = [json.loads(line)["ids"] for line in open(seq_path)]
    res = {"sequences": []}
    for ids in seqs:
        x = forward(cfg, w, ids)
        lg = logits_of(cfg, w, x)
        lp = torch.log_softmax(lg, dim=-1)
        res["sequences"].append({
            "logprobs": r(lp[torch.arange(len(ids) - 1), torch.tensor(ids[1:], dtype=torch.long)].tolist()),
            "last_logits": r(lg[-1].tolist()),
        })
    if cfg.gemma:
        res["bidirectional"] = {"sequence": 6, "hidden": r(forward(cfg, w, seqs[6], True).flatten().tolist())}
    with open(out_path, "w") as f:
        json.dump(res, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
