#!/usr/bin/env python3
"""Makes a large trade-line file for bench/window.sh: the real 2024 captures (unwrapped payloads,
as bnc-stream writes them) repeated with trade ids and times shifted so that the result is one
consecutive stream.  Usage: make_window_bench_input.py <capture lines file> <repeats> <out>"""
import json
import sys

source, repeats, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
payloads = []
for line in open(source, "rb"):
    d = json.loads(line)
    payloads.append(d.get("data", d))
n = len(payloads)
span = payloads[-1]["T"] - payloads[0]["T"] + 1000
# One %-template per capture line: only E, t and T change between repeats.
rows = [('{"e":"trade","E":%%d,"s":"%s","t":%%d,"p":"%s","q":"%s","T":%%d,"m":%s,"M":true}\n'
         % (d["s"], d["p"], d["q"], "true" if d["m"] else "false"), d["E"], d["t"], d["T"]) for d in payloads]
with open(out, "w") as f:
    for r in range(repeats):
        di, dt = r * n, r * span
        f.write("".join(tpl % (e + dt, t + di, tt + dt) for tpl, e, t, tt in rows))
