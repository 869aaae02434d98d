#!/usr/bin/env bash
# Configures and builds one flavour of the project into build/<flavour>:
#   release  optimised with debug info (the default)
#   asan     the same with AddressSanitizer + UndefinedBehaviorSanitizer
#   fuzz     clang with libFuzzer: only the fuzz targets
#   windows  cross-compiled for 64-bit Windows (mingw-w64), the parts ported
#            so far; its tests run under wine (docs/windows.md)
# Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=${1:-release}
# Clones in other folders (CI's fresh clone, git worktrees) share
# ccache entries: paths are hashed relative to the clone, and with -g ccache
# would otherwise hash the build directory too (debug info then names the
# clone that first compiled a file, which only matters to a debugger).
export CCACHE_BASEDIR=$PWD
export CCACHE_NOHASHDIR=1
scripts/install-deps.sh

case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DLANSPREAD_SANITIZE=ON -DLANSPREAD_BENCH=OFF) ;;
  fuzz)
    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DLANSPREAD_FUZZ=ON
          -DLANSPREAD_TESTS=OFF -DLANSPREAD_BENCH=OFF)
    ;;
  windows)
    prefix=$(scripts/build-windows-deps.sh)
    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake
          -DLANSPREAD_WINDOWS_PREFIX="$prefix" -DLANSPREAD_BENCH=OFF)
    # The build lists each test program's tests by running it under wine; a
    # first wine start creates its prefix, which must not happen twice at once.
    if [ ! -f "${WINEPREFIX:-$HOME/.wine}/system.reg" ]; then
      WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= wineboot -i > /dev/null 2>&1
    fi
    ;;
  *) echo "usage: scripts/build.sh [release|asan|fuzz|windows]" >&2; exit 2 ;;
esac

mkdir -p build
cmake -S . -B "build/$flavour" -G Ninja "${args[@]}" > "build/$flavour.configure.log" 2>&1 ||
  { cat "build/$flavour.configure.log"; exit 1; }
if [ "$flavour" = fuzz ]; then
  cmake --build "build/$flavour" --target fuzzers
else
  cmake --build "build/$flavour"
fi
