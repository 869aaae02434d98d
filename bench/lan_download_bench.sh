#!/usr/bin/env bash
# Downloads on a simulated LAN (docs/benchmarks.md): the real `lanspread` binary against
# aria2c (HTTP from nginx) and rsync (daemon) over network namespaces on a
# bridge, each link shaped with tc tbf. Every download is compared byte for
# byte with the source; a mismatch fails the run.
#
#   sudo bench/lan_download_bench.sh [--size-gib N] [--lanspread PATH] [--data DIR]
#                                    [--scenarios ABCL] [--downloads-on ext4|tmpfs]
#                                    [--loss "1 5"] [--loss-size-gib N]
#                                    [--congestion-control bbr,cubic]
#                                    [--tools lanspread,aria2c,rsync] [--keep-logs DIR]
#
# Scenario A: one seeder, every link 1 Gbit/s.
# Scenario B: seeders at 100, 300 and 600 Mbit/s, downloader at 1 Gbit/s.
# Scenario C: as B, the 600 Mbit/s seeder is SIGKILLed at 50% (lanspread only).
# Scenario D: as A with the downloader limited to 400 Mbit/s (lanspread only;
#             not run unless asked: --scenarios ABCD).
# Scenario L: as A with random loss on what the seeder sends, once per
#             percentage in --loss (rows L1, L5): lanspread and rsync, on a
#             second game of --loss-size-gib (default 1: TCP at 5% loss
#             moves a few MB/s, so 4 GiB would take rsync a quarter hour).
# --downloads-on tmpfs writes every download to RAM instead of the ext4 image:
# the same runs without this machine's disk, to tell the disk's share of the
# time from the rest.
# --tools leaves out the other tools (quick lanspread-only experiments).
# --keep-logs copies the seeders' logs and each lanspread download's stderr
# into DIR before the run's folder is deleted.
# --congestion-control runs lanspread once per controller listed (the
# seeders' is the one that matters: they send the bulk), in one run.
# Every row also reports what the transfer cost the link: the tbf drops, and
# the RTT of a ping from the downloader to the first seeder meanwhile.
set -euo pipefail
# shellcheck source=lib/simulated_lan.sh
source "$(dirname "$0")/lib/simulated_lan.sh"

size_gib=4
lanspread=build/release/src/cli/lanspread
data=${LANSPREAD_BENCH_DATA:-/tmp/lanspread-lan-bench}
scenarios=ABCL
loss_percentages="1 5"
loss_size_gib=1
loss_game_id=cscz
congestion_controls=bbr
tools="lanspread aria2c rsync"
keep_logs=
lanspread_limit=
downloads_on=ext4
game_id=cs16
while [[ $# -gt 0 ]]; do
  case $1 in
    --size-gib) size_gib=$2; shift 2 ;;
    --lanspread) lanspread=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --downloads-on) downloads_on=$2; shift 2 ;;
    --loss) loss_percentages=$2; shift 2 ;;
    --loss-size-gib) loss_size_gib=$2; shift 2 ;;
    --congestion-control) congestion_controls=${2//,/ }; shift 2 ;;
    --tools) tools=${2//,/ }; shift 2 ;;
    --keep-logs) keep_logs=$2; shift 2 ;;
    -h|--help) sed -n 2,34p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ $downloads_on == ext4 || $downloads_on == tmpfs ]] ||
  { echo "--downloads-on takes ext4 or tmpfs, not '$downloads_on'" >&2; exit 2; }

lan_require ip tc nft ping nginx aria2c rsync openssl python3 /usr/bin/time losetup mkfs.ext4
# Peers by address only (the namespaces have no multicast route anyway).
no_mdns=$(lan_no_mdns_flag "$lanspread")

# --- the synthetic games, generated once per size ------------------------
gib_to_bytes() { python3 -c "print(int(float('$1') * 2**30))"; }
source_games=$data/source-$size_gib-$loss_size_gib/games
generate_game() { # id size_gib
  local root=$source_games/$1
  [[ -e $root.generated ]] && return
  rm -rf "$root"
  echo "generating a $2 GiB game in $root" >&2
  lan_generate_game "$root" "$(gib_to_bytes "$2")"
  echo "1.0.$2" >"$root/version.ini"
  touch "$root.generated"
}
mkdir -p "$source_games"
generate_game "$game_id" "$size_gib"
[[ $scenarios != *L* ]] || generate_game "$loss_game_id" "$loss_size_gib"
source_files=$(find "$source_games/$game_id" -type f | wc -l)
# The game the runs below fetch; scenario L switches to the smaller one.
use_game() { # id
  game_id=$1
  source_root=$source_games/$1
  game_bytes=$(find "$source_root" -type f ! -name version.ini -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }')
}
use_game cs16

