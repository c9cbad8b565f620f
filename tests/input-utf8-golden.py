#!/usr/bin/python3
"""Write tests/unit/test-input-utf8.h: UTF-8 test cases with what Python says.

For each byte string: where bytes.decode("utf-8") first fails (the
UnicodeDecodeError's start, or the length when it does not fail) and what
bytes.decode("utf-8", errors="replace") gives, encoded back to UTF-8.  These
are the reference for libcommon/utf8.c (gk_utf8_check, gk_utf8_repair).

Run from the top of the source tree:  python3 tests/input-utf8-golden.py
"""
import random

CASES = [
    b"", b"plain ascii", b"caf\xc3\xa9", b"\xe2\x82\xac euro", b"\xf0\x9f\x98\x80 emoji",
    b"\x80", b"\xbf", b"\xc0\x80", b"\xc1\xbf", b"\xc2", b"\xc2A", b"\xc2\xc2\xa9",
    b"\xe0\x80\x80", b"\xe0\x9f\xbf", b"\xe0\xa0\x80", b"\xe2\x82", b"\xe2\x82A", b"\xe2A\x82",
    b"\xed\x9f\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xee\x80\x80", b"\xef\xbf\xbf",
    b"\xf0\x80\x80\x80", b"\xf0\x8f\xbf\xbf", b"\xf0\x90\x80\x80", b"\xf0\x9f\x98",
    b"\xf0\x9f\x98A", b"\xf0\x9fA", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
    b"\xf8\x88\x80\x80\x80", b"\xfe\xff", b"\xff", b"a\xffb\xfec", b"\xef\xbb\xbfBOM",
    b"\x00nul\x00", b"\xe2\x28\xa1", b"\xe2\x82\x28", b"\xf0\x28\x8c\xbc", b"\xf0\x90\x28\xbc",
    b"\xf0\x28\x8c\x28", b"\xc3\x28", b"\xa0\xa1", b"\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
]


def fuzz():
    rnd = random.Random(20250523)
    alphabet = [0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
                0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff]
    for _ in range(300):
        n = rnd.randrange(0, 10)
        yield bytes(rnd.choice(alphabet) for _ in range(n))


def c_bytes(b):
    return '"' + "".join("\\x%02x" % c for c in b) + '"'


def main():
    out = ["/* Made by tests/input-utf8-golden.py from Python's bytes.decode(\"utf-8\"):",
           " * do not edit.  in, where strict decoding fails (len when it does not),",
           " * and the errors=\"replace\" result. */",
           "static const struct utf8_case {",
           "\tconst char *in; size_t in_len; size_t bad; const char *out; size_t out_len;",
           "} utf8_cases[] = {"]
    for b in CASES + list(fuzz()):
        try:
            b.decode("utf-8")
            bad = len(b)
        except UnicodeDecodeError as e:
            bad = e.start
        fixed = b.decode("utf-8", errors="replace").encode("utf-8")
        out.append("\t{ %s, %d, %d, %s, %d }," % (c_bytes(b), len(b), bad, c_bytes(fixed), len(fixed)))
    out.append("};")
    with open("tests/unit/test-input-utf8.h", "w") as f:
        f.write("\n".join(out) + "\n")


main()
