#!/usr/bin/env bash
# Builds what a user installs, into build/packages/:
#   lanspread_<version>_amd64.deb              Debian 12, without backports
#   lanspread-<version>-linux-x86_64.tar.gz    any Linux with Debian 12's glibc or newer
# The web UI is built first (the packages always hold it); the program is
# built in build/package with build/release's flags, so ccache hands it
# build/release's objects, and the prefix /usr. docs/packaging.md describes
# both; scripts/package-test.sh tests them.
# `scripts/package.sh windows` builds the Windows archive instead
# (scripts/package-windows.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-linux}" in
  linux) ;;
  windows) exec scripts/package-windows.sh ;;
  *) echo "usage: scripts/package.sh [linux|windows]" >&2; exit 2 ;;
esac

export CCACHE_BASEDIR=$PWD
export CCACHE_NOHASHDIR=1
scripts/install-deps.sh
scripts/build-ui.sh

build=build/package
out=build/packages
mkdir -p build
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DLANSPREAD_TESTS=OFF -DLANSPREAD_BENCH=OFF > "$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
cmake --build "$build"

program=$build/src/cli/lanspread
version=$("$program" --version | awk 'NR == 1 { print $2 }')
if ! "$program" --version | grep -q '^web UI: built in'; then
  echo "package: the program was built without its web UI" >&2
  exit 1
fi
if ! head -n 1 packaging/debian/changelog | grep -q "^lanspread ($version)"; then
  echo "package: packaging/debian/changelog has no entry for $version yet" >&2
  exit 1
fi
rm -rf "$build/cpack" "$build/portable" "$out"/lanspread_*_amd64.deb "$out"/lanspread-*-linux-x86_64.tar.gz
mkdir -p "$out"

echo "== the .deb"
(cd "$build" && cpack -B "$PWD/cpack" > cpack.log 2>&1) || { cat "$build/cpack.log"; exit 1; }
mv "$build/cpack/lanspread_${version}_amd64.deb" "$out/"

echo "== the portable archive"
# The installed layout, stripped, is where the archive's files come from.
staging=$build/portable/staging
DESTDIR=$PWD/$staging cmake --install "$build" --strip > /dev/null
name=lanspread-$version-linux-x86_64
dir=$build/portable/$name
mkdir -p "$dir/lib" "$dir/licenses"
cp "$staging/usr/bin/lanspread" "$dir/"
gzip -dc "$staging/usr/share/man/man1/lanspread.1.gz" > "$dir/lanspread.1"
cp packaging/debian/copyright "$dir/licenses/lanspread"

# Every library the program loads, except glibc's own (the system's glibc
# must match its dynamic loader), goes into lib/: the C++ runtime too, so
# the folder needs nothing but glibc. The program finds them through its
# DT_RPATH, which (unlike DT_RUNPATH) also serves the libraries' own needs.
mapfile -t glibc < <(dpkg -L libc6 | grep -E '/lib[^/]*\.so(\.[0-9]+)*$|/ld-linux' | xargs -n 1 basename | sort -u)
is_glibc() { printf '%s\n' "${glibc[@]}" | grep -qx "$1"; }
ldd "$dir/lanspread" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | while read -r soname path; do
  is_glibc "$soname" && continue
  cp -L "$path" "$dir/lib/$soname"
  chmod 0644 "$dir/lib/$soname"
  # dpkg knows a file by the path its package shipped, /lib or /usr/lib.
  real=$(readlink -f "$path")
  package=$( (dpkg -S "$real" || dpkg -S "${real#/usr}") 2> /dev/null | head -n 1 | cut -d: -f1)
  cp "/usr/share/doc/$package/copyright" "$dir/licenses/$package"
done
patchelf --force-rpath --set-rpath '$ORIGIN/lib' "$dir/lanspread"

# Check: every library resolves inside the folder or is glibc's.
ldd "$dir/lanspread" | awk '$2 == "=>" { print $1, $3 }' | while read -r soname path; do
  if ! is_glibc "$soname" && [ "$(dirname "$path")" != "$(cd "$dir/lib" && pwd)" ]; then
    echo "package: $soname resolves to $path, outside the archive" >&2
    exit 1
  fi
done
# The newest glibc symbol version anything in the folder needs.
glibc_needed=$(objdump -T "$dir/lanspread" "$dir"/lib/*.so* | grep -o 'GLIBC_[0-9.]*' |
  sed 's/GLIBC_//' | sort -V | tail -n 1)
sed -e "s/@VERSION@/$version/" -e "s/@GLIBC@/$glibc_needed/" packaging/portable-README.txt > "$dir/README.txt"

# Reproducible: sorted, owned by root, dated by the commit.
mtime=$(git log -1 --format=%ct 2> /dev/null || date +%s)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C "$build/portable" \
  -cf - "$name" | gzip -9n > "$out/$name.tar.gz"
rm -rf "$staging"

ls -l "$out"
echo "package: needs glibc $glibc_needed or newer; lib/ holds $(ls "$dir/lib" | wc -l) libraries"