# --- the simulated LAN -----------------------------------------------------
# Host 0 downloads; hosts 1..3 seed.
addr() { lan_addr "$@"; }
ns() { lan_ns "$@"; }
shape() { lan_shape "$@"; }
on() { lan_on "$@"; }
work=$(mktemp -d "$data/run.XXXX")
# Every download lands on a fresh journaled ext4 (Debian's default) in an
# image on a loop device (direct I/O: no second page cache). This machine's
# root filesystem has no journal, and ext4 without one skips inodes freed in
# the last 30 s: each tool's thousands of files, created right after the
# previous tool's were deleted, cost it up to half a millisecond each, which
# no Debian install pays.
downloads=$work/downloads
loop_device=
lan_after_cleanup() {
  nft delete table bridge lanspread_loss 2>/dev/null || true
  if [[ -n $keep_logs ]]; then
    mkdir -p "$keep_logs"
    local log
    for log in "$work"/seed*/serve-*.log; do
      [[ -e $log ]] && cp "$log" "$keep_logs/$(basename "$(dirname "$log")")-$(basename "$log")"
    done
    cp "$work"/lanspread-*.err "$keep_logs/" 2>/dev/null || true
  fi
  umount "$downloads" 2>/dev/null || true
  if [[ -n $loop_device ]]; then losetup -d "$loop_device"; fi
  rm -rf "$work"
}
lan_setup 4
mkdir -p "$downloads"
downloads_size_gib=$(python3 -c "print(int(float('$size_gib') * 2 + 2))")
if [[ $downloads_on == tmpfs ]]; then
  mount -t tmpfs -o "size=${downloads_size_gib}g" tmpfs "$downloads"
  downloads_label="tmpfs (RAM)"
else
  truncate -s "${downloads_size_gib}G" "$work/downloads.img"
  loop_device=$(losetup --direct-io=on --find --show "$work/downloads.img")
  mkfs.ext4 -q "$loop_device"
  mount "$loop_device" "$downloads"
  downloads_label="ext4 image on a loop device"
fi

# --- seeders: lanspread, nginx and rsyncd on each seeding host -------------
# One seeder per congestion controller on each host, each on its own port;
# they share the game folder and the block hashes.
declare -A seeder_pid port_of
port=7400
for cc in $congestion_controls; do port_of[$cc]=$port; port=$((port + 1)); done
first_cc=${congestion_controls%% *}
# `--congestion-control` only when asked for, so older builds still run.
cc_flag() { [[ $congestion_controls == bbr ]] || echo "--congestion-control $1"; }
start_lanspread_seeder() { # host cc
  local host=$1 cc=$2
  local state=$work/seed$host/state-$cc
  mkdir -p "$state"
  if [[ $cc != "$first_cc" ]]; then cp -r "$work/seed1/state-$first_cc/block_hashes" "$state/"; fi
  # shellcheck disable=SC2046
  ip netns exec "$(ns "$host")" "$lanspread" $no_mdns $(cc_flag "$cc") --games "$source_games" \
    --state "$state" --port "${port_of[$cc]}" --log-level warn serve >"$work/seed$host/serve-$cc.log" 2>&1 &
  seeder_pid[$host/$cc]=$!
  lan_track $!
}
for host in 1 2 3; do
  mkdir -p "$work/nginx$host"
  cat >"$work/nginx$host/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx$host/nginx.pid;
error_log $work/nginx$host/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on;
  client_body_temp_path $work/nginx$host; proxy_temp_path $work/nginx$host;
  fastcgi_temp_path $work/nginx$host; uwsgi_temp_path $work/nginx$host;
  scgi_temp_path $work/nginx$host;
  server { listen $(addr $host):8080; root $source_games; }
}
EOF
  ip netns exec "$(ns "$host")" nginx -p "$work/nginx$host" -c "$work/nginx$host/nginx.conf" -g 'daemon off;' &
  lan_track $!
  cat >"$work/nginx$host/rsyncd.conf" <<EOF
