#!/usr/bin/env bash
# Builds the web UI into ui/dist (the app serves it from there). Installs the
# locked npm packages first when they are missing or stale.
set -euo pipefail
cd "$(dirname "$0")/../ui"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
