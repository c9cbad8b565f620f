#!/usr/bin/python3
"""Write the reference listings of debdesc-small's corpus and queries.

For each JSON line, read with Python's json module: id, title ("" when
absent), the UTF-8 byte length of the text and its FNV-1a 64-bit hash.
tests/input-debdesc.sh compares libcommon's reader (via test-input-dump)
against these, and the archives against the corpus.

Run from the top of the source tree:  python3 tests/input-debdesc-golden.py
"""
import json
import lzma


def fnv1a64(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def listing(lines, out):
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            d = json.loads(line)
            t = d["text"].encode("utf-8")
            f.write("%s\t%s\t%d\t%016x\n" % (d["_id"], d.get("title", ""), len(t), fnv1a64(t)))


D = "tests/data/debdesc-small/"
with lzma.open(D + "corpus.jsonl.xz", "rt", encoding="utf-8") as f:
    listing(f, D + "corpus.golden.tsv")
with open(D + "queries.jsonl", encoding="utf-8") as f:
    listing(f, D + "queries.golden.tsv")
