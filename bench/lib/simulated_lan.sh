# shellcheck shell=bash
# Sourced by the benches that run lanspread on a simulated LAN: network
# namespaces on a bridge, one veth per host, both ends shaped with tc tbf (the
# kernel here has no netem). Needs root, bash and `set -euo pipefail` in the
# caller.
#
#   lan_require TOOLS...          exits unless root, TOOLS and $lanspread are
#                                 there; makes $lanspread an absolute path
#   lan_setup HOSTS [multicast]   namespaces 0..HOSTS-1 on a new bridge; cleans
#                                 up on exit (lan_cleanup; INT/TERM exit 130)
#   lan_addr HOST / lan_ns HOST   a host's address, its namespace
#   lan_on HOST COMMAND...        runs COMMAND in the host's namespace
#   lan_shape HOST MBIT           limits the host's upload and download
#   lan_track PID                 a process lan_cleanup kills
#   lan_generate_game ROOT BYTES [SEED]
#   lan_wait_for_hashes ...       see below
#
# lan_cleanup kills the tracked processes and whatever still runs in the
# namespaces, deletes the namespaces and the bridge, then calls
# lan_after_cleanup if the caller defined it.

lan_tag=${lan_tag:-lb$$}
lan_bridge=${lan_tag}br
lan_subnet=$(($$ % 250 + 1))
lan_hosts=0
lan_pids=()

