#!/usr/bin/python3
"""FRet scores for gk-relabel's golden test, from the PyTorch LM reference:
QL = mean log p(query tokens | prompt), RC = logit(" yes") - logit(" no")
after the RC prompt, for each query's candidates; token sequences from
relabel-prompts.js (HuggingFace tokenizers), the model's forward pass from
lm_reference.py (torch primitives).

    relabel_reference.py MODEL_DIR SEQUENCES.json OUT.json
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
model, seq_path, out_path = sys.argv[1:4]
spec = json.load(open(seq_path))
flat = []
for q in spec["queries"]:
    flat += [c["ids"] for c in q["ql"]] + [c["ids"] for c in q["rc"]]
with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "seqs.jsonl"), "w") as f:
        for ids in flat:
            f.write(json.dumps({"ids": ids}) + "\n")
    subprocess.run([sys.executable, os.path.join(here, "lm_reference.py"), model,
                    os.path.join(tmp, "seqs.jsonl"), os.path.join(tmp, "out.json")], check=True)
    res = json.load(open(os.path.join(tmp, "out.json")))["sequences"]
out, k = [], 0
for q in spec["queries"]:
    n = len(q["ql"])
    ql, rc = [], []
    for c in q["ql"]:
        lp = res[k]["logprobs"]  # log p(ids[i] | ids[:i]) for i >= 1
        k += 1
        scored = lp[c["score_from"] - 1:]
        ql.append(sum(scored) / len(scored))
    for c in q["rc"]:
        logits = res[k]["last_logits"]
        k += 1
        rc.append(logits[spec["yes"]] - logits[spec["no"]])
    out.append({"id": q["id"], "ql": ql, "rc": rc})
with open(out_path, "w") as f:
    for o in out:
        f.write(json.dumps(o) + "\n")
