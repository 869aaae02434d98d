#!/usr/bin/env bash
# A LAN party on a simulated LAN (docs/benchmarks.md): 12 peers in network namespaces on
# a bridge, every link shaped with tc tbf, each peer one `lanspread app`
# (seeding its folder, downloading through its HTTP API, finding the others
# by mDNS or by address). Five synthetic games of mixed sizes start on two
# peers each; every peer downloads a game it lacks, all at once, while one
# peer joins, one leaves cleanly, one is SIGKILLed, and both come back.
#
#   sudo bench/lan_party_bench.sh [--peers N] [--rate-mbit N] [--rounds N]
#        [--duration-min N] [--discovery mdns|address] [--sizes-mib 32,64,...]
#        [--lanspread PATH] [--data DIR] [--keep-rss FILE] [--keep-logs DIR]
#
# Checks: every download byte-identical with the source, every running
# peer's view of the network (the peers in its /api/state) converging after
# the start and after every join and leave, and no peer's RSS growing round
# after round. --duration-min N is the soak: rounds (uninstall and delete the
# last round's game, download another, joins and leaves again) until N
# minutes have passed. Prints the aggregate throughput, the per-peer peak RSS
# and the convergence times.
set -euo pipefail
# shellcheck source=lib/simulated_lan.sh
source "$(dirname "$0")/lib/simulated_lan.sh"

peers=12
rate=200
rounds=2
duration_min=0
discovery=mdns
sizes_mib=32,64,128,256,512
lanspread=build/release/src/cli/lanspread
data=${LANSPREAD_BENCH_DATA:-/tmp/lanspread-lan-bench}
keep_rss=
keep_logs=
round_timeout=900
while [[ $# -gt 0 ]]; do
  case $1 in
    --peers) peers=$2; shift 2 ;;
    --rate-mbit) rate=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --duration-min) duration_min=$2; shift 2 ;;
    --discovery) discovery=$2; shift 2 ;;
    --sizes-mib) sizes_mib=$2; shift 2 ;;
    --lanspread) lanspread=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --keep-rss) keep_rss=$(realpath "$2"); shift 2 ;;
    --keep-logs) keep_logs=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n 2,19p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

[[ $discovery == mdns || $discovery == address ]] || { echo "--discovery mdns or address" >&2; exit 2; }
lan_require ip tc openssl python3
IFS=, read -r -a sizes <<<"$sizes_mib"
game_ids=(quake3 ut99 cs16 l4d2 bf2 tf2 doom)
((${#sizes[@]} >= 2 && ${#sizes[@]} <= ${#game_ids[@]})) ||
  { echo "--sizes-mib: 2 to ${#game_ids[@]} sizes" >&2; exit 2; }
((peers >= 2 * ${#sizes[@]} + 2)) || { echo "--peers: at least twice the number of games plus 2" >&2; exit 2; }

# --- the games, generated once per id and size (each from its own seed) ------
mkdir -p "$data"
games_json=
for k in "${!sizes[@]}"; do
  id=${game_ids[$k]}
  dir=$data/party-source/$id-${sizes[$k]}mib
  if [[ ! -e $dir/generated ]]; then
    rm -rf "$dir"
    echo "generating $id, ${sizes[$k]} MiB, in $dir/$id" >&2
    lan_generate_game "$dir/$id" $((sizes[k] << 20)) $((k + 10))
    echo "1.0.${sizes[$k]}" >"$dir/$id/version.ini"
    touch "$dir/generated"
  fi
  games_json+="${games_json:+,}{\"id\": \"$id\", \"root\": \"$dir/$id\", \"bytes\": $((sizes[k] << 20))}"
done

# --- the LAN -------------------------------------------------------------------
work=$(mktemp -d "$data/party-run.XXXX")
# shellcheck disable=SC2317 # called by lan_cleanup
lan_after_cleanup() {
  if [[ -n $keep_logs ]]; then
    mkdir -p "$keep_logs"
    (cd "$work" && find . \( -name '*.log' -o -name '*.jsonl' -o -name rss.tsv \) -exec cp --parents {} "$keep_logs" \;)
  fi
  rm -rf "$work"
}
lan_setup "$peers" multicast
for ((host = 0; host < peers; host++)); do lan_shape $host "$rate"; done

cat >"$work/config.json" <<EOF
{"tag": "$lan_tag", "subnet": $lan_subnet, "peers": $peers, "rate": $rate, "rounds": $rounds,
 "duration_min": $duration_min, "discovery": "$discovery", "lanspread": "$lanspread",
 "work": "$work", "keep_rss": "$keep_rss", "round_timeout": $round_timeout, "games": [$games_json]}
EOF
echo "load before: $(uptime | sed 's/.*load average: //')" >&2
status=0
python3 "$(dirname "$0")/lib/lan_party.py" --config "$work/config.json" || status=$?
echo "load after: $(uptime | sed 's/.*load average: //')"
exit $status
