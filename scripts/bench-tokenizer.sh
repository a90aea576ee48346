#!/usr/bin/env bash
# Side-by-side tokenizer benchmark: stratbench's `tokenize` against the tiktoken npm
# packages (scripts/bench-tiktoken.mjs) on the same file and machine, the programs
# alternated ROUNDS times because these machines drift between runs; medians at the end.
#
# usage: scripts/bench-tokenizer.sh [FILE] [ROUNDS] [OUT_DIR]
#   FILE defaults to the built corpus (datasets/corpus/corpus.txt), ROUNDS to 3.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-datasets/corpus/corpus.txt}
rounds=${2:-3}
out=${3:-results/bench-tokenizer}
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
[ -f "$file" ] || { echo "bench-tokenizer: $file: no such file (scripts/setup.sh builds the corpus)" >&2; exit 2; }
mkdir -p "$out"
strategies=baseline,heap+cache,heap+cache+threads=2
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds: tiktoken (node)" >&2
  node scripts/bench-tiktoken.mjs "$file" --runs 2 > "$out/tiktoken-$r.json" 2> "$out/tiktoken-$r.txt"
  echo "round $r/$rounds: stratbench $strategies" >&2
  "$bin" run -w tokenize -s "$strategies" -p "input=$file" -p encoding=gpt2 \
    --min-samples 3 --max-samples 5 --budget 10 -o "$out/stratbench-$r.json" > "$out/stratbench-$r.txt" 2>&1
done

# One line per measurement: name, round, MB/s.
{
  for ((r = 1; r <= rounds; r++)); do
    jq -r --arg r "$r" '.results[] | select(.mb_per_s) | "\(.name)\t\($r)\t\(.mb_per_s)"' "$out/tiktoken-$r.json"
    jq -r --arg r "$r" '.cells[] | select(.status == "ok") | "stratbench \(.strategy)\t\($r)\t\(.metrics.throughput.value)"' \
      "$out/stratbench-$r.json"
  done
} > "$out/all.tsv"

awk -F'\t' '
  { v[$1] = v[$1] " " $3; n[$1]++ ; order[$1] = order[$1] ? order[$1] : ++k }
  function median(s,   a, m, i, j, t) {
    m = split(s, a, " ");
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2;
  }
  END {
    base = median(v["tiktoken"]);
    print "| tokenizer | MB/s per round | median MB/s | × tiktoken |";
    print "|---|---|---|---|";
    for (name in order) rows[order[name]] = name;
    for (i = 1; i <= k; i++) {
      name = rows[i]; med = median(v[name]);
      printf "| %s | %s | %.2f | %.2f |\n", name, v[name], med, med / base;
    }
  }' "$out/all.tsv" | tee "$out/summary.md"
