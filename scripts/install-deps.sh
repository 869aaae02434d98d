#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the tools need.
# Skips what is already present; uses sudo only when not root.
#
# ngtcp2 1.x comes from Debian's own bookworm-backports suite, enabled from
# the mirror this machine is already configured with, and pinned for the
# ngtcp2 packages only: nothing else on the machine moves to backports.
set -euo pipefail
source "$(dirname "$0")/lib/debian-sources.sh"

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  clang libclang-rt-14-dev clang-format clang-tidy
  libasio-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libgnutls28-dev libngtcp2-dev libngtcp2-crypto-gnutls-dev
  libarchive-dev libarchive-tools
  # the app's local HTTP API (docs/app.md)
  libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # multi-host tests and benchmarks: namespaces, shaping, loss, the tools we compare with
  iproute2 nftables iputils-ping avahi-daemon avahi-utils dbus aria2 nginx-light rsync
  # a process with its own wall clock, for the clock-jump test
  faketime
  # the web UI and its browser tests
  nodejs chromium
  # the packages (scripts/package.sh) and their tests (scripts/package-test.sh)
  help2man patchelf lintian desktop-file-utils man-db systemd curl debootstrap systemd-container
  # the Windows flavour (docs/windows.md): the mingw-w64 cross compiler (posix
  # threads), Debian's zlib for it, wine to run its tests, and what
  # scripts/build-windows-deps.sh needs to unpack and build Debian's sources
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix libz-mingw-w64-dev wine wine64
  dpkg-dev m4 autoconf automake libtool autopoint gettext
)

# Packages that must be at least this version (from bookworm-backports).
declare -A minimum_version=(
  [libngtcp2-dev]=1.11
  [libngtcp2-crypto-gnutls-dev]=1.11
)

backports_sources=/etc/apt/sources.list.d/lanspread-bookworm-backports.sources
backports_pin=/etc/apt/preferences.d/lanspread-ngtcp2

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

installed_version() {
  dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null |
    awk '$1 == "install" && $3 == "installed" { print $4 }'
}

enable_backports() {
  if [ -f "$backports_sources" ] && [ -f "$backports_pin" ]; then return 1; fi
  local mirror uri signed
  mirror=$(configured_debian_mirror)
  uri=${mirror%%$'\t'*}
  signed=${mirror#*$'\t'}
  if [ -z "$uri" ]; then
    echo "install-deps: no Debian bookworm source configured in /etc/apt; cannot enable bookworm-backports" >&2
    exit 1
  fi
  echo "install-deps: enabling bookworm-backports from $uri (ngtcp2 packages only)"
  {
    echo "# Written by lanspread's scripts/install-deps.sh: Debian's backports for ngtcp2 1.x."
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: bookworm-backports"
    echo "Components: main"
    if [ -n "$signed" ]; then echo "Signed-By: $signed"; fi
  } | "${sudo_cmd[@]}" tee "$backports_sources" > /dev/null
  # Backports default to priority 100 (never chosen by themselves); these
  # packages alone are raised so the newer version wins. Installing only one
  # of the two -dev packages from backports would mix 0.12 and 1.x headers.
  printf '%s\n' \
    "# Written by lanspread's scripts/install-deps.sh: ngtcp2 1.x from bookworm-backports." \
    "Package: libngtcp2-dev libngtcp2-crypto-gnutls-dev libngtcp2-16 libngtcp2-crypto-gnutls8" \
    "Pin: release n=bookworm-backports" \
    "Pin-Priority: 500" | "${sudo_cmd[@]}" tee "$backports_pin" > /dev/null
  return 0
}

missing=()
for p in "${packages[@]}"; do
  version=$(installed_version "$p")
  if [ -z "$version" ]; then
    missing+=("$p")
  elif [ -n "${minimum_version[$p]:-}" ] &&
    ! dpkg --compare-versions "$version" ge "${minimum_version[$p]}"; then
    missing+=("$p")
  fi
done

# Debian's nodejs comes without npm; other builds of nodejs bundle it.
if ! command -v npm > /dev/null && [ -z "$(installed_version npm)" ]; then
  missing+=(npm)
fi

sources_changed=false
if enable_backports; then sources_changed=true; fi

if [ ${#missing[@]} -eq 0 ] && ! $sources_changed; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ ${#missing[@]} -gt 0 ]; then echo "install-deps: installing ${missing[*]}"; fi
"${sudo_cmd[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
for p in "${!minimum_version[@]}"; do
  version=$(installed_version "$p")
  if ! dpkg --compare-versions "${version:-0}" ge "${minimum_version[$p]}"; then
    echo "install-deps: $p is ${version:-missing}, need ${minimum_version[$p]} or newer (bookworm-backports)" >&2
    exit 1
  fi
done
