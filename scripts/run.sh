#!/usr/bin/env bash
# Sets everything up and runs the main job: the Lanspread desktop app (a peer
# sharing the default game folder, with its web UI on 127.0.0.1, opened in
# the browser) until Ctrl-C or the UI's Quit button. Extra arguments follow
# `app`, so both the app's options and the global ones work, e.g.
# scripts/run.sh --no-browser --ui-port 8080 --games ~/Games.
set -euo pipefail
cd "$(dirname "$0")/.."
# The UI first: the build puts ui/dist into the program.
scripts/install-deps.sh
scripts/build-ui.sh
scripts/build.sh release
exec build/release/src/cli/lanspread app "$@"
