#!/usr/bin/env python3
"""Detection quality of bnc-score against the simulator's planted episodes, per kind.

Usage: detection_quality.py [--markdown] [--profile NAME] LABELS.json SCORES.csv [LABELS.json SCORES.csv …]

Each pair is one seed: the labels `bnc-stream simulate --labels` wrote and bnc-score's CSV for
that tape. Only scored windows count, and only episodes that end after the first scored window
(the warm-up could flag nothing). A window is *in* an episode when [start, end) overlap. For each
kind and for all kinds together:

- recall: episodes with at least one flagged window (prediction -1) / episodes;
- precision: flagged windows in an episode of that kind / (those + flagged windows in no episode);
  windows of other kinds are left out, so each kind is judged against normal windows only;
- average precision: windows ranked by score (most anomalous first), positives the windows in an
  episode of that kind, negatives the windows in no episode (scikit-learn's
  `average_precision_score`: Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct scores), averaged over the seeds;
- flag rate: flagged windows in episodes of that kind / windows in them (for "all": flagged
  windows / scored windows, about the contamination).

Prints one JSON object, or with --markdown the rows of the table bench/detection.sh prints.
"""
import csv
import json
import sys
from datetime import datetime, timezone


def ms(iso):
    return int(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000)


def average_precision(scores, positive):
    """scikit-learn's average_precision_score for y_score = -score (lower score = more anomalous)."""
    pairs = sorted(zip(scores, positive), key=lambda p: p[0])
    total = sum(positive)
    if total == 0:
        return None
    ap, tp, fp, last_recall, i = 0.0, 0, 0, 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            tp += pairs[j][1]
            fp += 1 - pairs[j][1]
            j += 1
        recall = tp / total
        ap += (recall - last_recall) * (tp / (tp + fp))
        last_recall = recall
        i = j
    return ap


def evaluate(labels_path, scores_path):
    labels = json.load(open(labels_path))
    rows = [r for r in csv.DictReader(open(scores_path)) if r["prediction"] != ""]
    windows = [(ms(r["timestamp"]), ms(r["window_end"]), float(r["score"]), r["prediction"] == "-1") for r in rows]
    first = min((w[0] for w in windows), default=None)
    episodes = [e for e in labels if first is not None and e["end"] > first]
    kinds = sorted({e["kind"] for e in episodes})
    # The kind of the episode each window lies in (None: a normal window).
    kind_of = []
    for start, end, _, _ in windows:
        k = None
        for e in episodes:
            if start < e["end"] and e["start"] < end:
                k = e["kind"]
                break
        kind_of.append(k)
    out = {}
    for kind in kinds + ["all"]:
        mine = [e for e in episodes if kind == "all" or e["kind"] == kind]
        found = sum(1 for e in mine if any(w[3] and w[0] < e["end"] and e["start"] < w[1] for w in windows))
        inside = [k is not None and (kind == "all" or k == kind) for k in kind_of]
        judged = [i for i, k in enumerate(kind_of) if k is None or inside[i]]
        flagged_in = sum(1 for i in judged if inside[i] and windows[i][3])
        flagged_out = sum(1 for i in judged if not inside[i] and windows[i][3])
        in_count = sum(inside)
        out[kind] = {
            "episodes": len(mine), "found": found,
            "flagged_in": flagged_in, "flagged_out": flagged_out, "windows_in": in_count,
            "scored": len(windows), "flagged": sum(1 for w in windows if w[3]),
            "ap": average_precision([windows[i][2] for i in judged], [1 if inside[i] else 0 for i in judged]),
        }
    return out


def combine(per_seed):
    kinds = sorted({k for s in per_seed for k in s if k != "all"}) + ["all"]
    table = {}
    for kind in kinds:
        parts = [s[kind] for s in per_seed if kind in s]
        episodes = sum(p["episodes"] for p in parts)
        found = sum(p["found"] for p in parts)
        fin, fout = sum(p["flagged_in"] for p in parts), sum(p["flagged_out"] for p in parts)
        aps = [p["ap"] for p in parts if p["ap"] is not None]
        if kind == "all":
            rate = sum(p["flagged"] for p in parts) / max(1, sum(p["scored"] for p in parts))
        else:
            rate = fin / max(1, sum(p["windows_in"] for p in parts))
        table[kind] = {
            "found": found, "episodes": episodes, "recall": found / episodes if episodes else None,
            "precision": fin / (fin + fout) if fin + fout else None,
            "average_precision": sum(aps) / len(aps) if aps else None, "flag_rate": rate,
        }
    return table


def main(argv):
    markdown = "--markdown" in argv
    argv = [a for a in argv if a != "--markdown"]
    profile = ""
    if "--profile" in argv:
        i = argv.index("--profile")
        profile = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(__doc__)
    table = combine([evaluate(argv[i], argv[i + 1]) for i in range(0, len(argv), 2)])
    if not markdown:
        print(json.dumps(table))
        return
    for kind, r in table.items():
        f = lambda v, d=2: "—" if v is None else f"{v:.{d}f}"
        name = "**all**" if kind == "all" else kind
        print(f"| {profile} | {name} | {r['found']} / {r['episodes']} | {f(r['recall'])} | {f(r['precision'])} "
              f"| {f(r['average_precision'], 3)} | {100 * r['flag_rate']:.1f} % |")


main(sys.argv[1:])
