#!/usr/bin/env bash
# Writes tests/data/corpus-reference-ids.json (committed): tiktoken's token counts and id
# checksums (scripts/tiktoken-reference.mjs, gpt2 and cl100k_base) for the built corpus and
# for the committed sample, with the corpus's byte count, sha256 and source package versions,
# so a test can check another tokenizer's ids on them. A test should compare the corpus part
# only when the built corpus has that sha256 (other package versions give other bytes).
# Run it by hand after the corpus or the sample changed; it takes a minute or two.
#
#   bash scripts/make-reference-ids.sh
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=datasets/corpus/corpus.txt
manifest=datasets/corpus/MANIFEST.txt
sample=datasets/sample/sample.txt
out=tests/data/corpus-reference-ids.json
for f in "$corpus" "$manifest" "$sample"; do
  [ -s "$f" ] || { echo "make-reference-ids: $f is missing (run scripts/setup-datasets.sh, scripts/make-sample.sh)" >&2; exit 2; }
done
command -v jq >/dev/null 2>&1 || { echo "make-reference-ids: jq not found (scripts/setup.sh installs it)" >&2; exit 2; }

ref() { node scripts/tiktoken-reference.mjs "$1" --encoding "$2"; }

tiktoken_version=$(jq -r .version datasets/npm/node_modules/tiktoken/package.json)
packages=$(awk -F'\t' '($1=="english"||$1=="multilingual") && !seen[$2]++ {print $2 " " $3}' "$manifest" | jq -R . | jq -s .)
jq -n \
  --arg tiktoken "$tiktoken_version" \
  --argjson packages "$packages" \
  --argjson c_gpt2 "$(ref "$corpus" gpt2)" \
  --argjson c_cl100k "$(ref "$corpus" cl100k_base)" \
  --argjson s_gpt2 "$(ref "$sample" gpt2)" \
  --argjson s_cl100k "$(ref "$sample" cl100k_base)" \
  '{
    about: ("Token counts and FNV-1a 64 checksums of the ids (each id as 4 bytes little-endian, in order) that the tiktoken npm package " + $tiktoken + " gives with encode_ordinary for the whole file as one string; made by scripts/make-reference-ids.sh with scripts/tiktoken-reference.mjs"),
    corpus: {
      path: "datasets/corpus/corpus.txt",
      bytes: $c_gpt2.bytes,
      sha256: $c_gpt2.sha256_input,
      packages: $packages,
      gpt2: $c_gpt2,
      cl100k_base: $c_cl100k
    },
    sample: {
      path: "datasets/sample/sample.txt",
      bytes: $s_gpt2.bytes,
      sha256: $s_gpt2.sha256_input,
      gpt2: $s_gpt2,
      cl100k_base: $s_cl100k
    }
  }' >"$out.tmp"
mv "$out.tmp" "$out"
echo "make-reference-ids: wrote $out"
