#!/usr/bin/python3
"""encode-torch.py - the PyTorch peer of bench/encode.sh, and the ONNX export.

The forward pass is the tests' reference (tests/reference/bert_reference.py:
its weight reader and the same torch primitives) run as a user runs a
PyTorch encoder: torch.inference_mode(), batches of 32 padded to their
longest sequence with an attention mask, as transformers' BertModel does,
sequences sorted by length first as sentence-transformers' encode() sorts
them (set --order input to batch in file order).  --unpadded runs the
reference as it is, one sequence at a time with no padding.  The time
covers the batch loop only (padding included), after one untimed warm-up
batch; loading the weights is not timed.

  encode-torch.py MODEL_DIR FILE.jsonl THREADS [--batch 32] [--order sorted|input]
                  [--unpadded] [--dump K OUT.json] [--export OUT.onnx]

Prints key=value lines (cpu_seconds: the process's CPU time over the same
loop, all threads, spin-waiting included).  --dump writes the hidden states
of the first K sequences of the file, {"0": [[...], ...], ...}, for encode-check.py.
--export writes the batched module as ONNX (opset 14, dynamic batch and
length; inputs input_ids, token_type_ids, attention_mask, all int64) and
times nothing.
Not a test: numbers vary by machine.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import bert_reference as ref  # noqa: E402


class Bert(torch.nn.Module):
    """transformers' BertModel forward (post-LN, absolute positions) on padded batches."""

    def __init__(self, cfg, w):
        super().__init__()
        self.H, self.nh = cfg["hidden_size"], cfg["num_attention_heads"]
        self.eps = cfg.get("layer_norm_eps", 1e-12)
        self.layers = cfg["num_hidden_layers"]
        self.act = ref.act_fn(cfg.get("hidden_act", "gelu"))
        self.w = torch.nn.ParameterDict(
            {k.replace(".", "__"): torch.nn.Parameter(v, requires_grad=False) for k, v in w.items()})

    def p(self, name):
        return self.w[name.replace(".", "__")]

    def forward(self, ids, types, mask):
        B, L = ids.shape
        H, nh = self.H, self.nh
        hd = H // nh
        x = (F.embedding(ids, self.p("embeddings.word_embeddings.weight"))
             + self.p("embeddings.position_embeddings.weight")[:L].unsqueeze(0)
             + F.embedding(types, self.p("embeddings.token_type_embeddings.weight")))
        x = F.layer_norm(x, (H,), self.p("embeddings.LayerNorm.weight"), self.p("embeddings.LayerNorm.bias"), self.eps)
        # additive mask as transformers builds it: 0 for real tokens, min float for padding
        ext = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min

        def lin(v, name):
            return F.linear(v, self.p(name + ".weight"), self.p(name + ".bias"))

        def heads(t):
            return t.view(B, L, nh, hd).transpose(1, 2)

        for i in range(self.layers):
            pre = f"encoder.layer.{i}."
            q = heads(lin(x, pre + "attention.self.query"))
            k = heads(lin(x, pre + "attention.self.key"))
            v = heads(lin(x, pre + "attention.self.value"))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + ext
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(B, L, H)
            x = F.layer_norm(x + lin(ctx, pre + "attention.output.dense"), (H,),
                             self.p(pre + "attention.output.LayerNorm.weight"),
                             self.p(pre + "attention.output.LayerNorm.bias"), self.eps)
            h = self.act(lin(x, pre + "intermediate.dense"))
            x = F.layer_norm(x + lin(h, pre + "output.dense"), (H,),
                             self.p(pre + "output.LayerNorm.weight"),
                             self.p(pre + "output.LayerNorm.bias"), self.eps)
        return x


def batches(seqs, size, order):
    idx = list(range(len(seqs)))
    if order == "sorted":  # sentence-transformers: longest first
        idx.sort(key=lambda i: -len(seqs[i]["ids"]))
    return [idx[a:a + size] for a in range(0, len(idx), size)]


def pad(seqs, group):
    L = max(len(seqs[i]["ids"]) for i in group)
    ids = torch.zeros((len(group), L), dtype=torch.long)
    types = torch.zeros((len(group), L), dtype=torch.long)
    mask = torch.zeros((len(group), L), dtype=torch.long)
    for r, i in enumerate(group):
        s = seqs[i]
        n = len(s["ids"])
        ids[r, :n] = torch.tensor(s["ids"])
        if "type_ids" in s:
            types[r, :n] = torch.tensor(s["type_ids"])
        mask[r, :n] = 1
    return ids, types, mask


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("seqs")
    ap.add_argument("threads", type=int)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--order", choices=["sorted", "input"], default="sorted")
    ap.add_argument("--unpadded", action="store_true")
    ap.add_argument("--dump", nargs=2, metavar=("K", "OUT"))
    ap.add_argument("--export")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)  # after importing the reference, which sets 1
    with open(os.path.join(a.model, "config.json")) as f:
        cfg = json.load(f)
    w = ref.read_weights(a.model)
    with open(a.seqs) as f:
        seqs = [json.loads(line) for line in f]
    model = Bert(cfg, w).eval()

    if a.export:
        ids, types, mask = pad(seqs, [0, 1])
        axes = {0: "batch", 1: "length"}
        torch.onnx.export(model, (ids, types, mask), a.export, opset_version=14,
                          input_names=["input_ids", "token_type_ids", "attention_mask"],
                          output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": axes, "token_type_ids": axes,
                                        "attention_mask": axes, "last_hidden_state": axes})
        return

    dump = {}
    want = int(a.dump[0]) if a.dump else 0
    with torch.inference_mode():
        if a.unpadded:
            ref.bert_forward(cfg, w, seqs[0]["ids"], [0] * len(seqs[0]["ids"]))  # warm-up
            t0, c0 = time.perf_counter(), time.process_time()
            for i, s in enumerate(seqs):
                h = ref.bert_forward(cfg, w, s["ids"], s.get("type_ids", [0] * len(s["ids"])))
                if i < want:
                    dump[str(i)] = h.tolist()
            sec, cpu = time.perf_counter() - t0, time.process_time() - c0
        else:
            groups = batches(seqs, a.batch, a.order)
            model(*pad(seqs, groups[0]))  # warm-up
            padded = 0
            t0, c0 = time.perf_counter(), time.process_time()
            for g in groups:
                ids, types, mask = pad(seqs, g)
                h = model(ids, types, mask)
                padded += ids.numel()
                for r, i in enumerate(g):
                    if i < want:
                        dump[str(i)] = h[r, :len(seqs[i]["ids"])].tolist()
            sec, cpu = time.perf_counter() - t0, time.process_time() - c0
            print("padded_tokens=%d" % padded)
    tokens = sum(len(s["ids"]) for s in seqs)
    print("torch=%s\nsequences=%d\ntokens=%d\nseconds=%.3f\ncpu_seconds=%.3f\ntokens_per_s=%.0f"
          % (torch.__version__, len(seqs), tokens, sec, cpu, tokens / sec))
    if a.dump:
        with open(a.dump[1], "w") as f:
            json.dump(dump, f)


if __name__ == "__main__":
    main()
