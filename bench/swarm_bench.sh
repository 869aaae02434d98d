#!/usr/bin/env bash
# Swarming on a simulated LAN (docs/benchmarks.md): one machine has a new game and
# several want it at once. Network namespaces on a bridge, every link (each
# host's upload and download) shaped with tc tbf; the real `lanspread serve`
# seeds, `lanspread download` downloads. Every download is compared byte for
# byte with the source; a mismatch fails the run.
#
#   sudo bench/swarm_bench.sh [--size-mib N] [--downloaders N] [--rate-mbit N]
#                             [--runs abc] [--lanspread PATH] [--data DIR]
#
# Run a: one downloader alone (the baseline).
# Run b: all downloaders at once, each given only the seeder's address (no
#        swarm: they cannot see each other).
# Run c: all downloaders at once, each given the seeder's and every other
#        downloader's address (swarm).
set -euo pipefail
# shellcheck source=lib/simulated_lan.sh
source "$(dirname "$0")/lib/simulated_lan.sh"

size_mib=512
downloaders=8
rate=200
runs=abc
lanspread=build/release/src/cli/lanspread
data=${LANSPREAD_BENCH_DATA:-/tmp/lanspread-lan-bench}
game_id=cs16
while [[ $# -gt 0 ]]; do
  case $1 in
    --size-mib) size_mib=$2; shift 2 ;;
    --downloaders) downloaders=$2; shift 2 ;;
    --rate-mbit) rate=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --lanspread) lanspread=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

lan_require ip tc openssl python3 /usr/bin/time
((downloaders >= 1)) || { echo "--downloaders must be at least 1" >&2; exit 2; }
no_mdns=$(lan_no_mdns_flag "$lanspread") # peers by address only

# --- the synthetic game, generated once per size -----------------------------
size_bytes=$((size_mib << 20))
source_dir=$data/swarm-source-${size_mib}mib
source_games=$source_dir/games
source_root=$source_games/$game_id
mkdir -p "$data"
if [[ ! -e $source_dir/generated ]]; then
  rm -rf "$source_dir"
  echo "generating a $size_mib MiB game in $source_root" >&2
  lan_generate_game "$source_root" "$size_bytes"
  echo "1.0.$size_mib" >"$source_root/version.ini"
  touch "$source_dir/generated"
fi
source_files=$(find "$source_root" -type f | wc -l)

# --- the simulated LAN: host 0 seeds, hosts 1..N download --------------------
work=$(mktemp -d "$data/swarm-run.XXXX")
lan_after_cleanup() { rm -rf "$work"; }
lan_setup $((downloaders + 1))
for ((host = 0; host <= downloaders; host++)); do lan_shape $host "$rate"; done
port=7400

mkdir -p "$work/seed/state"
# (ip netns exec directly: the pid is then lanspread's, for its CPU time)
# shellcheck disable=SC2086
ip netns exec "$(lan_ns 0)" "$lanspread" $no_mdns --games "$source_games" --state "$work/seed/state" --port $port \
  --log-level warn serve >"$work/seed/serve.log" 2>&1 &
seeder_pid=$!
lan_track $seeder_pid
echo "waiting for the seeder to hash $size_mib MiB" >&2
lan_wait_for_hashes "$lanspread" "$game_id" "$work/seed/state/block_hashes/$game_id.json" "$work/warm" 1 \
  "$(lan_addr 0):$port" "the seeder" "$seeder_pid" "$work/seed/serve.log"
echo "hashed in $lan_hash_seconds" >&2

# --- measuring -----------------------------------------------------------------
results=$work/results.tsv # run host seconds rss_kib cpu_s most_peers
summary=$work/summary.tsv # run count slowest seeder_sent_bytes seeder_cpu load
: >"$results"
: >"$summary"
seeder_link() { ip -n "$(lan_ns 0)" -s -j link show dev "${lan_tag}h0"; }
seeder_tx_bytes() { seeder_link | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["bytes"])'; }
seeder_ticks() { awk '{print $14 + $15}' "/proc/$seeder_pid/stat"; }
load() { uptime | sed 's/.*load average: //'; }

