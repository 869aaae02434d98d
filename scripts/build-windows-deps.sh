#!/usr/bin/env bash
# Cross-builds the Windows flavour's libraries (docs/windows.md) from Debian's
# own source packages with the mingw-w64 compiler, as static libraries, into
# a prefix outside the repository:
#   ${LANSPREAD_WINDOWS_DEPS:-~/.cache/lanspread/windows-deps}/<key>
# The key is a hash of the source package versions, the compiler's and this
# recipe's revision: the prefix is built once and reused until one of them
# changes. Reports progress on stderr and prints the prefix alone on stdout.
#
# Sources come through a private apt state (its own lists and cache, deb-src
# entries derived from the machine's configured Debian sources), so the
# machine's apt configuration is never changed. ngtcp2 is pinned to the
# release the Linux build uses (bookworm-backports); everything else is the
# newest bookworm, bookworm-updates or bookworm-security version.
#
#   scripts/build-windows-deps.sh          build when needed, print the prefix
#   scripts/build-windows-deps.sh --key    print the key only
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
source scripts/lib/debian-sources.sh

# Bump when a build step below changes what lands in the prefix.
recipe=1
host=x86_64-w64-mingw32
cache=${LANSPREAD_WINDOWS_DEPS:-$HOME/.cache/lanspread/windows-deps}
jobs=${JOBS:-$(nproc)}

# Debian source packages, in build order.
sources=(gmp nettle libtasn1-6 gnutls28 ngtcp2 xz-utils bzip2 libzstd libarchive
         googletest fmtlib spdlog cpp-httplib)
# The upstream release a source must be, where the project needs one: the
# transport is written against ngtcp2 1.11 on both platforms.
declare -A pinned=([ngtcp2]=1.11.0)
# Header-only libraries, copied from the host's Debian packages.
header_packages=(libasio-dev nlohmann-json3-dev libcli11-dev)

apt_dir=$cache/apt
source_dir=$cache/sources

# --- private apt state --------------------------------------------------------

setup_apt() {
  mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,parts} "$source_dir"
  local entries
  entries=$(configured_debian_sources)
  if ! grep -q $'\tbookworm-backports\t' <<< "$entries"; then
    local mirror
    mirror=$(configured_debian_mirror)
    [ -n "$mirror" ] && entries+=$'\n'"${mirror%%$'\t'*}"$'\tbookworm-backports\t'"${mirror#*$'\t'}"
  fi
  if [ -z "$entries" ]; then
    echo "build-windows-deps: no Debian bookworm source configured in /etc/apt" >&2
    exit 1
  fi
  while IFS=$'\t' read -r uri suite signed; do
    [ -n "$uri" ] && echo "deb-src ${signed:+[signed-by=$signed] }$uri $suite main"
  done <<< "$entries" > "$apt_dir/sources.list"
  cat > "$apt_dir/apt.conf" << EOF
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/parts";
Dir::State::Lists "$apt_dir/lists";
Dir::Cache "$apt_dir/cache";
APT::Sandbox::User "root";
EOF
  export APT_CONFIG=$apt_dir/apt.conf
  if ! apt-get update -qq > "$apt_dir/update.log" 2>&1; then
    if compgen -G "$apt_dir/lists/*Sources*" > /dev/null; then
      echo "build-windows-deps: apt-get update failed; using the source indexes fetched before" >&2
    else
      cat "$apt_dir/update.log" >&2
      exit 1
    fi
  fi
}

upstream_of() {  # 2:6.2.1+dfsg1-1.1 -> 6.2.1+dfsg1
  local v=${1#*:}
  echo "${v%-*}"
}

# The versions a source may be built from, newest first.
candidate_versions() {
  local package=$1 version suite
  apt-cache madison "$package" | awk -F'|' '$3 ~ / Sources$/ {
      gsub(/ /, "", $2); split($3, where, " "); split(where[2], s, "/"); print $2 "\t" s[1] }' |
    while IFS=$'\t' read -r version suite; do
      if [ -n "${pinned[$package]:-}" ]; then
        upstream=$(upstream_of "$version")
        [ "${upstream%%[+~]*}" = "${pinned[$package]}" ] && echo "$version"
      elif [ "$suite" != bookworm-backports ]; then
        echo "$version"
      fi
    done | sort -u | newest_first
}

