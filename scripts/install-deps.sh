#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the tools need.
# Skips what is already present; uses sudo only when not root.
set -euo pipefail

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
  iproute2 nftables avahi-daemon avahi-utils dbus aria2 nginx-light rsync
  # a process with its own wall clock, for the clock-jump test
  faketime
  # the web UI and its browser tests
  nodejs chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Debian's nodejs comes without npm; other builds of nodejs bundle it.
if ! command -v npm > /dev/null && ! dpkg-query -W -f='${Status}' npm 2>/dev/null | grep -q "install ok installed"; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
