#!/usr/bin/env bash
# Tests the packages in build/packages (scripts/package.sh) the way a user
# gets them. Needs root; skips with a message otherwise.
#
# The .deb, on this machine:
#   lintian (errors and warnings fail; packaging/debian/lintian-overrides
#   lists the exceptions), its dependencies resolved from Debian 12 without
#   backports (apt, simulated on an empty system), `dpkg -i`, the units
#   verified, `lanspread --version`, `lanspread app --no-browser` run by an
#   unprivileged user serving the built-in UI, the seed box's command as the
#   service runs it, then `dpkg --purge` leaving nothing behind. Refuses to
#   run when lanspread is already installed (it would purge it).
#
# The .deb on a plain Debian 12 booted with systemd (systemd-nspawn; the root
# is made once with debootstrap and kept in build/package-test/): apt
# installs it from bookworm alone, the seed box service runs in its sandbox
# and a guest downloads from it, the user unit runs for a logged-in user,
# and a purge stops and removes the service.
#
# The portable archive, in a minimal root: glibc's files only (and /proc),
# the archive unpacked into a fresh folder, in a network namespace of its
# own. A seed (`lanspread serve`) and a guest (`lanspread download` by
# address, --no-mdns) run there; the game must arrive byte-identical and
# install.
set -euo pipefail
cd "$(dirname "$0")/.."

# The part that runs inside the test's namespaces (see test_portable).
if [ "${1:-}" = --in-namespaces ]; then
  root=$2 program=$3
  ip link set lo up
  mount -t proc proc "$root/proc"
  in_root() { chroot "$root" "$program" --no-mdns "$@"; }
  in_root --version
  # Not through the function: $! must be the program itself, which stops
  # cleanly on SIGTERM (a background job ignores SIGINT).
  chroot "$root" "$program" --no-mdns --games /seed/games --state /seed/state --port 40000 serve \
    2> "$root/seed.log" &
  seed=$!
  in_root --games /guest/games --state /guest/state --peer 127.0.0.1:40000 download quake3 --wait 30
  kill -TERM "$seed"
  wait "$seed"
  exit
fi

