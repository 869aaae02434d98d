#!/usr/bin/env bash
# Style checks. `scripts/lint.sh format` checks clang-format (fast, in CI);
# `scripts/lint.sh tidy` runs clang-tidy over build/release (slow);
# `scripts/lint.sh fix` reformats the sources in place.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-format}
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.cpp.in' | grep -v '\.in$')

case "$mode" in
  format)
    clang-format --dry-run -Werror "${sources[@]}"
    echo "clang-format: ${#sources[@]} files clean"
    ;;
  fix) clang-format -i "${sources[@]}" ;;
  tidy)
    [ -f build/release/compile_commands.json ] || scripts/build.sh release
    mapfile -t units < <(printf '%s\n' "${sources[@]}" | grep '\.cpp$')
    # Asio only looks for clang's coroutine support in libc++'s
    # <experimental/coroutine>; tell it that libstdc++'s <coroutine> is there.
    run-clang-tidy -quiet -p build/release -j "$(nproc)" \
      -extra-arg=-DASIO_HAS_CO_AWAIT=1 -extra-arg=-DASIO_HAS_STD_COROUTINE=1 "${units[@]}"
    ;;
  *) echo "usage: scripts/lint.sh [format|fix|tidy]" >&2; exit 2 ;;
esac
