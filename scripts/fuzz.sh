#!/usr/bin/env bash
# Runs every fuzz target in build/fuzz for SECONDS (default 30) over its
# corpus in fuzz/corpus/<target>/. New inputs go to a scratch directory so the
# committed corpus only changes when someone decides to add to it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

status=0
for target in build/fuzz/fuzz/*_fuzz; do
  name=$(basename "$target" _fuzz)
  scratch=$(mktemp -d)
  dict=()
  [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  echo "-- $name: ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="build/fuzz/$name-" "${dict[@]}" \
      "$scratch" "fuzz/corpus/$name" > "build/fuzz/$name.log" 2>&1; then
    tail -n 40 "build/fuzz/$name.log"
    status=1
  fi
  grep -E "stat::number_of_executed_units|Done" "build/fuzz/$name.log" | head -n 2 || true
  rm -rf "$scratch"
done
exit $status