# The Windows archive (`scripts/package-test.sh windows`, no root needed):
# unpacked into a fresh folder with a non-ASCII name, lanspread.exe under
# wine reports its UI built in, and `app --no-browser` serves that UI (the
# page and every asset identical to ui/dist) and quits cleanly from it.
if [ "${1:-}" = windows ]; then
  zip=$(ls build/packages/lanspread-*-windows-x86_64.zip 2> /dev/null | head -n 1 || true)
  [ -n "$zip" ] || { echo "package-test: no Windows archive: run scripts/package.sh windows" >&2; exit 1; }
  scratch=$(mktemp -d)
  trap 'kill $(jobs -p) 2> /dev/null || true; wait 2> /dev/null || true; rm -rf "$scratch"' EXIT
  fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
  export WINEDEBUG=-all
  echo "== $zip"
  folder="$scratch/USB-Stick für die Party"
  mkdir -p "$folder"
  bsdtar -xf "$zip" -C "$folder"
  program=$(ls "$folder"/lanspread-*/lanspread.exe)
  [ "$(ls "$folder")" = "$(basename "$zip" .zip)" ] || fail "the archive holds more than its folder"
  wine "$program" --version | tr -d '\r' | grep -q '^web UI: built in' || fail "no UI built in"
  mkdir -p "$scratch/games"
  wine "$program" --no-mdns --games "$(winepath -w "$scratch/games")" \
    --state "$(winepath -w "$scratch/state")" app --no-browser > "$scratch/app.out" 2> "$scratch/app.err" &
  app=$!
  for _ in $(seq 600); do grep -q "token=" "$scratch/app.out" 2> /dev/null && break; sleep 0.1; done
  url=$(grep -o 'http://127.0.0.1:[0-9]*/?token=[0-9a-f]*' "$scratch/app.out") ||
    { cat "$scratch/app.err"; fail "the app did not start"; }
  port=${url#http://127.0.0.1:}
  port=${port%%/*}
  token=${url##*token=}
  curl -fsS "$url" > "$scratch/index.html" || fail "the UI's page"
  cmp -s "$scratch/index.html" ui/dist/index.html || fail "the page is not the UI built in"
  for asset in $(grep -o '/assets/[^"]*' "$scratch/index.html"); do
    curl -fsS -o "$scratch/asset" "http://127.0.0.1:$port$asset" || fail "$asset"
    cmp -s "$scratch/asset" "ui/dist$asset" || fail "$asset differs from ui/dist"
  done
  curl -fsS --data "" -H "X-Lanspread-Token: $token" "http://127.0.0.1:$port/api/quit" > /dev/null ||
    fail "quit"
  wait "$app" || fail "the app exited with $?: $(cat "$scratch/app.err")"
  echo "ok: the Windows archive unpacked under a non-ASCII name: lanspread.exe app serves the built-in UI under wine, quits cleanly"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "package-test: skipped: needs root (installs the .deb, makes namespaces)"
  exit 0
fi

packages=build/packages
deb=$(ls "$packages"/lanspread_*_amd64.deb 2> /dev/null | head -n 1 || true)
archive=$(ls "$packages"/lanspread-*-linux-x86_64.tar.gz 2> /dev/null | head -n 1 || true)
if [ -z "$deb" ] || [ -z "$archive" ]; then
  echo "package-test: no packages in $packages: run scripts/package.sh first" >&2
  exit 1
fi

scratch=$(mktemp -d)
# Users the test runs programs as (nobody, lanspread) reach their folders in it.
chmod 0755 "$scratch"
installed_here=false
cleanup() {
  local running
  running=$(jobs -p)
  [ -z "$running" ] || kill $running 2> /dev/null || true
  wait 2> /dev/null || true
  if $installed_here; then dpkg --purge lanspread > /dev/null 2>&1 || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

fail() {
  echo "package-test: FAILED: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }
# Waits up to $2 seconds for file $1 to contain $3.
wait_for_text() {
  local deadline=$((SECONDS + $2))
  until grep -q -- "$3" "$1" 2> /dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

test_deb() {
  local started=$SECONDS
  echo "== $deb"
  if dpkg-query -W -f='${Status}' lanspread 2> /dev/null | grep -q installed; then
    fail "lanspread is already installed here; this test installs and purges it, so remove it first"
  fi

  mkdir "$scratch/lintian"
  chown nobody:nogroup "$scratch/lintian"
  setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$scratch/lintian" \
    lintian --fail-on error,warning --info --pedantic "$deb" ||
    fail "lintian (exceptions belong in packaging/debian/lintian-overrides)"
  ok "lintian"

  # The dependencies, resolved against this machine's Debian sources minus
  # backports, for a system with nothing installed.
  local apt=$scratch/apt
  mkdir -p "$apt/sources.list.d" "$apt/preferences.d"
  for source in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$source" ] && ! grep -q backports "$source" && cp "$source" "$apt/sources.list.d/"
  done
  : > "$apt/status"
  apt-get --simulate --no-install-recommends -o Dir::State::status="$apt/status" \
    -o Dir::Etc::SourceList="$apt/none.list" -o Dir::Etc::SourceParts="$apt/sources.list.d" \
    -o Dir::Etc::PreferencesParts="$apt/preferences.d" -o Dir::Cache::pkgcache="$apt/pkgcache.bin" \
    -o Dir::Cache::srcpkgcache="$apt/srcpkgcache.bin" install "./$deb" > "$apt/simulation" 2>&1 ||
    { cat "$apt/simulation"; fail "the dependencies do not resolve without backports"; }
  grep -q '^Inst lanspread ' "$apt/simulation" || { cat "$apt/simulation"; fail "apt would not install it"; }
  ok "dependencies resolve from Debian 12 without backports ($(grep -c '^Inst ' "$apt/simulation") packages on an empty system)"

  installed_here=true
  dpkg -i "$deb" > "$scratch/dpkg.log" 2>&1 || { cat "$scratch/dpkg.log"; fail "dpkg -i"; }
  dpkg -L lanspread > "$scratch/files"
  ok "dpkg -i"

  lanspread --version > "$scratch/version"
  grep -q '^web UI: built in' "$scratch/version" || fail "the installed program has no UI: $(cat "$scratch/version")"
  ! ldd /usr/bin/lanspread | grep -q ngtcp2 || fail "the installed program loads a shared ngtcp2"
  ok "$(head -n 1 "$scratch/version"), no shared ngtcp2"

  man -l /usr/share/man/man1/lanspread.1.gz > /dev/null 2>&1 || fail "the man page"
  desktop-file-validate /usr/share/applications/lanspread.desktop || fail "the desktop entry"
  systemd-analyze verify /usr/lib/systemd/system/lanspread.service || fail "the system unit"
  mkdir -m 0700 "$scratch/runtime"
  XDG_RUNTIME_DIR=$scratch/runtime systemd-analyze --user verify /usr/lib/systemd/user/lanspread.service ||
    fail "the user unit"
  [ "$(stat -c %U /var/lib/lanspread/games)" = lanspread ] || fail "the seed box's game folder"
  ok "man page, desktop entry, units, the seed box's user and folder"

  # A user who just installed it: nothing configured, the default folder.
  local home=$scratch/home
  mkdir "$home"
  chown nobody:nogroup "$home"
  setpriv --reuid=nobody --regid=nogroup --clear-groups env -i HOME="$home" PATH=/usr/bin:/bin \
    lanspread --no-mdns app --no-browser > "$scratch/app.out" 2> "$scratch/app.err" &
  local app=$!
  wait_for_text "$scratch/app.out" 20 "token=" || { cat "$scratch/app.err"; fail "the app did not start"; }
  local url port token
  url=$(grep -o 'http://127.0.0.1:[0-9]*/?token=[0-9a-f]*' "$scratch/app.out")
  port=${url#http://127.0.0.1:}
  port=${port%%/*}
  token=${url##*token=}
  curl -fsS "$url" > "$scratch/index.html" || fail "the UI's page"
  cmp -s "$scratch/index.html" ui/dist/index.html || fail "the page is not the UI built into the package"
  local asset
  for asset in $(grep -o '/assets/[^"]*' "$scratch/index.html"); do
    curl -fsS -o "$scratch/asset" -w '%{content_type}\n' "http://127.0.0.1:$port$asset" > "$scratch/type" ||
      fail "$asset"
    cmp -s "$scratch/asset" "ui/dist$asset" || fail "$asset differs from ui/dist"
    grep -qE '^text/(javascript|css)' "$scratch/type" || fail "$asset came as $(cat "$scratch/type")"
  done
  curl -fsS --data "" -H "X-Lanspread-Token: $token" "http://127.0.0.1:$port/api/quit" > /dev/null ||
    fail "quit"
  wait "$app" || fail "the app exited with $?: $(cat "$scratch/app.err")"
  [ -f "$home/.local/share/lanspread/games/openttd/version.ini" ] || fail "no demo game for a newcomer"
  ok "lanspread app --no-browser as an unprivileged user serves the built-in UI, quits cleanly"

  dpkg --purge lanspread > "$scratch/dpkg.log" 2>&1 || { cat "$scratch/dpkg.log"; fail "dpkg --purge"; }
  installed_here=false
  local left=()
  while read -r path; do
    [ -e "$path" ] && [ ! -d "$path" ] && left+=("$path")
  done < "$scratch/files"
  for path in /etc/default/lanspread /var/lib/lanspread; do [ -e "$path" ] && left+=("$path"); done
  getent passwd lanspread > /dev/null && left+=("the user lanspread")
  [ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
  ok "dpkg --purge leaves nothing behind"
  echo "the .deb: $((SECONDS - started)) s"
}

# Runs a command inside the booted container ($leader: its init).
in_container() {
  nsenter --target "$leader" --all --root --wd env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

test_booted_debian() {
  local started=$SECONDS
  echo "== $deb on a plain Debian 12 booted with systemd"
  local cache=build/package-test/bookworm-root
  if [ ! -d "$cache" ]; then
    local mirror
    mirror=$(apt-cache policy | awk '/ bookworm\/main amd64 Packages/ { print $2; exit }')
    [ -n "$mirror" ] || fail "no Debian bookworm mirror configured to debootstrap from"
    echo "making $cache from $mirror (once)"
    rm -rf "$cache.tmp"
    mkdir -p "$(dirname "$cache")"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,libpam-systemd bookworm \
      "$cache.tmp" "$mirror" > "$scratch/debootstrap.log" 2>&1 ||
      { tail -n 20 "$scratch/debootstrap.log"; fail "debootstrap"; }
    mv "$cache.tmp" "$cache"
  fi
  local root=$scratch/bookworm
  cp -a "$cache" "$root"
  grep -rq backports "$root/etc/apt/" && fail "the test system has backports"

  # Installed as a user would: apt takes the dependencies from bookworm.
  cp "$deb" "$root/root/"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends /root/$(basename "$deb")" > "$scratch/apt.log" 2>&1 ||
    { tail -n 20 "$scratch/apt.log"; fail "apt install on plain Debian 12"; }
  ok "apt installs it on Debian 12 without backports"

  # A game for the seed box, a user for the user unit.
  mkdir -p "$root/var/lib/lanspread/games/quake3"
  head -c 3000000 /dev/urandom > "$root/var/lib/lanspread/games/quake3/quake3.pk3"
  echo "1.32" > "$root/var/lib/lanspread/games/quake3/version.ini"
  sed -i 's/^LANSPREAD_OPTIONS=.*/LANSPREAD_OPTIONS="--port 40000"/' "$root/etc/default/lanspread"
  chroot "$root" useradd --create-home player

  systemd-nspawn --quiet --directory="$root" --boot --private-network --register=no --keep-unit \
    --console=pipe < /dev/null > "$scratch/boot.log" 2>&1 &
  local nspawn=$!
  local deadline=$((SECONDS + 60))
  leader=
  until [ -n "$leader" ] && in_container systemctl is-system-running --wait 2> /dev/null |
    grep -qE 'running|degraded'; do
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$scratch/boot.log"; fail "the container did not boot"; }
    sleep 0.5
    leader=$(pgrep -P "$nspawn" | head -n 1 || true)
  done

  [ "$(in_container systemctl is-enabled lanspread)" = disabled ] || fail "the seed box is enabled by the package"
  in_container systemctl enable --now lanspread > /dev/null 2>&1 || fail "systemctl enable --now lanspread"
  in_container mkdir /tmp/guest
  in_container chown player: /tmp/guest
  in_container runuser -u player -- env HOME=/tmp/guest lanspread --no-mdns --peer 127.0.0.1:40000 \
    download quake3 --wait 30 > "$scratch/guest.log" 2>&1 ||
    { cat "$scratch/guest.log"; in_container journalctl -u lanspread --no-pager | tail -n 20; fail "download from the seed box"; }
  in_container cmp /var/lib/lanspread/games/quake3/quake3.pk3 \
    /tmp/guest/.local/share/lanspread/games/quake3/quake3.pk3 || fail "the game from the seed box differs"
  [ "$(in_container systemctl is-active lanspread)" = active ] || fail "the seed box stopped"
  local exposure
  exposure=$(in_container systemd-analyze security lanspread --no-pager | sed -n 's/.*exposure level for lanspread.service: //p')
  ok "the seed box runs in its sandbox (exposure $exposure) and a guest downloaded from it"

  in_container loginctl enable-linger player
  local user_systemctl=(runuser -u player -- env XDG_RUNTIME_DIR="/run/user/$(in_container id -u player)"
                        systemctl --user)
  deadline=$((SECONDS + 20))
  until in_container "${user_systemctl[@]}" enable --now lanspread > /dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "the user unit"
    sleep 0.5
  done
  deadline=$((SECONDS + 20))
  until in_container journalctl --no-pager _SYSTEMD_USER_UNIT=lanspread.service | grep -q 'sharing /home/player'; do
    [ $SECONDS -lt $deadline ] || fail "the user unit did not share the user's folder"
    sleep 0.5
  done
  in_container "${user_systemctl[@]}" disable --now lanspread > /dev/null 2>&1
  ok "the user unit shares the user's own folder"

  in_container dpkg --purge lanspread > "$scratch/purge.log" 2>&1 || { cat "$scratch/purge.log"; fail "purge"; }
  [ "$(in_container systemctl is-active lanspread)" != active ] || fail "the seed box runs after the purge"
  [ ! -e "$root/etc/systemd/system/multi-user.target.wants/lanspread.service" ] ||
    fail "the seed box is still enabled after the purge"
  [ -f "$root/var/lib/lanspread/games/quake3/version.ini" ] || fail "the purge deleted the games"
  [ ! -e "$root/var/lib/lanspread/identity" ] || fail "the purge kept the seed box's identity"
  ok "a purge stops the seed box, removes its state, keeps its games"

  kill -TERM "$nspawn"
  wait "$nspawn" || true
  echo "the .deb booted: $((SECONDS - started)) s"
}

test_portable() {
  local started=$SECONDS
  echo "== $archive"
  local root=$scratch/root
  # glibc's files, in Debian 12's merged /usr layout, and nothing else.
  mkdir -p "$root/usr/lib" "$root/usr/lib64" "$root/usr/bin" "$root/proc"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  ln -s usr/bin "$root/bin"
  local file
  dpkg -L libc6 | while read -r file; do
    [ -d "$file" ] && continue
    mkdir -p "$root$(dirname "$file")"
    cp -a "$file" "$root$file"
  done
  mkdir "$root/opt"
  tar -xzf "$archive" -C "$root/opt"
  local program
  program=$(cd "$root" && ls -d opt/lanspread-*-linux-x86_64)/lanspread
  [ -x "$root/$program" ] || fail "no program in the archive"

  # A game for the seed: a zip and a version.ini; the guest starts empty.
  mkdir -p "$root/seed/games/quake3" "$root/seed/state" "$root/guest/games" "$root/guest/state" \
    "$scratch/game/baseq3"
  head -c 6000000 /dev/urandom > "$scratch/game/baseq3/pak0.pk3"
  echo "seeded in a minimal root" > "$scratch/game/readme.txt"
  bsdtar -a -cf "$root/seed/games/quake3/quake3.zip" -C "$scratch/game" baseq3 readme.txt
  echo "1.32" > "$root/seed/games/quake3/version.ini"

  unshare --net --mount --pid --fork "$0" --in-namespaces "$root" "/$program" > "$scratch/portable.log" 2>&1 ||
    { cat "$scratch/portable.log" "$root/seed.log"; fail "serve and download in the minimal root"; }
  grep -q '^web UI: built in' "$scratch/portable.log" || fail "the archive's program has no UI"
  for file in quake3.zip version.ini; do
    cmp "$root/seed/games/quake3/$file" "$root/guest/games/quake3/$file" || fail "$file differs"
  done
  cmp "$scratch/game/baseq3/pak0.pk3" "$root/guest/games/quake3/local/baseq3/pak0.pk3" ||
    fail "the installed game differs"
  ok "in a root holding only glibc: serve, download by address, install; the game arrived byte-identical"
  echo "the portable archive: $((SECONDS - started)) s"
}

test_deb
test_booted_debian
test_portable
