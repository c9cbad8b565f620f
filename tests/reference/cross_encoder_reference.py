#!/usr/bin/python3
"""PyTorch reference for gk's cross-encoder (BertForSequenceClassification).

The encoder is bert_reference.py's (torch primitives, one unpadded sequence
at a time); then, as transformers' BertPooler and classifier do it: the
first token's hidden state, pooler.dense + tanh, classifier linear.  The
weights are read by hand (no transformers or safetensors package).

Usage:
  cross_encoder_reference.py MODEL_DIR PAIRS.jsonl OUT.jsonl [LABEL]

PAIRS.jsonl comes from xenc-pairs.js; OUT.jsonl gets per query
{"id", "ids": [passage ids], "rc": [logit of LABEL per pair]}, LABEL
defaulting to the last label (the only one of a 1-label model).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_reference import bert_forward, read_weights  # noqa: E402

torch.set_num_threads(1)


def main():
    d, pairs_path, out_path = sys.argv[1:4]
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    w = read_weights(d)  # "bert." stripped; classifier.* stays as is
    num_labels = w["classifier.weight"].shape[0]
    label = int(sys.argv[4]) if len(sys.argv) > 4 else num_labels - 1
    with open(pairs_path) as f, open(out_path, "w") as out, torch.no_grad():
        for line in f:
            q = json.loads(line)
            rc = []
            for p in q["pairs"]:
                h = bert_forward(cfg, w, p["ids"], p["type_ids"])
                pooled = torch.tanh(torch.matmul(w["pooler.dense.weight"], h[0]) + w["pooler.dense.bias"])
                logits = torch.matmul(w["classifier.weight"], pooled) + w["classifier.bias"]
                rc.append(float(logits[label]))
            out.write(json.dumps({"id": q["id"], "ids": [p["id"] for p in q["pairs"]], "rc": rc}) + "\n")


if __name__ == "__main__":
    main()
