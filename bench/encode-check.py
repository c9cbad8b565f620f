#!/usr/bin/python3
"""encode-check.py - do the peers run the same model as gk?  Compares the
per-token hidden states of the first sequences as gk-encode wrote them
(gk-cat JSON lines, "hidden" flat, "n_tokens") with each peer's dump
({"0": [[...], ...]} from encode-torch.py / encode-ort.js).  Exits 1 when
any element differs by more than TOL (default 1e-3).  Standard library only.

  encode-check.py GK.jsonl TOL PEER.json [PEER.json ...]
"""
import json
import sys


def main():
    gk_path, tol, peers = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    with open(gk_path) as f:
        gk = [json.loads(line) for line in f]
    ok = True
    for path in peers:
        with open(path) as f:
            peer = json.load(f)
        worst, n = 0.0, 0
        for key, rows in peer.items():
            rec = gk[int(key)]
            flat = [x for row in rows for x in row]
            if rec["n_tokens"] != len(rows) or len(rec["hidden"]) != len(flat):
                print("%s: sequence %s: %d tokens x %d, gk has %d values"
                      % (path, key, len(rows), len(rows[0]), len(rec["hidden"])))
                ok = False
                continue
            worst = max([worst] + [abs(a - b) for a, b in zip(rec["hidden"], flat)])
            n += 1
        good = n > 0 and worst <= tol
        ok = ok and good
        print("%s: %d sequences, max |gk - peer| = %.2e (%s, tolerance %g)"
              % (path, n, worst, "ok" if good else "DIFFERENT", tol))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
