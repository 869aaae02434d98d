#!/usr/bin/env bash
# Rate limits on a simulated LAN (docs/benchmarks.md): does a limit of N Mbit/s hold?
# Network namespaces on a bridge, every link shaped to --line-mbit (1 Gbit/s)
# so the limit, not the link, is what holds the rate back. The real
# `lanspread serve` seeds, `lanspread download` downloads; every copy is
# compared byte for byte with the source.
#
#   sudo bench/rate_limit_bench.sh [--size-mib N] [--limits "100 400"] [--line-mbit N]
#                                  [--lanspread PATH] [--data DIR]
#
# For each limit N:
#   download  the downloader runs with --download-limit N, the seeder has none
#   upload    the seeder runs with --upload-limit N, one downloader
#   shared    the seeder runs with --upload-limit N, two downloaders at once:
#             together they should get N, each about half
#
# The rate is payload bytes over the transfer, from the downloader's progress
# events (start-up, manifest and final sync are not the limiter's doing);
# with two downloaders, their bytes together over the span both ran. "wire" is what left the seeder's veth over the whole run
# (QUIC, IP and Ethernet headers included) divided by the payload.
set -euo pipefail
# shellcheck source=lib/simulated_lan.sh
source "$(dirname "$0")/lib/simulated_lan.sh"

size_mib=512
limits="100 400"
line=1000
lanspread=build/release/src/cli/lanspread
data=${LANSPREAD_BENCH_DATA:-/tmp/lanspread-lan-bench}
game_id=cs16
while [[ $# -gt 0 ]]; do
  case $1 in
    --size-mib) size_mib=$2; shift 2 ;;
    --limits) limits=$2; shift 2 ;;
    --line-mbit) line=$2; shift 2 ;;
    --lanspread) lanspread=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    -h|--help) sed -n 2,20p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

lan_require ip tc openssl python3
no_mdns=$(lan_no_mdns_flag "$lanspread") # peers by address only

source_dir=$data/rate-source-${size_mib}mib
source_games=$source_dir/games
source_root=$source_games/$game_id
mkdir -p "$data"
if [[ ! -e $source_dir/generated ]]; then
  rm -rf "$source_dir"
  echo "generating a $size_mib MiB game in $source_root" >&2
  lan_generate_game "$source_root" $((size_mib << 20))
  echo "1.0.$size_mib" >"$source_root/version.ini"
  touch "$source_dir/generated"
fi

# Host 0 seeds, hosts 1 and 2 download.
work=$(mktemp -d "$data/rate-run.XXXX")
lan_after_cleanup() { rm -rf "$work"; }
lan_setup 3
for host in 0 1 2; do lan_shape $host "$line"; done
port=7400
seeder=$(lan_addr 0):$port
seeder_pid=0

start_seeder() { # extra flags...
  if ((seeder_pid != 0)); then
    kill -TERM $seeder_pid
    wait $seeder_pid || true
  fi
  # (ip netns exec directly: $! is then lanspread itself)
  # shellcheck disable=SC2086
  ip netns exec "$(lan_ns 0)" "$lanspread" $no_mdns --games "$source_games" --state "$work/seed/state" \
    --port $port --log-level warn "$@" serve >>"$work/seed/serve.log" 2>&1 &
  seeder_pid=$!
  lan_track $seeder_pid
}
seeder_tx_bytes() {
  ip -n "$(lan_ns 0)" -s -j link show dev "${lan_tag}h0" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["bytes"])'
}

mkdir -p "$work/seed/state"
start_seeder
echo "waiting for the seeder to hash $size_mib MiB" >&2
lan_wait_for_hashes "$lanspread" "$game_id" "$work/seed/state/block_hashes/$game_id.json" "$work/warm" 1 \
  "$seeder" "the seeder" "$seeder_pid" "$work/seed/serve.log"

# Stamps each JSON event line with the time it arrived.
read -r -d '' stamp <<'EOF' || true
import sys, time
for line in sys.stdin:
    print(f"{time.monotonic():.4f} {line}", end="", flush=True)