lan_require() { # tools...
  [[ $(id -u) == 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
  done
  lanspread=$(realpath "$lanspread")
  [[ -x $lanspread ]] || { echo "no lanspread binary at $lanspread" >&2; exit 1; }
}

lan_addr() { echo "10.78.$lan_subnet.$(($1 + 1))"; }
lan_ns() { echo "${lan_tag}-$1"; }
lan_on() { local host=$1; shift; ip netns exec "$(lan_ns "$host")" "$@"; }
lan_track() { lan_pids+=("$@"); }

lan_cleanup() {
  set +e
  local pid host
  # Grouped so that bash's "Killed" notice for each background job is not
  # printed under the results.
  {
    for pid in "${lan_pids[@]}"; do kill -9 "$pid"; done
    for ((host = 0; host < lan_hosts; host++)); do
      for pid in $(ip netns pids "$(lan_ns $host)"); do kill -9 "$pid"; done
    done
    wait
  } 2>/dev/null
  for ((host = 0; host < lan_hosts; host++)); do
    ip netns delete "$(lan_ns $host)" 2>/dev/null
    ip link delete "${lan_tag}v$host" 2>/dev/null
  done
  ip link delete "$lan_bridge" 2>/dev/null
  declare -F lan_after_cleanup >/dev/null && lan_after_cleanup
  return 0
}

# multicast: the bridge forwards multicast to every port (no snooping) and
# each host routes 224.0.0.0/4 to its veth, so mDNS works between the hosts.
lan_setup() { # hosts [multicast]
  lan_hosts=$1
  local multicast=${2:-} host
  trap lan_cleanup EXIT
  trap 'exit 130' INT TERM
  if [[ $multicast == multicast ]]; then
    ip link add "$lan_bridge" type bridge mcast_snooping 0
  else
    ip link add "$lan_bridge" type bridge
  fi
  ip link set "$lan_bridge" up
  for ((host = 0; host < lan_hosts; host++)); do
    ip netns add "$(lan_ns $host)"
    ip link add "${lan_tag}v$host" type veth peer name "${lan_tag}h$host"
    ip link set "${lan_tag}h$host" netns "$(lan_ns $host)"
    ip link set "${lan_tag}v$host" master "$lan_bridge" up
    ip -n "$(lan_ns $host)" addr add "$(lan_addr $host)/24" dev "${lan_tag}h$host"
    ip -n "$(lan_ns $host)" link set "${lan_tag}h$host" up
    ip -n "$(lan_ns $host)" link set lo up
    [[ $multicast == multicast ]] && ip -n "$(lan_ns $host)" route add 224.0.0.0/4 dev "${lan_tag}h$host"
  done
  return 0
}

# tbf on the host's end (its upload) and the bridge's end (its download).
lan_shape() { # host mbit
  # A small bucket, as on a real link: time a sender leaves the link idle is
  # lost, not made up later by a burst above the rate.
  local burst=65536
  ip netns exec "$(lan_ns "$1")" tc qdisc replace dev "${lan_tag}h$1" root tbf rate "$2mbit" burst "$burst" latency 20ms
  tc qdisc replace dev "${lan_tag}v$1" root tbf rate "$2mbit" burst "$burst" latency 20ms
}

# `--no-mdns` when the binary knows it (older builds had no mDNS).
lan_no_mdns_flag() { # lanspread
  if "$1" --help | grep -q -- --no-mdns; then echo --no-mdns; fi
}

# A synthetic game in ROOT (created; version.ini is the caller's): one seeded
# AES-CTR stream (fast, incompressible, every block distinct), file sizes from
# a seeded PRNG, so every run with the same size and seed builds the same
# game. 80% in three archives (50%, 20%, 10%), 15% in files of 256 KiB-5 MiB,
# the rest in files of 1 B-64 KiB. Fails unless ROOT holds BYTES at the end.
lan_generate_game() { # root bytes [seed]
  local root=$1 total=$2 seed=${3:-5} generator pass=lanspread-bench
  ((seed == 5)) || pass=lanspread-bench-$seed
  mkdir -p "$root"
  # (a heredoc on python3's stdin would replace the pipe)
  read -r -d '' generator <<'EOF' || true
import os, random, sys
root, total, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
stream = sys.stdin.buffer
def write(path, size):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as out:
        left = size
        while left:
            chunk = stream.read(min(left, 8 << 20))
            out.write(chunk)
            left -= len(chunk)
# A few big archives (80%), hundreds of medium files (15%), thousands of small ones.
archives = [("data/pak0.zip", 0.50), ("data/pak1.zip", 0.20), ("data/maps.7z", 0.10)]
for path, share in archives:
    write(path, int(total * share))
used = sum(int(total * share) for _, share in archives)
budget, n = used + int(total * 0.15), 0
while used < budget:
    size = min(rng.randint(256 << 10, 5 << 20), budget - used)
    write(f"media/{n % 16:02d}/medium{n:04d}.bin", size); used += size; n += 1
m = 0
while used < total:
    size = min(rng.randint(1, 64 << 10), total - used)
    write(f"config/{m % 64:02d}/{m % 7}/small{m:05d}.cfg", size); used += size; m += 1
print(f"{3 + n + m} files: 3 archives, {n} medium, {m} small", file=sys.stderr)
EOF
  openssl enc -aes-128-ctr -nosalt -pass "pass:$pass" -pbkdf2 </dev/zero 2>/dev/null |
    python3 -c "$generator" "$root" "$total" "$seed" || true
  [[ $(du -sb --apparent-size "$root" | cut -f1) -ge $total ]] ||
    { echo "generating the game failed" >&2; exit 1; }
}

# A seeder hashes its files (SHA-256 per 1 MiB block) and caches the hashes in
# its state dir (block_hashes/<game>.json). Waits until CACHE is written,
# meanwhile asking the seeder for the game from PROBE_HOST (a request makes a
# seeder that has not hashed yet hash; one that outlives the hashing times out
# and is repeated, up to 20 times). Sets lan_hash_seconds ("8.1 s (2
# request(s))"). NAME, SEEDER_PID and SEEDER_LOG are for the failure message.
lan_wait_for_hashes() { # lanspread game_id cache scratch probe_host seeder_addr name seeder_pid seeder_log
  local lanspread=$1 game_id=$2 cache=$3 scratch=$4 probe_host=$5 seeder=$6 name=$7
  local seeder_pid=$8 seeder_log=$9
  local start end probe tries=0
  start=$(date +%s.%N)
  until [[ -s $cache ]]; do
    rm -rf "$scratch"
    mkdir -p "$scratch/games" "$scratch/state"
    # shellcheck disable=SC2046
    ip netns exec "$(lan_ns "$probe_host")" "$lanspread" $(lan_no_mdns_flag "$lanspread") \
      --games "$scratch/games" --state "$scratch/state" --peer "$seeder" --log-level warn \
      download --no-install --wait 600 "$game_id" >"$scratch.log" 2>&1 &
    probe=$!
    tries=$((tries + 1))
    ((tries <= 20)) || { echo "$name wrote no block hashes:" >&2; cat "$scratch.log" >&2; exit 1; }
    while [[ ! -s $cache ]] && kill -0 "$probe" 2>/dev/null; do
      kill -0 "$seeder_pid" || { cat "$seeder_log" >&2; exit 1; }
      sleep 0.2
    done
    kill -9 "$probe" 2>/dev/null || true
    wait "$probe" 2>/dev/null || true
  done
  end=$(date +%s.%N)
  rm -rf "$scratch"
  # shellcheck disable=SC2034 # read by the caller
  lan_hash_seconds="$(python3 -c "print(f'{$end - $start:.1f}')") s ($tries request(s))"
}