use chroot = no
pid file = $work/nginx$host/rsyncd.pid
[games]
  path = $source_games
  read only = yes
EOF
  ip netns exec "$(ns "$host")" rsync --daemon --no-detach --port 8730 --config "$work/nginx$host/rsyncd.conf" &
  lan_track $!
done

peer_args() { # cc hosts...
  local cc=$1 host; shift
  for host in "$@"; do echo "--peer $(addr "$host"):${port_of[$cc]}"; done
}

# A seeder hashes its files (SHA-256 per 1 MiB block) and caches the hashes
# in its state dir, keyed by each file's inode, size and times. The runtime's
# background hashing at start misses the first library (it hashes the
# previous announcement), so a downloader's request starts it here: seeder 1
# hashes while a scratch download waits for the manifest (timed until the
# cache file is written). The other seeders share the same game folder and
# start with a copy of that cache, so the timed runs measure transfer only.
wait_for_hashes() {
  start_lanspread_seeder 1 "$first_cc"
  local game
  for game in $game_id $([[ $scenarios != *L* ]] || echo "$loss_game_id"); do
    lan_wait_for_hashes "$lanspread" "$game" "$work/seed1/state-$first_cc/block_hashes/$game.json" \
      "$work/warm" 0 "$(addr 1):${port_of[$first_cc]}" "seeder 1" "${seeder_pid[1/$first_cc]}" \
      "$work/seed1/serve-$first_cc.log"
  done
  local host cc
  for host in 1 2 3; do
    for cc in $congestion_controls; do
      [[ $host == 1 && $cc == "$first_cc" ]] && continue
      mkdir -p "$work/seed$host/state-$cc"
      cp -r "$work/seed1/state-$first_cc/block_hashes" "$work/seed$host/state-$cc/"
      start_lanspread_seeder "$host" "$cc"
    done
  done
  hash_seconds=$lan_hash_seconds
}

# --- measuring ---------------------------------------------------------------
results=$work/results.tsv
: >"$results"
verify() { # dir
  if ! diff -rq -x '.lanspread*' "$source_root" "$1" >"$work/diff.txt" 2>&1; then
    echo "FAIL: $1 differs from the source:" >&2
    head -20 "$work/diff.txt" >&2
    exit 1
  fi
}
# CPU of everything in the seeding namespaces (lanspread, nginx, rsyncd with
# its waited-for children); a process that dies during the run is left out.
declare -A seeders_cpu_before
seeder_ticks() { # prints "pid ticks" per process in the seeding namespaces
  local pid
  for host in 1 2 3; do
    for pid in $(ip netns pids "$(ns $host)"); do
      awk -v pid="$pid" '{print pid, $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || true
    done
  done
}
mark_seeder_cpu() {
  seeders_cpu_before=()
  local pid ticks
  while read -r pid ticks; do seeders_cpu_before[$pid]=$ticks; done < <(seeder_ticks)
}
seeder_cpu_seconds() {
  local total=0 pid ticks
  while read -r pid ticks; do
    [[ -n ${seeders_cpu_before[$pid]:-} ]] && total=$((total + ticks - seeders_cpu_before[$pid]))
  done < <(seeder_ticks)
  python3 -c "print(f'{$total / $(getconf CLK_TCK):.1f}')"
}
# What the transfer costs the link: the tbf drops on every shaped qdisc, and
# the RTT of a ping from the downloader to the first seeder every 50 ms.
tbf_drops() {
  local host total=0 dropped
  for ((host = 0; host < 4; host++)); do
    for dropped in $( (on "$host" tc -s qdisc show dev "${lan_tag}h$host" root
      tc -s qdisc show dev "${lan_tag}v$host" root) | sed -n 's/.*(dropped \([0-9]*\),.*/\1/p'); do
      total=$((total + dropped))
    done
  done
  echo "$total"
}
drops_before=0
ping_pid=
start_link_probe() { # seeder_host
  drops_before=$(tbf_drops)
  on 0 ping -n -i 0.05 "$(addr "$1")" >"$work/ping.txt" 2>&1 &
  ping_pid=$!
}
stop_link_probe() { # prints "drops rtt_median_ms rtt_p95_ms"
  kill -INT "$ping_pid" 2>/dev/null || true
  wait "$ping_pid" 2>/dev/null || true
  echo "$(($(tbf_drops) - drops_before)) $(python3 -c '
import re, sys
rtts = sorted(float(m) for m in re.findall(r"time=([0-9.]+) ms", open(sys.argv[1]).read()))
print(f"{rtts[len(rtts) // 2]:.2f} {rtts[len(rtts) * 95 // 100]:.2f}" if rtts else "- -")' "$work/ping.txt")"
}
record() { # tool scenario seconds line_mbit peak_rss_kib downloader_cpu seeder_cpu link note
  echo -e "$1\t$2\t$3\t$4\t$5\t$6\t$7\t$8\t$game_bytes\t$9" >>"$results"
}