EOF
# Payload Mbit/s from progress events, for each downloader and together.
# The window starts 1 s after a downloader's first progress event: progress
# counts verified blocks, and before the pipeline is full the bytes in flight
# would be credited to the window. Together: all bytes over the span from the
# first start to the last end. Prints "total<TAB>each...<TAB>seconds...".
read -r -d '' transfer_rate <<'EOF' || true
import json, sys
windows = []
for path in sys.argv[1:]:
    points = []
    for line in open(path):
        stamp, _, body = line.partition(" ")
        try:
            event = json.loads(body)
        except ValueError:
            continue
        if event.get("event") == "download-game-files-progress":
            points.append((float(stamp), event["bytes_done"]))
    if not points:
        sys.exit(f"{path}: no progress events")
    settled = [p for p in points if p[0] >= points[0][0] + 1.0]
    if len(settled) < 2 or settled[-1][0] - settled[0][0] < 2:
        sys.exit(f"{path}: the transfer was too short to measure a rate; use a larger --size-mib")
    windows.append((settled[0], settled[-1]))
rate = lambda b, t: b * 8 / t / 1e6
each = [rate(b1 - b0, t1 - t0) for (t0, b0), (t1, b1) in windows]
span = max(w[1][0] for w in windows) - min(w[0][0] for w in windows)
total = rate(sum(w[1][1] - w[0][1] for w in windows), span)
print(f"{total:.1f}\t{' '.join(f'{r:.1f}' for r in each)}\t"
      f"{' '.join(f'{w[1][0] - w[0][0]:.1f}' for w in windows)}")
EOF

results=$work/results.tsv
: >"$results"
run() { # name limit downloaders download_flags...
  local name=$1 limit=$2 count=$3; shift 3
  local host
  local -a pids=()
  local tx_before
  tx_before=$(seeder_tx_bytes)
  for ((host = 1; host <= count; host++)); do
    rm -rf "$work/dl$host"
    mkdir -p "$work/dl$host/games" "$work/dl$host/state"
    # shellcheck disable=SC2086
    ip netns exec "$(lan_ns $host)" "$lanspread" $no_mdns --games "$work/dl$host/games" \
      --state "$work/dl$host/state" --peer "$seeder" "$@" --json download --no-install --wait 60 "$game_id" \
      2>"$work/dl$host/err.log" | python3 -u -c "$stamp" >"$work/dl$host/events.txt" &
    pids+=($!)
  done
  for ((host = 1; host <= count; host++)); do
    wait "${pids[host - 1]}" || true
    # The pipeline's status is python's; lanspread's shows in its events.
    if ! grep -q '"download-game-files-finished"' "$work/dl$host/events.txt"; then
      echo "run $name $limit: downloader $host failed:" >&2
      tail -20 "$work/dl$host/err.log" >&2
      exit 1
    fi
    if ! diff -rq -x '.lanspread*' "$source_root" "$work/dl$host/games/$game_id" >"$work/diff.txt" 2>&1; then
      echo "FAIL: run $name $limit: downloader $host's copy differs from the source:" >&2
      head -20 "$work/diff.txt" >&2
      exit 1
    fi
  done
  local wire
  wire=$(python3 -c "print(f'{($(seeder_tx_bytes) - $tx_before) / ($count * $((size_mib << 20))):.3f}')")
  local files=() total each seconds
  for ((host = 1; host <= count; host++)); do files+=("$work/dl$host/events.txt"); done
  IFS=$'\t' read -r total each seconds < <(python3 -c "$transfer_rate" "${files[@]}")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$limit" "$total" "$each" "$seconds" "$wire" >>"$results"
  echo "$name at $limit Mbit/s: $total Mbit/s ($each)" >&2
}

for limit in $limits; do
  start_seeder
  run download "$limit" 1 --download-limit "$limit"
  start_seeder --upload-limit "$limit"
  run upload "$limit" 1
  run shared "$limit" 2
done

echo
echo "lanspread rate limits: $size_mib MiB game, every link $line Mbit/s, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load after: $(uptime | sed 's/.*load average: //')"
echo
echo "| limit set on | limit Mbit/s | downloaders | payload Mbit/s (sum) | of the limit | each downloader Mbit/s | transfer s | wire / payload |"
echo "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |"
status=0
while IFS=$'\t' read -r name limit total each secs wire; do
  case $name in
    download) where="downloader (--download-limit)"; count=1 ;;
    upload) where="seeder (--upload-limit)"; count=1 ;;
    shared) where="seeder (--upload-limit)"; count=2 ;;
  esac
  share=$(python3 -c "print(f'{$total / $limit * 100:.0f}%')")
  python3 -c "import sys; sys.exit(0 if abs($total / $limit - 1) <= 0.10 else 1)" || status=1
  echo "| $where | $limit | $count | $total | $share | $each | $secs | $wire |"
done <"$results"
echo
if ((status == 0)); then
  echo "target (every limit honoured within 10%): met"
else
  echo "target (every limit honoured within 10%): NOT met"
fi
exit $status
