#!/usr/bin/env bash
# A Linux peer and a Windows peer (lanspread.exe under wine) exchange games on
# loopback, both ways, and the Windows one installs what it got:
#   1. Linux `serve` -> `lanspread.exe download` of a RAR 5 multi-volume game
#      (cs16), a zip game with non-ASCII names (cscz) and a large file (css, --no-install), into a
#      game folder with a non-ASCII name; payloads byte-identical, installs
#      identical to a Linux install of the same games.
#   2. `lanspread.exe serve` (on what it downloaded) -> Linux download of the
#      same three; byte-identical.
#   3. The rate of the large download Linux -> Linux beside Linux -> wine (a
#      smoke figure: wine is no performance reference, and the time includes
#      each program's start).
# Usage: scripts/cross-platform-test.sh [linux-program] [windows-program] [MiB]
# scripts/test.sh runs it after the Windows suite.
set -euo pipefail
cd "$(dirname "$0")/.."

linux=$(realpath "${1:-build/release/src/cli/lanspread}")
windows=$(realpath "${2:-build/windows/src/cli/lanspread.exe}")
size_mib=${3:-256}
archives=$PWD/tests/data/archives
export WINEDEBUG=-all

work=$(mktemp -d)
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "cross-platform test: FAILED: $*" >&2
  exit 1
}

# The seeder's game folder: three games from the catalog.
seed=$work/linux-seed
mkdir -p "$seed/games/cs16" "$seed/games/cscz" "$seed/games/css"
cp "$archives"/test_read_format_rar5_multiarchive.part0*.rar "$seed/games/cs16/"
echo 20241207 > "$seed/games/cs16/version.ini"
# A zip with non-ASCII names (the repository's zip sample is corrupt on purpose).
mkdir -p "$work/zip/Übung/größe" "$work/zip/maps"
head -c 300000 /dev/urandom > "$work/zip/Übung/größe/spielstand.dat"
echo "de_dust2" > "$work/zip/maps/mapcycle.txt"
(cd "$work/zip" && LC_ALL=C.UTF-8 bsdtar --format zip -cf "$seed/games/cscz/cscz.zip" Übung maps)
echo 1.0 > "$seed/games/cscz/version.ini"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$seed/games/css/css.bin"
echo 34 > "$seed/games/css/version.ini"

# The UDP port of the `serve` with process id $2, once its log ($1) says it
# listens and has found its games.
wait_for_port() {
  local log=$1 pid=$2 port
  for _ in $(seq 1200); do
    if port=$(grep -oE 'listening on UDP port [0-9]+' "$log" | grep -oE '[0-9]+$') &&
      grep -q 'css: downloaded' "$log"; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2> /dev/null || { cat "$log" >&2; fail "the server exited"; }
    sleep 0.1
  done
  cat "$log" >&2
  fail "the server did not start within 120 s"
}

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
rate() { awk -v mib="$size_mib" -v s="$1" 'BEGIN { printf "%.1f MB/s (%.2f s)", mib * 1.048576 / s, s }'; }

# The payload files of a game (what the seeder serves), compared byte by byte.
same_payload() {
  local from=$1 to=$2
  (cd "$from" && find . -path ./local -prune -o -type f -print | sort) > "$work/from.list"
  (cd "$to" && find . -path ./local -prune -o -path './.lanspread*' -prune -o -type f -print | sort) > "$work/to.list"
  diff -u "$work/from.list" "$work/to.list" || fail "$to has other files than $from"
  while read -r file; do
    cmp -s "$from/$file" "$to/$file" || fail "$to/$file differs from $from/$file"
  done < "$work/from.list"
}