run() { # name count swarm(yes|no)
  local name=$1 count=$2 swarm=$3 host other
  local -a pids=()
  for ((host = 1; host <= count; host++)); do
    rm -rf "$work/dl$host"
    mkdir -p "$work/dl$host/games" "$work/dl$host/state"
  done
  local tx_before ticks_before start end
  tx_before=$(seeder_tx_bytes)
  ticks_before=$(seeder_ticks)
  start=$(date +%s.%N)
  for ((host = 1; host <= count; host++)); do
    local -a peers=(--peer "$(lan_addr 0):$port")
    if [[ $swarm == yes ]]; then
      for ((other = 1; other <= count; other++)); do
        ((other == host)) || peers+=(--peer "$(lan_addr $other):$port")
      done
    fi
    # shellcheck disable=SC2086
    ip netns exec "$(lan_ns $host)" /usr/bin/time -f '%e %M %U %S' -o "$work/dl$host/time.txt" "$lanspread" $no_mdns \
      --games "$work/dl$host/games" --state "$work/dl$host/state" --port $port "${peers[@]}" --json \
      download --no-install --wait 60 "$game_id" >"$work/dl$host/events.jsonl" 2>"$work/dl$host/err.log" &
    pids+=($!)
  done
  lan_track "${pids[@]}"
  local failed=0
  for ((host = 1; host <= count; host++)); do
    if ! wait "${pids[host - 1]}"; then
      echo "run $name: downloader $host failed:" >&2
      tail -20 "$work/dl$host/err.log" >&2
      failed=1
    fi
  done
  end=$(date +%s.%N)
  ((failed == 0)) || exit 1
  local seeder_sent seeder_cpu
  seeder_sent=$(($(seeder_tx_bytes) - tx_before))
  seeder_cpu=$(python3 -c "print(f'{($(seeder_ticks) - $ticks_before) / $(getconf CLK_TCK):.1f}')")
  local slowest=0
  for ((host = 1; host <= count; host++)); do
    if ! diff -rq -x '.lanspread*' "$source_root" "$work/dl$host/games/$game_id" >"$work/diff.txt" 2>&1; then
      echo "FAIL: run $name: downloader $host's copy differs from the source:" >&2
      head -20 "$work/diff.txt" >&2
      exit 1
    fi
    local seconds rss user sys most_peers
    read -r seconds rss user sys <"$work/dl$host/time.txt"
    most_peers=$(python3 -c '
import json, sys
most = 0
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("event") == "download-game-files-progress":
        most = max(most, event["peers_streaming"])
print(most)' "$work/dl$host/events.jsonl")
    echo -e "$name\t$host\t$seconds\t$rss\t$(python3 -c "print(f'{$user + $sys:.1f}')")\t$most_peers" >>"$results"
    slowest=$(python3 -c "print(max($slowest, $seconds))")
    rm -rf "$work/dl$host"
  done
  echo -e "$name\t$count\t$slowest\t$seeder_sent\t$seeder_cpu\t$(python3 -c "print(f'{$end - $start:.2f}')")\t$(load)" >>"$summary"
  echo "run $name done: slowest $slowest s, load $(load)" >&2
}

echo "load before: $(load)" >&2
if [[ $runs == *a* ]]; then
  echo "run a: one downloader alone" >&2
  run a 1 no
fi
if [[ $runs == *b* ]]; then
  echo "run b: $downloaders downloaders, each knowing only the seeder" >&2
  run b "$downloaders" no
fi
if [[ $runs == *c* ]]; then
  echo "run c: $downloaders downloaders, each knowing the seeder and the others (swarm)" >&2
  run c "$downloaders" yes
fi

# --- the tables ----------------------------------------------------------------
echo
echo "lanspread swarm bench: $size_mib MiB game ($source_files files), 1 seeder, every link $rate Mbit/s," \
  "$(date -u +%F\ %H:%M) UTC"
echo "seeder hashing on the first request: $lan_hash_seconds"
python3 - "$results" "$summary" "$size_bytes" "$rate" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
summary = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
size, rate = int(sys.argv[3]), int(sys.argv[4])
names = {"a": "a: one downloader alone", "b": "b: together, seeder only (no swarm)",
         "c": "c: together, every address (swarm)"}
single = next((float(r[2]) for r in rows if r[0] == "a"), None)
def vs_single(seconds):
    return f"{seconds / single:.2f}x" if single else "-"
line_seconds = size * 8 / (rate * 1e6)
print(f"(one copy at the full {rate} Mbit/s line rate would take {line_seconds:.1f} s)")
print()
print("| run | downloaders | slowest s | fastest s | slowest vs single | seeder sent (copies) "
      "| aggregate MB/s | peak RSS (max) | CPU-s downloaders | CPU-s seeder | load (1, 5, 15 min) after |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for name, count, slowest, sent, seeder_cpu, wall, load in summary:
    times = [float(r[2]) for r in rows if r[0] == name]
    rss = max(int(r[3]) for r in rows if r[0] == name)
    cpu = sum(float(r[4]) for r in rows if r[0] == name)
    aggregate = int(count) * size / float(slowest) / 1e6
    print(f"| {names[name]} | {count} | {float(slowest):.1f} | {min(times):.1f} | {vs_single(float(slowest))} "
          f"| {int(sent) / size:.2f} | {aggregate:.1f} | {rss / 1024:.0f} MiB | {cpu:.1f} | {seeder_cpu} | {load} |")
print()
print("| run | downloader | seconds | vs single | peak RSS | CPU-s | most peers streaming at once |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, host, seconds, rss, cpu, most in rows:
    print(f"| {name} | {host} | {float(seconds):.1f} | {vs_single(float(seconds))} | {int(rss) / 1024:.0f} MiB "
          f"| {cpu} | {most} |")
if single and any(s[0] == "c" for s in summary):
    slowest_c = float(next(s[2] for s in summary if s[0] == "c"))
    verdict = "met" if slowest_c <= 2 * single else "NOT met"
    print(f"\ntarget (swarm: every downloader within 2x the single downloader's time): {verdict} "
          f"({slowest_c / single:.2f}x)")
EOF
cat <<EOF

notes:
- every download verified byte-identical (diff -r against the source)
- seconds: each downloader's wall clock from its start to its exit (start-up,
  manifest, transfer, final syncfs); all of a run start within a few ms
- seeder sent: bytes out of the seeder's veth during the run (QUIC and IP
  overhead included) divided by the game's size
- \`lanspread download\` exits when its download ends, so a finished
  downloader stops serving: in run c the last ones can only take blocks from
  the seeder and from downloaders still running
EOF
