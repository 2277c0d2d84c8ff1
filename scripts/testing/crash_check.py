#!/usr/bin/env python3
"""Checks what a killed collector left behind (scripts/crash-restart.sh calls it after every kill).

  crash_check.py DATA_DIR STATE_JSON MODEL_FILE WINDOW_MS

The results CSVs (DATA_DIR/window_results_*.csv, docs/formats.md §3) must parse as RFC 4180 with the 14
columns (the last, reason, empty while the row is unscored), hold the header exactly once (as the first line), end in a whole row, and list every
window once: within one run the windows follow each other without a hole (bnc-window emits empty
windows too), so a hole may only sit at a seam — where one run was killed and the next began — and
no window may appear twice anywhere. The model file must be a whole model (magic, version, FNV-1a
checksum over the body), never a partial one, and `model_version` must not go backwards across a
restart (the restarted collector loaded the saved model). STATE_JSON carries the row count at each
earlier kill (the seams) between calls; the script updates it and prints one JSON line of figures.
Exit status 1 with the reasons on stderr when a check fails.
"""
import csv
import glob
import json
import os
import struct
import sys
from datetime import datetime, timezone

HEADER = ("timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,"
          "symbol,window_end,complete,model_version,anomaly_score,reason")

data_dir, state_path, model_path, window_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
state = {"seams": [], "checks": 0, "max_model_version": 0}
if os.path.exists(state_path):
    with open(state_path) as f:
        state = json.load(f)
problems = []


def ms(text):
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000)


rows = []
for path in sorted(glob.glob(os.path.join(data_dir, "window_results_*.csv"))):
    with open(path, "rb") as f:
        raw = f.read()
    if raw and not raw.endswith(b"\n"):
        problems.append(f"{path}: ends in a torn row: {raw[-80:]!r}")
    text = raw.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        continue
    if lines[0] != HEADER:
        problems.append(f"{path}: first line is not the header: {lines[0][:80]!r}")
    headers = sum(1 for line in lines if line == HEADER)
    if headers != 1:
        problems.append(f"{path}: header appears {headers} times")
    for number, fields in enumerate(csv.reader(lines[1:]), start=2):
        if len(fields) != 14:
            problems.append(f"{path}:{number}: {len(fields)} fields, not 14 (torn or merged row): {','.join(fields)[:100]!r}")
            continue
        try:
            start, end = ms(fields[0]), ms(fields[9])
            int(fields[1]); float(fields[2]); float(fields[3]); float(fields[4]); float(fields[5])
            if fields[6]:
                float(fields[6])
            if fields[7] not in ("", "1", "-1"):
                raise ValueError("prediction " + fields[7])
            if fields[10] not in ("true", "false"):
                raise ValueError("complete " + fields[10])
            if fields[13] and not fields[6]:
                raise ValueError("reason " + repr(fields[13]) + " on an unscored row")
            version = int(fields[11])
        except ValueError as error:
            problems.append(f"{path}:{number}: bad value: {error}")
            continue
        if end - start != window_ms:
            problems.append(f"{path}:{number}: window {start}..{end} is not {window_ms} ms")
        rows.append((fields[8], start, end, version, fields[10] == "true"))

# Duplicates: none, except the window in flight at a kill, which may come out as two partial rows
# (complete=false), one from each run: when bnc-stream dies a moment before bnc-window, bnc-window
# sees end of input and flushes the window it holds; the restarted run gets the window's later
# trades and writes them as its own partial first window. Holes only at seams.
seams = set(state["seams"])
seen = {}
split_windows = 0
for i, (symbol, start, _, _, complete) in enumerate(rows):
    key = (symbol, start)
    if key in seen:
        j = seen[key]
        if j == i - 1 and i in seams and not complete and not rows[j][4]:
            split_windows += 1
        else:
            problems.append(f"window {symbol} {start} written twice (rows {j} and {i})")
    seen[key] = i
holes_at_seams = []
for i in range(1, len(rows)):
    prev, row = rows[i - 1], rows[i]
    if row[0] != prev[0]:
        continue
    missing = (row[1] - prev[2]) // window_ms
    if i in seams:
        if row[1] < prev[1]:
            problems.append(f"row {i}: time goes backwards across a restart ({prev[1]} then {row[1]})")
        holes_at_seams.append(max(0, missing))
        if row[3] < prev[3]:
            problems.append(f"row {i}: model_version went back from {prev[3]} to {row[3]} across a restart")
    elif missing != 0:
        problems.append(f"row {i}: {missing} windows missing inside one run ({prev[2]} → {row[1]})")

# The model file: whole or absent (before the first training), never partial.
model = {"present": False}
if os.path.exists(model_path):
    with open(model_path, "rb") as f:
        blob = f.read()
    h = 0xCBF29CE484222325
    for b in blob[:-8]:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    valid = len(blob) >= 20 and blob[:8] == b"BNCMODEL" and struct.unpack("<Q", blob[-8:])[0] == h
    model = {"present": True, "bytes": len(blob), "valid": valid}
    if not valid:
        problems.append(f"{model_path}: not a whole model ({len(blob)} bytes)")
leftovers = [p for p in glob.glob(model_path + ".tmp*")]

state["seams"].append(len(rows))
state["checks"] += 1
with open(state_path, "w") as f:
    json.dump(state, f)
print(json.dumps({"rows": len(rows), "complete": sum(1 for r in rows if r[4]),
                  "model_version": max((r[3] for r in rows), default=0), "model": model,
                  "model_temp_files": len(leftovers), "holes_at_seams": holes_at_seams,
                  "split_windows": split_windows}))
if problems:
    for p in problems[:20]:
        print("crash_check: " + p, file=sys.stderr)
    sys.exit(1)