# Two installed trees (local/), compared file by file.
same_install() {
  local a=$1 b=$2
  (cd "$a" && find . -type f -print | sort) > "$work/a.list"
  (cd "$b" && find . -type f -print | sort) > "$work/b.list"
  [ -s "$work/a.list" ] || fail "$a is empty"
  diff -u "$work/a.list" "$work/b.list" || fail "$b holds other files than $a"
  while read -r file; do
    cmp -s "$a/$file" "$b/$file" || fail "$b/$file differs from $a/$file"
  done < "$work/a.list"
}

"$linux" --no-mdns --games "$seed/games" --state "$seed/state" serve \
  > /dev/null 2> "$work/linux-serve.log" &
servers+=("$!")
port=$(wait_for_port "$work/linux-serve.log" "$!")
echo "Linux seeder on UDP port $port"

echo "== Linux -> Linux (reference)"
ref=$work/linux-ref
mkdir -p "$ref/games"
for game in cs16 cscz; do
  "$linux" --no-mdns --games "$ref/games" --state "$ref/state" --peer "127.0.0.1:$port" \
    download "$game" 2> "$work/ref-$game.log" || { cat "$work/ref-$game.log" >&2; fail "Linux download of $game"; }
done
start=$(now)
"$linux" --no-mdns --games "$ref/games" --state "$ref/state" --peer "127.0.0.1:$port" \
  download css --no-install 2> "$work/ref-css.log" || { cat "$work/ref-css.log" >&2; fail "Linux download of css"; }
linux_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')

echo "== Linux -> wine, into a folder with a non-ASCII name"
wine_root="$work/wine/Spiele für alle"
mkdir -p "$wine_root/games"
wine_games=$(winepath -w "$wine_root/games")
wine_state=$(winepath -w "$work/wine/state")
for game in cs16 cscz; do
  wine "$windows" --no-mdns --games "$wine_games" --state "$wine_state" \
    --peer "127.0.0.1:$port" download "$game" --wait 60 2> "$work/wine-$game.log" ||
    { cat "$work/wine-$game.log" >&2; fail "lanspread.exe download of $game"; }
done
start=$(now)
wine "$windows" --no-mdns --games "$wine_games" --state "$wine_state" \
  --peer "127.0.0.1:$port" download css --no-install --wait 60 2> "$work/wine-css.log" ||
  { cat "$work/wine-css.log" >&2; fail "lanspread.exe download of css"; }
wine_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
for game in cs16 cscz css; do
  same_payload "$seed/games/$game" "$wine_root/games/$game"
done
echo "payloads byte-identical (RAR 5 in 8 volumes, zip, ${size_mib} MiB)"
for game in cs16 cscz; do
  same_install "$ref/games/$game/local" "$wine_root/games/$game/local"
done
echo "installs under wine identical to the Linux installs (RAR 5 multi-volume, zip)"

echo "== wine -> Linux"
wine "$windows" --no-mdns --games "$wine_games" --state "$wine_state" serve \
  > /dev/null 2> "$work/wine-serve.log" &
servers+=("$!")
wine_port=$(wait_for_port "$work/wine-serve.log" "$!")
echo "lanspread.exe seeder on UDP port $wine_port"
back=$work/linux-back
mkdir -p "$back/games"
for game in cs16 cscz css; do
  "$linux" --no-mdns --games "$back/games" --state "$back/state" --peer "127.0.0.1:$wine_port" \
    download "$game" --no-install 2> "$work/back-$game.log" ||
    { cat "$work/back-$game.log" >&2; fail "Linux download of $game from lanspread.exe"; }
  same_payload "$seed/games/$game" "$back/games/$game"
done
echo "payloads from lanspread.exe byte-identical"

echo "== rate of the ${size_mib} MiB download, from the Linux seeder on loopback"
echo "  Linux -> Linux: $(rate "$linux_seconds")"
echo "  Linux -> wine:  $(rate "$wine_seconds")  ($(awk -v l="$linux_seconds" -v w="$wine_seconds" 'BEGIN { printf "%.2fx", l / w }') of Linux; includes wine's start)"
echo "cross-platform test: passed"
