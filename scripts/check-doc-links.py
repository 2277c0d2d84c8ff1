#!/usr/bin/env python3
"""Checks the links of README.md and docs/*.md: every relative link names a file that exists, and
every #anchor names a heading of that file (GitHub's anchor rules). Prints the broken ones; exit 1
if there are any. Usage: scripts/check-doc-links.py [REPO_ROOT]
"""
import re, os, sys, glob
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
files = [os.path.join(root, 'README.md')] + sorted(glob.glob(os.path.join(root, 'docs', '*.md')))
def slug(h):
    h = h.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)   # \w keeps unicode letters/digits/_
    return h.replace(' ', '-')
anchors = {}
def heads(path):
    out = {}; fence = False
    for l in open(path, encoding='utf-8'):
        if l.startswith('```'): fence = not fence; continue
        if fence: continue
        m = re.match(r'^(#{1,6}) +(.*?)\s*#*\s*$', l)
        if m:
            s = slug(m.group(2)); base = s; i = 0
            while s in out: i += 1; s = f'{base}-{i}'
            out[s] = True
    return out
bad = 0; n = 0
for f in files:
    text = open(f, encoding='utf-8').read()
    # strip fenced code
    text_nf = re.sub(r'```.*?```', '', text, flags=re.S)
    for m in re.finditer(r'\]\(([^)\s]+)\)', text_nf):
        target = m.group(1)
        if re.match(r'^[a-z]+://', target) or target.startswith('mailto:'): continue
        n += 1
        path, _, frag = target.partition('#')
        tp = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(tp):
            print(f'{f}: missing file {target}'); bad += 1; continue
        if frag:
            if tp not in anchors: anchors[tp] = heads(tp)
            if frag not in anchors[tp]:
                print(f'{f}: missing anchor {target}'); bad += 1
print(f'{n} links checked, {bad} broken')
sys.exit(1 if bad else 0)
