#!/usr/bin/env bash
# Sets everything up and runs the main job: a Lanspread peer sharing the
# default game folder until Ctrl-C. Extra arguments go to `lanspread`
# before the subcommand, e.g. scripts/run.sh --games ~/Games.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
exec build/release/src/cli/lanspread "$@" serve