newest_first() {  # Debian version order, which sort(1) does not know
  local sorted=() v i
  while read -r v; do
    i=${#sorted[@]}
    while [ "$i" -gt 0 ] && dpkg --compare-versions "$v" gt "${sorted[i - 1]}"; do
      sorted[i]=${sorted[i - 1]}
      i=$((i - 1))
    done
    sorted[i]=$v
  done
  [ ${#sorted[@]} -eq 0 ] || printf '%s\n' "${sorted[@]}"
}

declare -A version=()
resolve_versions() {
  local package newest
  for package in "${sources[@]}"; do
    newest=$(candidate_versions "$package")
    newest=${newest%%$'\n'*}
    if [ -z "$newest" ]; then
      echo "build-windows-deps: no source of $package${pinned[$package]:+ ${pinned[$package]}} in the configured Debian suites" >&2
      exit 1
    fi
    version[$package]=$newest
  done
}

cache_key() {
  {
    echo "recipe $recipe"
    "$host-g++-posix" -dumpfullversion
    dpkg-query -W -f='${Package} ${Version}\n' "mingw-w64-$(echo "$host" | cut -d- -f1 | tr _ -)-dev" \
      libz-mingw-w64-dev "${header_packages[@]}"
    for package in "${sources[@]}"; do echo "$package ${version[$package]}"; done
  } | sha256sum | cut -c1-16
}

# Downloads the source of $1 (newest first; a version the mirror no longer
# has falls back to the next) and unpacks it into $2. When no full source
# package can be fetched, builds from the upstream tarball alone (verified
# against the signed index like the rest) and says so.
fetch_source() {
  local package=$1 into=$2 candidate dsc orig
  for candidate in $(candidate_versions "$package"); do
    dsc="${package}_${candidate#*:}.dsc"
    # apt checks what is already there and fetches the rest; it fails when
    # a file of the source package is missing on the mirror.
    if (cd "$source_dir" && apt-get source -qq --download-only "$package=$candidate" > /dev/null 2>&1); then
      mkdir -p "$(dirname "$into")"
      dpkg-source --no-check --no-copy -x "$source_dir/$dsc" "$into" > /dev/null
      echo "$package $candidate" >> "$prefix/versions.txt"
      return
    fi
    echo "build-windows-deps: the mirror lacks files of $package $candidate" >&2
  done
  candidate=${version[$package]}
  orig=$(compgen -G "$source_dir/${package}_$(upstream_of "$candidate").orig.tar.*" | grep -v '\.asc$' | head -n 1 || true)
  if [ -z "$orig" ]; then
    echo "build-windows-deps: cannot fetch any source of $package" >&2
    exit 1
  fi
  echo "build-windows-deps: $package: Debian's packaging of $candidate is not on the mirror; building its upstream tarball $(basename "$orig")" >&2
  mkdir -p "$into"
  tar -C "$into" --strip-components=1 -xf "$orig"
  echo "$package $candidate (upstream tarball only)" >> "$prefix/versions.txt"
}

# --- building -----------------------------------------------------------------

stage_started=0
stage() {
  local now=$SECONDS
  if [ -n "${stage_name:-}" ]; then
    echo "build-windows-deps: $stage_name took $((now - stage_started)) s"
  fi
  stage_name=${1:-}
  stage_started=$now
  if [ -n "$stage_name" ]; then echo "build-windows-deps: building $stage_name"; fi
}

autotools_configure() {
  ./configure --host="$host" --prefix="$prefix" --enable-static --disable-shared \
    --disable-dependency-tracking "$@" > ../configure.log 2>&1 || { tail -n 40 ../configure.log; exit 1; }
}

cmake_configure() {  # cmake_configure SOURCE_DIR [cmake args...]
  local dir=$1
  shift
  cmake -S "$dir" -B _build -G Ninja -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/mingw-w64.cmake" \
    -DLANSPREAD_WINDOWS_PREFIX="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    "$@" > ../configure.log 2>&1 || { tail -n 40 ../configure.log; exit 1; }
}

cmake_build() {  # cmake_build SOURCE_DIR [cmake args...]: configure, build, install
  cmake_configure "$@"
  cmake --build _build -j "$jobs" > ../build.log 2>&1 || { tail -n 40 ../build.log; exit 1; }
  cmake --install _build > /dev/null
}

# Static libraries on Windows must say so to their users (otherwise their
# headers declare every symbol __declspec(dllimport)); pkg-config is how the
# project's CMake hears of each library, so the flag goes into its Cflags.
add_cflag() {  # add_cflag FILE.pc FLAG
  sed -i "s|^Cflags:\(.*\)|Cflags:\1 $2|" "$prefix/lib/pkgconfig/$1"
}

make_() { make -j "$jobs" "$@" > ../build.log 2>&1 || { tail -n 40 ../build.log; exit 1; }; }

build_gmp() {
  # The dfsg tarball drops doc/; Debian regenerates the build system instead.
  [ -f doc/Makefile.in ] || { mkdir -p doc && printf '.DEFAULT:\n\t@:\n' > doc/Makefile.in; }
  autotools_configure
  make_
  make_ install
}

build_nettle() {
  # Debian's patches touch configure.ac; the shipped configure is used as is.
  touch aclocal.m4 configure config.h.in stamp-h.in
  autotools_configure --disable-documentation --disable-openssl --disable-mini-gmp \
    --with-include-path="$prefix/include" --with-lib-path="$prefix/lib" --libdir="$prefix/lib"
  # The libraries only: "all" also builds the tools and the examples.
  make_ all-here
  make_ install-here
}

build_libtasn1-6() {
  autotools_configure --disable-doc --disable-valgrind-tests
  make_ -C lib
  make_ -C lib install
}

build_gnutls28() {
  # Debian's patches change Makefile.am (gnulib): regenerate as Debian does.
  GTKDOCIZE=true autoreconf -fi > ../autoreconf.log 2>&1 || { tail -n 40 ../autoreconf.log; exit 1; }
  autotools_configure --with-included-unistring --without-p11-kit --without-idn \
    --without-tpm --without-tpm2 --without-zlib --without-brotli --without-zstd \
    --disable-tools --disable-doc --disable-manpages --disable-gtk-doc --disable-tests \
    --disable-cxx --disable-guile --disable-libdane --disable-nls --disable-valgrind-tests \
    --disable-full-test-suite --disable-maintainer-mode \
    CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib"
  # The library only (its headers and .pc file install with it), not the
  # tools' gnulib and the tests.
  make_ -C gl
  make_ -C lib
  make_ -C lib install
  add_cflag gnutls.pc -DGNUTLS_INTERNAL_BUILD
}

build_ngtcp2() {
  cmake_build . -DENABLE_LIB_ONLY=ON -DENABLE_GNUTLS=ON -DENABLE_OPENSSL=OFF \
    -DENABLE_SHARED_LIB=OFF -DENABLE_STATIC_LIB=ON -DBUILD_TESTING=OFF \
    -DCMAKE_C_FLAGS=-DGNUTLS_INTERNAL_BUILD
  add_cflag libngtcp2.pc -DNGTCP2_STATICLIB
  add_cflag libngtcp2_crypto_gnutls.pc -DNGTCP2_STATICLIB
}

build_xz-utils() {
  autotools_configure --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo \
    --disable-lzma-links --disable-scripts --disable-doc --disable-nls
  make_ -C src/liblzma
  make_ -C src/liblzma install
  add_cflag liblzma.pc -DLZMA_API_STATIC
}

build_bzip2() {
  make_ CC="$host-gcc-posix" AR="$host-ar" RANLIB="$host-ranlib" CFLAGS="-O2 -D_FILE_OFFSET_BITS=64" libbz2.a
  install -D -m 644 bzlib.h "$prefix/include/bzlib.h"
  install -D -m 644 libbz2.a "$prefix/lib/libbz2.a"
}

build_libzstd() {
  cmake_build build/cmake -DZSTD_BUILD_SHARED=OFF -DZSTD_BUILD_STATIC=ON \
    -DZSTD_BUILD_PROGRAMS=OFF -DZSTD_BUILD_TESTS=OFF
}

build_libarchive() {
  local off=()
  for feature in MBEDTLS NETTLE OPENSSL LIBB2 LZ4 LZO LIBXML2 EXPAT PCREPOSIX LibGCC TAR CPIO CAT \
    TEST ICONV ACL XATTR WERROR; do
    off+=("-DENABLE_$feature=OFF")
  done
  cmake_configure . "${off[@]}" -DENABLE_CNG=ON -DENABLE_ZLIB=ON -DENABLE_BZip2=ON \
    -DENABLE_LZMA=ON -DENABLE_ZSTD=ON -DZLIB_LIBRARY="/usr/$host/lib/libz.a" \
    -DZLIB_INCLUDE_DIR="/usr/$host/include"
  # libarchive always builds a DLL too, and names its static library apart
  # from the DLL's import library on Windows: the static one alone is built
  # and installed, under the usual name.
  cmake --build _build -j "$jobs" --target archive_static > ../build.log 2>&1 ||
    { tail -n 40 ../build.log; exit 1; }
  install -D -m 644 _build/libarchive/libarchive_static.a "$prefix/lib/libarchive.a"
  install -D -m 644 -t "$prefix/include" libarchive/archive.h libarchive/archive_entry.h
  install -D -m 644 _build/build/pkgconfig/libarchive.pc "$prefix/lib/pkgconfig/libarchive.pc"
  add_cflag libarchive.pc -DLIBARCHIVE_STATIC
  # Its digests use Windows' CNG, which its .pc file does not name.
  sed -i 's|^Libs.private:\(.*\)|Libs.private:\1 -lbcrypt|' "$prefix/lib/pkgconfig/libarchive.pc"
}

build_googletest() {
  cmake_build . -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON
}

build_fmtlib() {
  cmake_build . -DFMT_TEST=OFF -DFMT_DOC=OFF
}

build_spdlog() {
  cmake_build . -DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_BUILD_EXAMPLE=OFF -DSPDLOG_BUILD_TESTS=OFF \
    -DSPDLOG_BUILD_BENCH=OFF -DSPDLOG_INSTALL=ON
}

build_cpp-httplib() {
  # Debian's /usr/include/httplib.h is the declarations-only half of a split
  # build (the rest is libcpp-httplib.so); the source has the whole header.
  install -D -m 644 httplib.h "$prefix/include/httplib.h"
  cat > "$prefix/lib/pkgconfig/cpp-httplib.pc" << EOF
prefix=$prefix
includedir=\${prefix}/include

Name: cpp-httplib
Description: A C++ HTTP server and client library (header-only)
Version: $(upstream_of "${version[cpp-httplib]}" | sed 's/+.*//')
Libs: -lws2_32 -lcrypt32
Cflags: -I\${includedir}
EOF
}

stage_headers() {
  mkdir -p "$prefix/include" "$prefix/share/cmake" "$prefix/lib/pkgconfig"
  cp -r /usr/include/asio /usr/include/asio.hpp /usr/include/nlohmann /usr/include/CLI "$prefix/include/"
  cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$prefix/share/cmake/"
  dpkg-query -W -f='${Package} ${Version} (host package)\n' "${header_packages[@]}" >> "$prefix/versions.txt"
}

# --- main -----------------------------------------------------------------------

for tool in "$host-gcc-posix" "$host-g++-posix" dpkg-source autoreconf; do
  command -v "$tool" > /dev/null || { echo "build-windows-deps: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
# Progress goes to stderr; stdout carries the prefix only.
exec 3>&1 1>&2
started=$SECONDS
mkdir -p "$cache"
# One run at a time per cache (two worktrees building at once).
exec 9> "$cache/.lock"
flock 9
setup_apt
resolve_versions
key=$(cache_key)
prefix=$cache/$key
if [ "${1:-}" = --key ]; then
  echo "$key" >&3
  exit 0
fi
if [ -f "$prefix/.complete" ]; then
  echo "build-windows-deps: cached in $prefix ($((SECONDS - started)) s to check)"
  echo "$prefix" >&3
  exit 0
fi

# An unfinished prefix of the same key (an interrupted run) is resumed: the
# packages it finished are kept.
echo "build-windows-deps: building into $prefix"
mkdir -p "$prefix/lib/pkgconfig" "$prefix/.built"
touch "$prefix/versions.txt"
for package in "${sources[@]}"; do
  if [ -f "$prefix/.built/$package" ]; then
    echo "build-windows-deps: $package was built by an earlier run"
    continue
  fi
  stage "$package ${version[$package]}"
  rm -rf "$cache/work/$package"
  fetch_source "$package" "$cache/work/$package/src"
  (cd "$cache/work/$package/src" && "build_$package")
  touch "$prefix/.built/$package"
done
stage "header-only libraries"
stage_headers
stage
rm -rf "$cache/work"
touch "$prefix/.complete"
# Older prefixes are left for whoever still builds against them; at most the
# three newest are kept.
ls -1dt "$cache"/*/.complete 2>/dev/null | tail -n +4 | xargs -r -n1 dirname | xargs -r rm -rf
echo "build-windows-deps: done in $((SECONDS - started)) s"
echo "$prefix" >&3
