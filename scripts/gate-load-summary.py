#!/usr/bin/env python3
"""The table of the gate's loaded-machine study: usage: scripts/gate-load-summary.py OUT/trials.csv"""
import csv, math, statistics, sys
from gate_stats import wilson

def med(xs):
    xs = [float(x) for x in xs if x]
    return statistics.median(xs) if xs else float('nan')

rows = list(csv.DictReader(open(sys.argv[1])))
loads = {'quiet': 'quiet', 'cpu1': '1 busy worker', 'cpu3-stream': '3 busy workers + memory stream'}
print("| load | injected | trials | regression | rate (95% interval) | inconclusive | pass | errors "
      "| median pairs | median s per trial | median noise per pair | median load avg after |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for load, label in loads.items():
    for inj in sorted({r['injected'] for r in rows if r['load'] == load}, key=float):
        r = [x for x in rows if x['load'] == load and x['injected'] == inj]
        n = len(r)
        count = lambda v: sum(x['verdict'] == v for x in r)
        g = count('regression')
        name = 'none (A/A)' if float(inj) == 0 else f"{100 * float(inj):g}%"
        print(f"| {label} | {name} | {n} | {g} | {100 * g / n:.1f}% ({wilson(g, n)}) | {count('inconclusive')} "
              f"| {count('pass')} | {count('error')} | {med(x['pairs'] for x in r):.0f} "
              f"| {med(x['seconds'] for x in r):.0f} | ±{med(x['noise_pct'] for x in r):.1f}% "
              f"| {med(x['load1_after'] for x in r):.1f} |")