# lanspread download with --json; a watcher stamps every progress event, kills
# a seeder at 50% when asked, and reports the longest gap between increases of
# bytes_done.
run_lanspread() { # scenario line_mbit kill_host seeders...
  [[ " $tools " == *" lanspread "* ]] || return 0
  local cc
  for cc in $congestion_controls; do run_lanspread_with "$cc" "$@"; done
}
run_lanspread_with() { # cc scenario line_mbit kill_host seeders...
  local cc=$1 scenario=$2 line=$3 kill_host=$4; shift 4
  local tool=lanspread
  [[ $congestion_controls == "$cc" ]] || tool="lanspread $cc"
  local dest=$downloads/dl-lanspread
  rm -rf "$dest"; mkdir -p "$dest/games" "$dest/state"
  mark_seeder_cpu
  local kill_pid=0
  [[ $kill_host != - ]] && kill_pid=${seeder_pid[$kill_host/$cc]}
  local start end link
  start_link_probe "$1"
  start=$(date +%s.%N)
  set +e
  # shellcheck disable=SC2046
  on 0 /usr/bin/time -f '%M %U %S' -o "$work/time.txt" "$lanspread" $no_mdns --games "$dest/games" \
    --state "$dest/state" $(peer_args "$cc" "$@") $lanspread_limit --json download --no-install --wait 60 "$game_id" \
    2>"$work/lanspread.err" | python3 -u -c "$watcher" "$kill_pid" >"$work/watch.txt"
  local rc=${PIPESTATUS[0]}
  set -e
  end=$(date +%s.%N)
  link=$(stop_link_probe)
  [[ $rc == 0 ]] || { echo "lanspread download failed ($rc):" >&2; tail -20 "$work/lanspread.err" >&2; exit 1; }
  cp "$work/lanspread.err" "$work/lanspread-$scenario-${cc}.err"
  verify "$dest/games/$game_id"
  local rss user sys gap most_peers
  read -r rss user sys <"$work/time.txt"
  read -r gap most_peers first_event streaming <"$work/watch.txt"
  record "$tool" "$scenario" "$(python3 -c "print(f'{$end - $start:.2f}')")" "$line" "$rss" \
    "$(python3 -c "print(f'{$user + $sys:.1f}')")" "$(seeder_cpu_seconds)" "$link" \
    "first progress at ${first_event} s, ${streaming} MB/s from 10% to 90%, longest stall ${gap} s, up to $most_peers peers streaming"
  rm -rf "$dest"
}
read -r -d '' watcher <<'EOF' || true
import json, os, signal, sys, time
kill_pid, killed, most_peers = int(sys.argv[1]), False, 0
# Gaps count from the first progress event (not the start-up before it).
last_done, last_t, gap, gap_at, start = 0, None, 0.0, 0, time.monotonic()
first_event, at10, at90 = None, None, None
for line in sys.stdin:
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("event") != "download-game-files-progress":
        continue
    done, total = event["bytes_done"], event["bytes_total"]
    most_peers = max(most_peers, event["peers_streaming"])
    now = time.monotonic()
    if first_event is None and done > 0:
        first_event = now - start
    if at10 is None and total and done >= total // 10:
        at10 = (now, done)
    if at90 is None and total and done >= total * 9 // 10:
        at90 = (now, done)
    if last_t is None:
        last_t = now
    if done > last_done:
        if now - last_t > gap:
            gap, gap_at = now - last_t, last_done
        last_done, last_t = done, now
    if kill_pid and not killed and total and done >= total // 2:
        os.kill(kill_pid, signal.SIGKILL)
        killed = True
        print(f"killed seeder pid {kill_pid} at {done}/{total} bytes, "
              f"{now - start:.1f} s", file=sys.stderr)
