#!/usr/bin/env bash
# Installs what stratbench needs on Debian 12, idempotently and without questions.
# Both README commands call it; it does nothing when everything is already there.
# Then builds the datasets (vocabularies, lexicon, gazetteer, corpus): setup-datasets.sh,
# installs the trace viewer the tests load trace files into: setup-viewer.sh, and the OpenAI
# client the server's test drives it with: setup-openai-client.sh.
set -euo pipefail

packages=(
  cmake g++ ninja-build ccache git pkg-config
  libbenchmark-dev libgtest-dev nlohmann-json3-dev libopenblas-dev libsqlite3-dev libpq-dev postgresql
  # the QA server's HTTP (`stratbench serve`), and its answer_cache=redis (the tests start a
  # redis-server on loopback)
  libcpp-httplib-dev libhiredis-dev redis-server
  # Qt Charts' CMake package needs Qt OpenGL's, which Debian only recommends: listed here
  # because recommends are not installed (the GUI was once silently not built for want of it).
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
  xvfb xauth jq chromium
  clang-format clang-tidy
  # the background load of the gate's loaded-machine study (scripts/validate-gate-load.sh)
  stress-ng
  # `stratbench slurm`: the tests start a real single-node Slurm (tests/cluster/)
  slurmctld slurmd slurm-client munge
)
# What scripts/setup-datasets.sh reads: the sources of the text corpus
# (scripts/corpus-extract.py --packages), the gazetteer's iso-codes and tzdata, python3 for
# the extractors, and node/npm for the npm vocabularies (only when the commands are missing:
# a node from elsewhere, with its own npm, is fine).
data_packages=(
  python3 iso-codes tzdata unicode-data
  python3.11-doc perl-doc postgresql-doc-15 git-doc gnu-standards linux-doc-6.1 vim-runtime
  manpages-ja manpages-zh manpages-fr manpages-de manpages-ru
)
command -v node >/dev/null 2>&1 || data_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || data_packages+=(npm)
packages+=("${data_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
      exit 2
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Vocabularies, lexicon, gazetteer and corpus (does nothing when they are up to date).
bash "$(dirname "$0")/setup-datasets.sh"

# speedscope, the viewer tests/viewer loads trace files into (does nothing when up to date).
bash "$(dirname "$0")/setup-viewer.sh"
bash "$(dirname "$0")/setup-openai-client.sh"
