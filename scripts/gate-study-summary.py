#!/usr/bin/env python3
"""The table of a gate validation study: usage: scripts/gate-study-summary.py OUT/trials.csv"""
import csv, math, sys
from gate_stats import wilson

rows = list(csv.DictReader(open(sys.argv[1])))
def line(inj, label):
    r = [x for x in rows if x['injected'] == inj]
    if not r: return None
    n = len(r); g = sum(x['gate_exit'] == '1' for x in r); e = sum(x['gate_exit'] not in ('0', '1') for x in r)
    p = sum(x['plain_flag'] == '1' for x in r)
    secs = sorted(float(x['seconds']) for x in r); med = secs[len(secs)//2]
    return f"| {label} | {n} | {g}{f' ({e} errors)' if e else ''} | {100*g/n:.1f}% ({wilson(g, n)}) | {p} | {100*p/n:.1f}% ({wilson(p, n)}) | {med:.0f} |"
print("| injected slowdown | trials | interleaved gate: regressions | rate (95% interval) | plain threshold (1.02, two sequential runs): flagged | rate (95% interval) | median s per trial |")
print("|---|---|---|---|---|---|---|")
for inj, label in [('0', 'none (A/A)'), ('0.02', '2%'), ('0.05', '5%'), ('0.10', '10%')]:
    l = line(inj, label)
    if l: print(l)
