#!/usr/bin/env bash
# Prints what the Windows build (build/windows by default) leaves out, from
# the list its CMake configure wrote (cmake/platforms.cmake): per entry the
# number of tests in the test files left out, and the totals by kind:
# LINUX_ONLY (Linux by nature) and NOT_PORTED (a later phase of the port).
set -euo pipefail
cd "$(dirname "$0")/.."
table=${1:-build/windows}/windows-left-out.tsv
[ -f "$table" ] || { echo "windows-left-out: no $table (configure the windows flavour first)" >&2; exit 1; }

declare -A tests_by_kind=([LINUX_ONLY]=0 [NOT_PORTED]=0) suites_by_kind=([LINUX_ONLY]=0 [NOT_PORTED]=0)
while IFS=$'\t' read -r kind name reason files; do
  count=0
  for file in $files; do
    case "$file" in
      tests/*.cpp) count=$((count + $(grep -cE '^(TEST|TEST_F|TEST_P)\(' "$file" || true))) ;;
    esac
  done
  if [ "$count" -gt 0 ]; then
    printf '  %-10s %-22s %3d tests skipped: %s\n' "$kind" "$name" "$count" "$reason"
    tests_by_kind[$kind]=$((tests_by_kind[$kind] + count))
    suites_by_kind[$kind]=$((suites_by_kind[$kind] + 1))
  else
    printf '  %-10s %-22s (code) %s\n' "$kind" "$name" "$reason"
  fi
done < "$table"
echo "Windows: ${tests_by_kind[LINUX_ONLY]} tests skipped as Linux-only by nature (${suites_by_kind[LINUX_ONLY]} test sets)," \
  "${tests_by_kind[NOT_PORTED]} not ported yet (${suites_by_kind[NOT_PORTED]} test sets)"
