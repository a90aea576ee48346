#!/usr/bin/env bash
# Installs the third-party OpenAI client that tests/openai/openai_client.mjs drives
# `stratbench serve` with (the openai npm package), idempotently: a second call does nothing
# when it is there and up to date. scripts/setup.sh calls it; it can be run on its own.
#
#   tests/openai/npm/node_modules         npm ci of the pinned package (package-lock.json)
#
# Git-ignored. Exit status 2 with a message when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-ci-pinned.sh setup-openai-client tests/openai/npm openai/package.json
