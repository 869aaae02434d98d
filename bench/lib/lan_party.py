"""The LAN-party scenario of bench/lan_party_bench.sh.

Runs on namespaces the shell script made (bench/lib/simulated_lan.sh). Every
host runs one `lanspread app` peer (it seeds its folder, downloads, and
answers the HTTP API on 127.0.0.1 inside its namespace); this script asks
peers to download through that API, watches every peer's `/api/state`
(its view of the network, its downloads) and its memory, stops and starts
peers, checks every finished download byte for byte, and prints the figures.
"""

import argparse
import ctypes
import http.client
import json
import os
import signal
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
POLL_SECONDS = 0.5
PORT = 7400
UI_PORT = 8800

libc = ctypes.CDLL("libc.so.6", use_errno=True)


def enter_namespace(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


# This process's own namespace, to come back to after opening a socket in a
# host's (a socket stays in the namespace it was made in).
ROOT_NAMESPACE = os.open("/proc/self/ns/net", os.O_RDONLY)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Peer:
    def __init__(self, party, host):
        self.party = party
        self.host = host
        self.namespace = f"{party.args.tag}-{host}"
        self.namespace_fd = None
        self.expected_down = True
        self.verified = None
        self.dir = os.path.join(party.args.work, f"peer{host}")
        self.games_dir = os.path.join(self.dir, "games")
        self.state_dir = os.path.join(self.dir, "state")
        self.seeds = []  # game ids this host starts with
        self.proc = None
        self.token = None
        self.peer_id = None
        self.instance = 0
        self.state = None  # last /api/state
        self.view = set()  # peer ids in the last /api/state
        self.rss_samples = []  # (seconds since start, instance, KiB)
        self.peak_kib = {}  # instance -> VmHWM
        self.wanted = None  # game id this peer is downloading this round
        self.requested_at = None
        self.downloaded_at = None
        self.first_progress_at = None
        self.installed = False
        self.retries = 0

    # --- process ----------------------------------------------------------
    def start(self):
        self.instance += 1
        os.makedirs(self.games_dir, exist_ok=True)
        os.makedirs(self.state_dir, exist_ok=True)
        self.stdout_path = os.path.join(self.dir, f"app{self.instance}.jsonl")
        self.stderr_path = os.path.join(self.dir, f"app{self.instance}.log")
        args = self.party.args
        # Its own host name too (a UTS namespace): peers remember each
        # other's keys by name.
        command = ["ip", "netns", "exec", self.namespace, "unshare", "--uts", "sh", "-c",
                   'hostname "$0" && exec "$@"', f"party{self.host}", args.lanspread]
        if args.discovery == "address":
            command.append("--no-mdns")
            for other in range(args.peers):
                if other != self.host:
                    command += ["--peer", f"{self.party.address(other)}:{PORT}"]
        command += ["--games", self.games_dir, "--state", self.state_dir, "--port", str(PORT),
                    "--json", "app", "--no-browser", "--ui-port", str(UI_PORT)]
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.token = None
        self.peer_id = None
        self.state = None
        self.view = set()
        self.started_at = time.monotonic()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def read_token(self):
        try:
            with open(self.stdout_path) as out:
                for line in out:
                    event = json.loads(line)
                    if event.get("event") == "app-ready":
                        self.token = event["url"].split("token=")[1]
        except (OSError, ValueError):
            pass

    def ready(self):
        """Whether the app answers and its runtime knows its id."""
        return self.running() and self.token is not None and self.peer_id is not None

    def signal(self, how):
        self.sample_memory(final=True)
        self.signalled_at = time.monotonic()
        self.proc.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        self.view = set()
        self.state = None

    # --- API --------------------------------------------------------------
    def request(self, method, path):
        if self.namespace_fd is None:
            self.namespace_fd = os.open(f"/run/netns/{self.namespace}", os.O_RDONLY)
        connection = http.client.HTTPConnection("127.0.0.1", UI_PORT, timeout=10)
        enter_namespace(self.namespace_fd)
        try:
            connection.connect()
        finally:
            enter_namespace(ROOT_NAMESPACE)
        try:
            connection.request(method, path, headers={"X-Lanspread-Token": self.token})
            response = connection.getresponse()
            body = response.read()
            return response.status, json.loads(body) if body else None
        finally:
            connection.close()

    def poll(self):
        if not self.running():
            return
        if self.token is None:
            self.read_token()
        if self.token is None:
            return
        try:
            status, state = self.request("GET", "/api/state")
        except (OSError, ValueError, http.client.HTTPException):
            return
        if status != 200:
            return
        self.state = state
        runtime = state.get("runtime", {})
        if runtime.get("running") and runtime.get("peer_id"):
            self.peer_id = runtime["peer_id"]
        self.view = {p["peer_id"] for p in state.get("peers", [])}

    def sample_memory(self, final=False):
        if self.proc is None:
            return
        try:
            with open(f"/proc/{self.proc.pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status)
        except OSError:
            return
        if "VmRSS" not in fields:
            return
        rss = int(fields["VmRSS"].split()[0])
        self.peak_kib[self.instance] = int(fields["VmHWM"].split()[0])
        if not final and self.ready():
            self.rss_samples.append((time.monotonic() - self.party.started, self.instance, rss))

    def game(self, game_id):
        for game in (self.state or {}).get("games", []):
            if game.get("id") == game_id:
                return game
        return None


class Party:
    def __init__(self, args):
        self.args = args
        self.started = time.monotonic()
        self.games = {g["id"]: g for g in args.games}
        self.game_ids = [g["id"] for g in args.games]
        self.peers = [Peer(self, host) for host in range(args.peers)]
        self.convergence = []  # (what, seconds or None)
        self.rounds = []  # dicts
        self.failures = []  # text
        self.term_exits = []  # seconds from SIGTERM to exit (None: killed after 30 s)
        self.end_of_round_rss = {}  # (host, instance) -> [KiB per round]
        # Game k starts on hosts k and k + len(games) (two seeders each);
        # the hosts past those start empty.
        for k, game_id in enumerate(self.game_ids):
            for host in (k, k + len(self.game_ids)):
                if host < args.peers:
                    self.peers[host].seeds.append(game_id)

    def address(self, host):
        return f"10.78.{self.args.subnet}.{host + 1}"

    # --- watching -----------------------------------------------------------
    def poll_all(self):
        for peer in self.peers:
            peer.poll()
            if peer.running():
                peer.sample_memory()
            elif peer.proc is not None and peer.proc.returncode is not None and not peer.expected_down:
                self.fail(f"peer {peer.host} exited on its own (code {peer.proc.returncode}); "
                          f"log: {peer.stderr_path}")
                peer.expected_down = True
        self.check_downloads()

    def wait_until(self, condition, timeout):
        """Seconds until condition() held (polling every POLL_SECONDS), or None."""
        start = time.monotonic()
        while True:
            tick = time.monotonic()
            self.poll_all()
            if condition():
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                return None
            time.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - tick)))

    def running_peers(self):
        return [p for p in self.peers if p.running() and not p.expected_down]

    def converged(self):
        running = self.running_peers()
        if not all(p.ready() for p in running):
            return False
        ids = {p.peer_id for p in running}
        return all(p.view == ids - {p.peer_id} for p in running)

    def measure_convergence(self, what, timeout=60, since=None):
        seconds = self.wait_until(self.converged, timeout)
        if seconds is not None and since is not None:
            seconds = time.monotonic() - since
        self.convergence.append((what, seconds))
        if seconds is None:
            views = {p.host: len(p.view) for p in self.running_peers()}
            self.fail(f"views did not converge within {timeout} s after {what}: peers seen per host {views}")
        else:
            log(f"converged {seconds:.2f} s after {what}")

    def fail(self, text):
        log(f"FAIL: {text}")
        self.failures.append(text)

    # --- downloads ------------------------------------------------------------
    def request_download(self, peer):
        status, body = peer.request("POST", f"/api/games/{peer.wanted}/download")
        if status // 100 != 2:
            self.fail(f"peer {peer.host}: download {peer.wanted} refused ({status}): {body}")
        peer.requested_at = peer.requested_at or time.monotonic()

    def check_downloads(self):
        for peer in self.peers:
            if not peer.wanted or peer.installed or not peer.running() or peer.state is None:
                continue
            failure = peer.state.get("failures", {}).get(peer.wanted)
            if failure:
                # A failed download is a finding; the peer asks again (as a
                # user would) so the scenario goes on, and it is reported.
                self.fail(f"peer {peer.host}: {peer.wanted}: {failure['operation']} failed: "
                          f"{failure['reason']}")
                peer.retries += 1
                peer.request("POST", f"/api/games/{peer.wanted}/dismiss")
                self.request_download(peer)
                continue
            if peer.first_progress_at is None and peer.wanted in peer.state.get("downloads", {}):
                peer.first_progress_at = time.monotonic()
            game = peer.game(peer.wanted)
            local = (game or {}).get("local") or {}
            busy = peer.wanted in peer.state.get("operations", {})
            if local.get("downloaded") and peer.downloaded_at is None and not busy or \
                    local.get("installed") and peer.downloaded_at is None:
                peer.downloaded_at = time.monotonic()
            if local.get("installed") and not busy:
                peer.installed = True
                self.verify(peer)

    def verify(self, peer):
        source = self.games[peer.wanted]["root"]
        copy = os.path.join(peer.games_dir, peer.wanted)
        diff = subprocess.run(["diff", "-rq", "-x", ".lanspread*", "-x", "local", source, copy],
                              capture_output=True, text=True)
        if diff.returncode != 0:
            self.fail(f"peer {peer.host}: {peer.wanted} differs from the source:\n"
                      + (diff.stdout + diff.stderr)[:2000])
            peer.verified = False
        else:
            peer.verified = True

    def remove_download(self, peer, game_id):
        """Uninstall and delete a downloaded game (the soak's next round)."""
        for action, done in (("uninstall", lambda g: not (g.get("local") or {}).get("installed")),
                             ("remove", lambda g: not (g.get("local") or {}).get("downloaded"))):
            status, body = peer.request("POST", f"/api/games/{game_id}/{action}")
            if status // 100 != 2:
                self.fail(f"peer {peer.host}: {action} {game_id} refused ({status}): {body}")
                return
            def finished():
                game = peer.game(game_id)
                return game is not None and done(game) and game_id not in peer.state.get("operations", {})
            if self.wait_until(finished, 60) is None:
                self.fail(f"peer {peer.host}: {action} {game_id} did not finish within 60 s")
                return
        if os.path.exists(os.path.join(peer.games_dir, game_id)):
            self.fail(f"peer {peer.host}: {game_id} still on disk after remove")

    def assignment(self, peer, round_number):
        """The game a peer downloads in a round: never one it seeds."""
        n = len(self.game_ids)
        if peer.seeds:
            own = self.game_ids.index(peer.seeds[0])
            offset = 1 + (peer.host // n + round_number) % (n - 1)
            choice = (own + offset) % n
            while self.game_ids[choice] in peer.seeds:
                choice = (choice + 1) % n
            return self.game_ids[choice]
        return self.game_ids[(peer.host + round_number) % n]

    # --- the scenario -----------------------------------------------------------
    def start_peer(self, peer, what):
        peer.expected_down = False
        peer.start()
        if self.wait_until(peer.ready, 60) is None:
            self.fail(f"peer {peer.host} ({what}) not ready within 60 s; log: {peer.stderr_path}")
            raise SystemExit(1)

    def stop_peer(self, peer, how):
        peer.expected_down = True
        peer.signal(how)

    def reap(self, peer, how, during_round=True):
        """Waits for a signalled peer to exit (the views converge meanwhile)."""
        exited = self.wait_until(lambda: peer.proc.poll() is not None, 30)
        if how == "term" and during_round:
            self.term_exits.append(None if exited is None else time.monotonic() - peer.signalled_at)
        if exited is None:
            self.fail(f"peer {peer.host} still running 30 s after SIG{how.upper()} "
                      f"(log: {peer.stderr_path}); killed")
            peer.proc.kill()
            peer.proc.wait()

    def setup(self):
        for peer in self.peers:
            os.makedirs(peer.games_dir, exist_ok=True)
            for game_id in peer.seeds:
                # Hard links: each seeder its own folder, no copy of the bytes.
                subprocess.run(["cp", "-al", self.games[game_id]["root"],
                                os.path.join(peer.games_dir, game_id)], check=True)
        first = self.peers[: self.args.peers - 1]  # the last host joins during round 1
        start = time.monotonic()
        for peer in first:
            peer.expected_down = False
            peer.start()
        ready = self.wait_until(lambda: all(p.ready() for p in first), 120)
        if ready is None:
            self.fail("not every peer started within 120 s")
            raise SystemExit(1)
        self.measure_convergence(f"starting {len(first)} peers at once (from the first start)", since=start)
        # Each seeder hashes its games at start (in the background).
        def hashed_all():
            for peer in first:
                with open(peer.stderr_path, errors="replace") as log_file:
                    text = log_file.read()
                if not all(f"{g}: hashed " in text for g in peer.seeds):
                    return False
            return True
        hashed = self.wait_until(hashed_all, 600)
        if hashed is None:
            self.fail("seeders did not hash their games within 600 s")
            raise SystemExit(1)
        self.hash_seconds = time.monotonic() - start

    def run_round(self, number):
        log(f"round {number}")
        n = self.args.peers
        joiner = self.peers[n - 1]
        # Who leaves this round: one clean stop, one SIGKILL, taking turns
        # among the second-to-last seeders of the games' first copies and
        # of their second copies, so they seed different games (every game
        # keeps a seeder) and hosts 0, G (G games) and the non-seeders run
        # the whole time (the memory check needs long-lived processes).
        g = len(self.game_ids)
        leaver = self.peers[1 + number % (g - 1)]
        killed = self.peers[g + 1 + (number + 1) % (g - 1)]
        if set(killed.seeds) & set(leaver.seeds):
            killed = self.peers[2 * g]
        for peer in self.peers:
            if number > 1 and peer.wanted and peer.running():
                self.remove_download(peer, peer.wanted)
            peer.wanted = self.assignment(peer, number)
            peer.requested_at = peer.downloaded_at = peer.first_progress_at = None
            peer.installed = False
            peer.verified = None
            peer.retries = 0
        start = time.monotonic()
        for peer in self.running_peers():
            self.request_download(peer)

        def event(what, action, then=None):
            # One at a time: the next event 2 s after the views converged.
            self.wait_until(lambda: False, 2)
            action()
            self.measure_convergence(what)
            if then:
                then()

        # A (re)started peer asks for its game once it sees the others, as a
        # user would once the game shows up.
        if not joiner.running():
            event(f"host {joiner.host} joins", lambda: self.start_peer(joiner, "join"),
                  lambda: self.request_download(joiner))
        event(f"host {leaver.host} leaves (SIGTERM)", lambda: self.stop_peer(leaver, "term"),
              lambda: self.reap(leaver, "term"))
        event(f"host {killed.host} is killed (SIGKILL)", lambda: self.stop_peer(killed, "kill"),
              lambda: self.reap(killed, "kill"))
        event(f"host {leaver.host} comes back", lambda: self.start_peer(leaver, "rejoin"),
              lambda: leaver.installed or self.request_download(leaver))
        event(f"host {killed.host} comes back", lambda: self.start_peer(killed, "restart"),
              lambda: killed.installed or self.request_download(killed))

        done = self.wait_until(lambda: all(p.installed for p in self.peers), self.args.round_timeout)
        if done is None:
            late = [f"{p.host}:{p.wanted}" for p in self.peers if not p.installed]
            self.fail(f"round {number}: downloads not finished within {self.args.round_timeout} s: {late}")
        finished = [p for p in self.peers if p.downloaded_at is not None]
        last = max((p.downloaded_at for p in finished), default=time.monotonic())
        total_bytes = sum(self.games[p.wanted]["bytes"] for p in finished)
        self.rounds.append({
            "number": number,
            "seconds": last - start,
            "bytes": total_bytes,
            "downloads": len(finished),
            "verified": sum(1 for p in self.peers if p.verified),
            "retries": sum(p.retries for p in self.peers),
            "start_latency": sorted(p.first_progress_at - p.requested_at for p in self.peers
                                    if p.first_progress_at is not None),
            "per_peer": [(p.host, p.wanted, None if p.downloaded_at is None else p.downloaded_at - p.requested_at)
                         for p in self.peers],
            "leaver": leaver.host, "killed": killed.host,
        })
        # Memory at the end of the round, once the peers are idle again.
        self.wait_until(lambda: False, 3)
        for peer in self.running_peers():
            samples = [kib for _, instance, kib in peer.rss_samples if instance == peer.instance]
            if samples:
                self.end_of_round_rss.setdefault((peer.host, peer.instance), []).append(samples[-1])

    def run(self):
        self.setup()
        number = 1
        deadline = self.started + self.args.duration_min * 60
        while True:
            self.run_round(number)
            if number >= self.args.rounds and time.monotonic() >= deadline:
                break
            number += 1
        for peer in self.running_peers():
            self.stop_peer(peer, "term")
        for peer in self.peers:
            if peer.proc is not None and peer.proc.poll() is None:
                self.reap(peer, "term", during_round=False)
        self.report()
        return 1 if self.failures else 0

    # --- the report ------------------------------------------------------------
    def report(self):
        a = self.args
        mib = 1 << 20
        print()
        sizes = ", ".join(f"{g} {self.games[g]['bytes'] // mib} MiB" for g in self.game_ids)
        print(f"lanspread LAN-party bench: {a.peers} peers, {len(self.game_ids)} games ({sizes}), "
              f"every link {a.rate} Mbit/s, discovery by {a.discovery}, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC")
        print(f"wall time {(time.monotonic() - self.started) / 60:.1f} min, {len(self.rounds)} round(s); "
              f"seeders hashed their games {self.hash_seconds:.1f} s after the first start")
        print()
        print("| round | downloads | verified | GiB | seconds (first request to last download) "
              "| aggregate MB/s | slowest download s | request to first progress s (median, max) "
              "| retries after a failure | left (SIGTERM) / killed |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |")
        for r in self.rounds:
            slowest = max((s for _, _, s in r["per_peer"] if s is not None), default=float("nan"))
            starts = r["start_latency"]
            latency = f"{starts[len(starts) // 2]:.1f}, {starts[-1]:.1f}" if starts else "-"
            print(f"| {r['number']} | {r['downloads']}/{a.peers} | {r['verified']} | {r['bytes'] / 2**30:.2f} "
                  f"| {r['seconds']:.1f} | {r['bytes'] / r['seconds'] / 1e6:.1f} | {slowest:.1f} | {latency} "
                  f"| {r['retries']} | host {r['leaver']} / host {r['killed']} |")
        total_bytes = sum(r["bytes"] for r in self.rounds)
        total_seconds = sum(r["seconds"] for r in self.rounds)
        print(f"\naggregate over all rounds: {total_bytes / 2**30:.2f} GiB in {total_seconds:.1f} s of "
              f"downloading = {total_bytes / total_seconds / 1e6:.1f} MB/s "
              f"({total_bytes * 8 / total_seconds / 1e6:.0f} Mbit/s; the {a.peers} links could carry "
              f"{a.peers * a.rate} Mbit/s in each direction)")
        print()
        print("| convergence after | seconds |")
        print("| --- | ---: |")
        for what, seconds in self.convergence:
            print(f"| {what} | {'NOT CONVERGED' if seconds is None else f'{seconds:.2f}'} |")
        sampled = [s for _, s in self.convergence if s is not None]
        if sampled:
            print(f"\nconvergence: median {sorted(sampled)[len(sampled) // 2]:.2f} s, "
                  f"max {max(sampled):.2f} s over {len(sampled)} events")
        exits = [e for e in self.term_exits if e is not None]
        print(f"SIGTERM during a round to exit: {len(exits)} of {len(self.term_exits)} peers exited on their own"
              + (f" (median {sorted(exits)[len(exits) // 2]:.1f} s, max {max(exits):.1f} s)" if exits else "")
              + ", the others were SIGKILLed (30 s after the views converged)")
        print()
        print("| peer | seeds | instances | peak RSS (max VmHWM) | RSS first / last sample of its longest run "
              "| end-of-round RSS (MiB, its longest run) | growth check |")
        print("| ---: | --- | ---: | ---: | --- | --- | --- |")
        growth_failures = []
        for peer in self.peers:
            longest = max(peer.peak_kib, key=lambda i: sum(1 for s in peer.rss_samples if s[1] == i), default=None)
            samples = [kib for _, i, kib in peer.rss_samples if i == longest]
            ends = self.end_of_round_rss.get((peer.host, longest), [])
            verdict = growth_verdict(ends)
            if verdict.startswith("FAIL"):
                growth_failures.append(peer.host)
            print(f"| {peer.host} | {' '.join(peer.seeds) or '-'} | {peer.instance} "
                  f"| {max(peer.peak_kib.values(), default=0) / 1024:.0f} MiB "
                  f"| {samples[0] / 1024 if samples else 0:.0f} / {samples[-1] / 1024 if samples else 0:.0f} MiB "
                  f"| {' '.join(f'{e / 1024:.0f}' for e in ends) or '-'} | {verdict} |")
        for host in growth_failures:
            self.failures.append(f"peer {host}: RSS grows round after round")
        with open(os.path.join(a.work, "rss.tsv"), "w") as out:
            for peer in self.peers:
                for t, instance, kib in peer.rss_samples:
                    out.write(f"{peer.host}\t{instance}\t{t:.1f}\t{kib}\n")
        if a.keep_rss:
            subprocess.run(["cp", os.path.join(a.work, "rss.tsv"), a.keep_rss], check=False)
        print()
        print("per download (seconds from request to downloaded, last round):")
        last = self.rounds[-1]
        print("  " + ", ".join(f"{host}:{game} {'-' if s is None else f'{s:.1f}'}" for host, game, s in last["per_peer"]))
        print()
        if self.failures:
            print(f"FAILED ({len(self.failures)}):")
            for text in self.failures:
                print(f"- {text}")
        else:
            print("every download verified byte-identical (diff -r against the source); every view converged")


def growth_verdict(ends):
    """An RSS that keeps growing: every end-of-round figure of the second half
    of the run above every one of the first half (round 1 left out: warm-up),
    by more than 10%."""
    if len(ends) < 5:
        return f"- ({len(ends)} round end(s): too few to judge, needs 5)"
    ends = ends[1:]
    half = len(ends) // 2
    first, second = ends[:half], ends[half:]
    if min(second) > max(first) * 1.10:
        return f"FAIL: {max(first) / 1024:.0f} -> {min(second) / 1024:.0f} MiB"
    return f"ok (first half max {max(first) / 1024:.0f}, second half min {min(second) / 1024:.0f} MiB)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    config = json.load(open(parser.parse_args().config))
    args = argparse.Namespace(**config)
    party = Party(args)
    try:
        code = party.run()
    finally:
        for peer in party.peers:
            if peer.running():
                peer.proc.kill()
    sys.exit(code)


if __name__ == "__main__":
    main()
