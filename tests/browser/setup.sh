#!/usr/bin/env bash
# setup.sh: install the browser tests' npm packages (playwright-core and
# axe-core, pinned in package-lock.json) when node_modules is missing.
# Chromium itself is Debian's (scripts/install-deps.sh), never downloaded.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund
fi
