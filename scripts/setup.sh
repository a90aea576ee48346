#!/usr/bin/env bash
# Installs what stratbench needs on Debian 12, idempotently and without questions.
# Both README commands call it; it does nothing when everything is already there.
set -euo pipefail

packages=(
  cmake g++ ninja-build ccache git pkg-config
  libbenchmark-dev libgtest-dev nlohmann-json3-dev libopenblas-dev libsqlite3-dev libpq-dev postgresql
  qt6-base-dev qt6-charts-dev libgl-dev
  xvfb xauth jq chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

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
