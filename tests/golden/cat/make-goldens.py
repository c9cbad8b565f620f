#!/usr/bin/python3
"""Write the .gk twin of each .json file here with Python's msgpack package,
an encoder independent of gk, so tests/cat-golden.sh checks gk-cat against
it byte for byte.  Conventions (man/gk-stream.5): strings as str, the payload
as bin of little-endian values, other floats as float64, ints in their
shortest form, maps in the order given, a trailer {"gk_end": N} at the end.

Run: cd tests/golden/cat && /usr/bin/python3 make-goldens.py   (python3-msgpack)
"""
import base64, glob, json, math, struct
import msgpack

def payload(values, dtype):
    if dtype == "f32":
        return struct.pack("<%df" % len(values), *[math.nan if v is None else v for v in values])
    if dtype == "f16":
        return struct.pack("<%de" % len(values), *values)
    if dtype == "int8":
        return struct.pack("<%db" % len(values), *values)
    if dtype == "binary":
        return bytes(values)
    raise ValueError(dtype)

def convert(v):
    if isinstance(v, dict):
        if list(v) == ["$base64"]:
            return base64.b64decode(v["$base64"])
        return {k: convert(x) for k, x in v.items()}
    if isinstance(v, list):
        return [convert(x) for x in v]
    return v

for path in sorted(glob.glob("*.json")):
    lines = [json.loads(l) for l in open(path, encoding="utf-8")]
    header, records = lines[0], lines[1:]
    field = {"hidden": "hidden", "vectors": "vector"}.get(header["type"])
    out = msgpack.packb(header, use_bin_type=True)
    for r in records:
        r = {k: (payload(v, header["dtype"]) if k == field else convert(v)) for k, v in r.items()}
        out += msgpack.packb(r, use_bin_type=True)
    out += msgpack.packb({"gk_end": len(records)}, use_bin_type=True)
    open(path[:-5] + ".gk", "wb").write(out)
    print(path[:-5] + ".gk", len(out), "bytes")