streaming = (at90[1] - at10[1]) / (at90[0] - at10[0]) / 1e6 if at10 and at90 and at90[0] > at10[0] else 0
print(f"{gap:.2f} {most_peers} {first_event or 0:.2f} {streaming:.1f}")
EOF

run_timed() { # tool scenario line_mbit note probe_host command...
  local tool=$1 scenario=$2 line=$3 note=$4 probe_host=$5; shift 5
  mark_seeder_cpu
  local start end link
  start_link_probe "$probe_host"
  start=$(date +%s.%N)
  on 0 /usr/bin/time -f '%M %U %S' -o "$work/time.txt" "$@" >"$work/$tool.log" 2>&1 ||
    { echo "$tool failed:" >&2; tail -20 "$work/$tool.log" >&2; exit 1; }
  end=$(date +%s.%N)
  link=$(stop_link_probe)
  local rss user sys
  read -r rss user sys <"$work/time.txt"
  record "$tool" "$scenario" "$(python3 -c "print(f'{$end - $start:.2f}')")" "$line" "$rss" \
    "$(python3 -c "print(f'{$user + $sys:.1f}')")" "$(seeder_cpu_seconds)" "$link" "$note"
}

# aria2c reads a list: each file's URLs (one per mirror, tab-separated) and its
# output path.
aria2_list() { # hosts...
  local bases=() host
  for host in "$@"; do bases+=("http://$(addr "$host"):8080/$game_id/"); done
  (cd "$source_root" && find . -type f -printf '%P\n') |
    awk -v bases="${bases[*]}" '{
      n = split(bases, base, " "); line = ""
      for (i = 1; i <= n; i++) line = line (i > 1 ? "\t" : "") base[i] $0
      print line; print "  out=" $0 }' >"$work/aria2.list"
}
run_aria2() { # scenario line_mbit hosts...
  [[ " $tools " == *" aria2c "* ]] || return 0
  local scenario=$1 line=$2; shift 2
  local dest=$downloads/dl-aria2
  rm -rf "$dest"; mkdir -p "$dest"
  aria2_list "$@"
  # -j: files in parallel; -s/-x: connections per file (one per mirror, more
  # on one seeder); -k: the smallest piece a connection takes.
  local split=$(($# == 1 ? 4 : 2 * $#))
  run_timed aria2c "$scenario" "$line" "$# mirror(s), -s $split" "$1" aria2c -i "$work/aria2.list" -d "$dest" -j 8 \
    -s "$split" -x "$(($# == 1 ? 4 : 2))" -k 4M --uri-selector=adaptive \
    --file-allocation=none --auto-file-renaming=false --allow-overwrite=true \
    --summary-interval=0 --console-log-level=warn --download-result=hide
  verify "$dest"
  rm -rf "$dest"
}
run_rsync() { # scenario line_mbit note host
  [[ " $tools " == *" rsync "* ]] || return 0
  local dest=$downloads/dl-rsync
  rm -rf "$dest"; mkdir -p "$dest"
  run_timed rsync "$1" "$2" "$3" "$4" rsync -a -W "rsync://$(addr "$4"):8730/games/$game_id/" "$dest/"
  verify "$dest"
  rm -rf "$dest"
}

echo "waiting for seeder 1 to hash ${size_gib} GiB" >&2
wait_for_hashes
echo "hashed in ${hash_seconds}" >&2

if [[ $scenarios == *A* ]]; then
  echo "scenario A: one seeder, 1 Gbit/s" >&2
  shape 0 1000; shape 1 1000
  run_lanspread A 1000 - 1
  run_aria2 A 1000 1
  run_rsync A 1000 "daemon" 1
fi
if [[ $scenarios == *B* || $scenarios == *C* ]]; then
  shape 0 1000; shape 1 100; shape 2 300; shape 3 600
fi
if [[ $scenarios == *B* ]]; then
  echo "scenario B: seeders at 100, 300, 600 Mbit/s" >&2
  run_lanspread B 1000 - 1 2 3
  run_aria2 B 1000 1 2 3
  run_rsync B 1000 "the 600 Mbit/s seeder only" 3
fi
if [[ $scenarios == *C* ]]; then
  echo "scenario C: the 600 Mbit/s seeder is killed at 50%" >&2
  run_lanspread C 1000 3 1 2 3
fi
if [[ $scenarios == *D* ]]; then
  # The "line rate" column then reads as the share of the limit reached.
  echo "scenario D: one seeder at 1 Gbit/s, downloader limited to 400 Mbit/s" >&2
  shape 0 1000; shape 1 1000
  lanspread_limit="--download-limit 400"
  run_lanspread D 400 - 1
  lanspread_limit=
fi

# Random loss on what the seeder sends, dropped on the bridge as it arrives
# from the seeder's link (nftables; this kernel has no netem). Not in the
# seeder's own output hook: a drop there is reported to the sending socket
# (EPERM), which no lossy cable does. The seeder's link hands the bridge one
# packet per datagram or segment (no GSO/TSO super-packets), so each is
# dropped on its own, for both tools alike.
if [[ $scenarios == *L* ]]; then
  shape 0 1000; shape 1 1000
  on 1 ip link set dev "${lan_tag}h1" gso_max_segs 1
  for percent in $loss_percentages; do
    echo "scenario L$percent: one seeder at 1 Gbit/s, ${percent}% of its packets lost" >&2
    nft add table bridge lanspread_loss
    nft add chain bridge lanspread_loss forward '{ type filter hook forward priority 0; policy accept; }'
    nft add rule bridge lanspread_loss forward iifname "${lan_tag}v1" numgen random mod 100 '<' "$percent" drop
    use_game "$loss_game_id"
    run_lanspread "L$percent" 1000 - 1
    run_rsync "L$percent" 1000 "daemon" 1
    use_game cs16
    nft delete table bridge lanspread_loss
  done
  on 1 ip link set dev "${lan_tag}h1" gso_max_segs 65535
fi

# --- the table ---------------------------------------------------------------
echo
echo "lanspread download bench: $size_gib GiB game, $source_files files, $(date -u +%F\ %H:%M) UTC"
[[ $scenarios != *L* ]] || echo "scenario L: a $loss_size_gib GiB game ($loss_game_id)"
echo "load: $(uptime | sed 's/.*load average/load average/')"
echo "downloads written to: $downloads_label"
echo "seeder 1 hashing $size_gib GiB on the first request: $hash_seconds"
python3 - "$results" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
rsync = {r[1]: r for r in rows if r[0] == "rsync"}
print("| tool | scenario | seconds | MB/s | % of line rate | rate vs rsync | peak RSS "
      "| CPU-s/GiB downloader (vs rsync) | CPU-s/GiB seeders | tbf drops | ping RTT median / p95 | note |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for tool, scenario, seconds, line, rss, cpu, seed_cpu, link, size, note in rows:
    size = int(size)
    gib = size / 2**30
    seconds = float(seconds)
    mbs = size / seconds / 1e6
    pct = 100 * size * 8 / seconds / (int(line) * 1e6)
    drops, rtt_median, rtt_p95 = link.split()
    down = float(cpu) / gib
    versus, cpu_versus = "", ""
    if scenario in rsync and tool != "rsync":
        versus = f"{float(rsync[scenario][2]) / seconds:.2f}x"
        rsync_cpu = float(rsync[scenario][5]) / (int(rsync[scenario][8]) / 2**30)
        cpu_versus = f" ({down / rsync_cpu:.1f}x)" if rsync_cpu > 0 else ""
    print(f"| {tool} | {scenario} | {seconds:.1f} | {mbs:.1f} | {pct:.0f}% of {line} Mbit/s "
          f"| {versus} | {int(rss) / 1024:.0f} MiB | {down:.2f}{cpu_versus} | {float(seed_cpu) / gib:.2f} "
          f"| {drops} | {rtt_median} / {rtt_p95} ms | {note} |")
EOF
echo "every download verified byte-identical (diff -r against the source)"
