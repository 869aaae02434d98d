#!/usr/bin/env bash
# Builds the Windows archive, build/packages/lanspread-<version>-windows-x86_64.zip:
# lanspread.exe (static: the C++ runtime and every library inside, the web
# UI built in), a README and the licences of everything linked in. Run
# through `scripts/package.sh windows`; docs/packaging.md describes it and
# scripts/package-test.sh windows tests it under wine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build-ui.sh
scripts/build.sh windows   # build/windows: the program and its tests

program=build/windows/src/cli/lanspread.exe
export WINEDEBUG=-all
about=$(wine "$program" --version | tr -d '\r')
version=$(awk 'NR == 1 { print $2 }' <<< "$about")
if ! grep -q '^web UI: built in' <<< "$about"; then
  echo "package: lanspread.exe was built without its web UI" >&2
  exit 1
fi

out=build/packages
name=lanspread-$version-windows-x86_64
dir=build/package-windows/$name
rm -rf build/package-windows "$out/$name.zip"
mkdir -p "$dir/licenses" "$out"
x86_64-w64-mingw32-strip -o "$dir/lanspread.exe" "$program"
sed -e "s/@VERSION@/$version/" packaging/windows-README.txt | sed 's/$/\r/' > "$dir/README.txt"

# The licences: Lanspread's, each library's from the Debian source package it
# was built from (scripts/build-windows-deps.sh keeps the sources), and the
# compiler's runtime and mingw-w64's from their Debian packages.
cp packaging/debian/copyright "$dir/licenses/lanspread.txt"
sources=${LANSPREAD_WINDOWS_DEPS:-$HOME/.cache/lanspread/windows-deps}/sources
for package in gmp nettle libtasn1-6 gnutls28 xz-utils bzip2 libzstd libarchive fmtlib spdlog \
  cpp-httplib; do
  debian_tar=$(ls "$sources/${package}"_*.debian.tar.* 2> /dev/null | sort -V | tail -n 1)
  [ -n "$debian_tar" ] || { echo "package: no Debian source of $package in $sources" >&2; exit 1; }
  tar -xOf "$debian_tar" debian/copyright > "$dir/licenses/$package.txt"
done
ngtcp2_tar=$(ls "$sources"/ngtcp2_*.orig.tar.[gx]z | sort -V | tail -n 1)
tar -xOf "$ngtcp2_tar" --wildcards '*/COPYING' > "$dir/licenses/ngtcp2.txt"
for package in libasio-dev libcli11-dev nlohmann-json3-dev libz-mingw-w64-dev \
  gcc-mingw-w64-x86-64-posix-runtime mingw-w64-x86-64-dev; do
  cp "/usr/share/doc/$package/copyright" "$dir/licenses/$package.txt"
done

# Reproducible: sorted names, dated by the commit.
mtime=$(git log -1 --format=%ct 2> /dev/null || date +%s)
find "$dir" -exec touch -h -d "@$mtime" {} +
(cd build/package-windows && find "$name" -print | LC_ALL=C sort |
  bsdtar --format zip --options zip:compression=deflate -cf - -n -T - > "$PWD/../../$out/$name.zip")
ls -l "$out/$name.zip"
