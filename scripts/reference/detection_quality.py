#!/usr/bin/env python3
"""Recall and precision of bnc-score's anomalies against the simulator's planted episodes.

Usage: detection_quality.py LABELS.json SCORES.csv [--markdown-row LABEL]

A planted episode is found when at least one window with prediction -1 overlaps [start, end).
Precision is the share of windows with prediction -1 that overlap some episode. Episodes that end
before the first scored window (the model's warm-up) are left out: nothing could flag them.
Prints one JSON object, or with --markdown-row one row of the table bench/detection.sh prints.
"""
import csv
import json
import sys
from datetime import datetime, timezone


def ms(iso):
    return int(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000)


labels = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
scored = [r for r in rows if r["prediction"] != ""]
first_scored = ms(scored[0]["timestamp"]) if scored else None
episodes = [e for e in labels if first_scored is not None and e["end"] > first_scored]
anomalous = [(ms(r["timestamp"]), ms(r["window_end"])) for r in scored if r["prediction"] == "-1"]

def overlaps(w, e):
    return w[0] < e["end"] and e["start"] < w[1]

found = [e for e in episodes if any(overlaps(w, e) for w in anomalous)]
hits = [w for w in anomalous if any(overlaps(w, e) for e in episodes)]
by_kind = {}
for e in episodes:
    k = by_kind.setdefault(e["kind"], [0, 0])
    k[1] += 1
    if e in found:
        k[0] += 1
result = {
    "windows": len(rows), "scored": len(scored), "anomalous": len(anomalous),
    "episodes": len(episodes), "episodes_found": len(found),
    "recall": len(found) / len(episodes) if episodes else None,
    "anomalous_in_episode": len(hits),
    "precision": len(hits) / len(anomalous) if anomalous else None,
    "found_by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
}
if len(sys.argv) > 4 and sys.argv[3] == "--markdown-row":
    r = result
    kinds = ", ".join(f"{k} {v}" for k, v in r["found_by_kind"].items())
    cells = [sys.argv[4], r["windows"], r["scored"], r["anomalous"],
             f'{r["episodes_found"]} / {r["episodes"]}', f'{r["recall"]:.2f}', f'{r["precision"]:.2f}', kinds]
    print("| " + " | ".join(str(c) for c in cells) + " |")
else:
    print(json.dumps(result))
