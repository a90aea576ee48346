#!/usr/bin/env python3
"""Writes a large synthetic results file for the GUI's load benchmark (issue 18).

    scripts/gen-large-run.py BASE.json CELLS OUT.json [--samples N] [--seed S]

The cells are BASE's cells repeated with an extra integer parameter `rep` (a sweep of
CELLS / len(BASE cells) values), each with N time samples drawn around the base cell's
median; ids are made unique per cell. Deterministic for a seed. Not a measurement: a
file of the shape and size a big sweep writes (50,000 cells with 60 samples is ~90 MB).
"""
import argparse
import hashlib
import json
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("cells", type=int)
    ap.add_argument("out")
    ap.add_argument("--samples", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    base = json.load(open(a.base))
    templates = [c for c in base["cells"] if c["status"] == "ok"]
    cells = []
    for i in range(a.cells):
        t = templates[i % len(templates)]
        c = json.loads(json.dumps(t))
        rep = i // len(templates)
        c["params"]["rep"] = rep
        c["id"] = hashlib.sha1(f"{t['id']}/{rep}".encode()).hexdigest()[:16]
        med = t["metrics"]["latency_ms"]["p50"] / 1000.0
        c["samples"]["time_s"] = [round(med * rng.lognormvariate(0, 0.03), 9) for _ in range(a.samples)]
        cells.append(c)
    base["cells"] = cells
    with open(a.out, "w") as f:
        json.dump(base, f, indent=1)


if __name__ == "__main__":
    main()
