#!/usr/bin/env bash
# Cuts datasets/sample/sample.txt (committed, about 300 KB) from the built corpus
# (datasets/corpus/corpus.txt, made by scripts/setup-datasets.sh): for each source listed
# in datasets/corpus/MANIFEST.txt (one line per source), text from that source's part of the
# corpus: about 28 KB of whole paragraphs from the middle of each English source, and slices
# of about 2.5 KB of whole lines spread over each multilingual source (CJK, accented Latin,
# Cyrillic, Greek, Hebrew, Arabic, Thai, Devanagari, emoji; TAB-separated lines), one slice
# per started 100 KB of the source. Deterministic: the same corpus gives the same sample.
# Run it by hand after the corpus changed, then commit the sample (and update
# datasets/sample/SOURCES.md if the sources changed).
#
#   bash scripts/make-sample.sh
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=datasets/corpus/corpus.txt
manifest=datasets/corpus/MANIFEST.txt
out=datasets/sample/sample.txt
for f in "$corpus" "$manifest"; do
  [ -s "$f" ] || { echo "make-sample: $f is missing (run scripts/setup-datasets.sh)" >&2; exit 2; }
done
py=/usr/bin/python3
[ -x "$py" ] || py=python3
mkdir -p "$(dirname "$out")"

"$py" - "$corpus" "$manifest" "$out" <<'PY'
import os
import sys

corpus_path, manifest_path, out_path = sys.argv[1:4]
ENGLISH_TAKE = 28_000     # bytes of whole paragraphs from the middle of each English source
MULTI_TAKE = 2_500        # bytes of whole lines per multilingual slice
MULTI_EVERY = 100_000     # one more slice per this many bytes of a multilingual source

data = open(corpus_path, "rb").read()
sources = []  # (part, start, end) in corpus order
pos = 0
for line in open(manifest_path, encoding="utf-8"):
    cols = line.rstrip("\n").split("\t")
    if len(cols) >= 5 and cols[0] in ("english", "multilingual"):
        size = int(cols[4])
        sources.append((cols[0], pos, pos + size))
        pos += size
if pos + 1 != len(data):
    sys.exit("make-sample: %s does not add up to %s (rebuild the corpus)" % (manifest_path, corpus_path))


def take(start, end, size, sep):
    """Whole units (paragraphs when sep is a blank line, lines when sep is a newline) of
    data[start:end], from the first unit starting at or after `start`, until at least
    `size` bytes are taken."""
    if start > 0:
        k = data.find(sep, start - len(sep), end)
        start = end if k < 0 else k + len(sep)
    stop = start
    while stop < end and stop - start < size:
        k = data.find(sep, stop, end)
        stop = end if k < 0 else k + len(sep)
    return data[start:stop].strip(b"\n")


chunks = []
for part, start, end in sources:
    if part == "english":
        chunks.append(take(start + (end - start) // 2, end, ENGLISH_TAKE, b"\n\n"))
    else:
        n = 1 + (end - start) // MULTI_EVERY
        for i in range(n):
            chunks.append(take(start + (end - start) * i // n, end, MULTI_TAKE, b"\n"))
sample = b"\n\n".join(c for c in chunks if c) + b"\n"
while b"\n\n\n" in sample:
    sample = sample.replace(b"\n\n\n", b"\n\n")
sample.decode("utf-8")  # valid UTF-8 by construction; fail loudly if not
with open(out_path + ".tmp", "wb") as f:
    f.write(sample)
os.replace(out_path + ".tmp", out_path)
print("make-sample: %s: %d bytes from %d slices of %d sources" % (out_path, len(sample), len(chunks), len(sources)))
PY
