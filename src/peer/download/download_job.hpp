#pragma once

#include <asio/io_context.hpp>
#include <asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "proto/file_description.hpp"
#include "transport/connection.hpp"

namespace lanspread::peer {
class PartialGames;
class RateLimiter;
}  // namespace lanspread::peer

namespace lanspread::peer::download {

struct JobProgress {
  std::uint64_t bytes_done = 0;  // verified and written, including resumed blocks
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_per_second = 0;
  // Sources sending a block now or that delivered one since the last report.
  std::size_t peers_streaming = 0;
};

// One game's download, from the version-sentinel transaction's begin to its
// commit (docs/download.md): blocks already on disk that verify are kept, the
// rest is fetched in parallel from every source peer, one QUIC stream per
// block, verified against the manifest's SHA-256 before it counts, and
// written in place; version.ini is fetched last, kept in memory and
// committed through the transaction. Which block goes to which peer is the
// Scheduler's decision. Runs on `io`; hashing and writing run on `blocks`,
// the transaction's steps on `disk`.
//
// Swarm: while it runs, the verified blocks are shared (PartialGames), and
// the other connected peers are asked about once a second which blocks of
// this exact manifest they have; one still downloading it becomes a partial
// source, given only the blocks its latest map shows.
class DownloadJob {
 public:
  // The live connection to a peer, or nothing once it is gone.
  using ConnectionFor = std::function<std::optional<transport::Connection>(const std::string&)>;
  struct Reports {
    std::function<void()> begun;
    std::function<void(const JobProgress&)> progress;  // a few times per second
    // Exactly once: finished, failed, or cancelled (Error::cancelled()).
    std::function<void(const Result<void>&)> ended;
  };
  struct Setup {
    std::filesystem::path game_root;
    std::string game_id;
    std::vector<proto::GameFileDescription> manifest;  // the agreed one, sentinel included
    std::vector<std::string> sources;                  // peers that sent exactly that manifest
    // Paces the bytes every block brings in (the user's download limit);
    // shared with the other downloads. None: as fast as the peers send.
    RateLimiter* download_rate = nullptr;
    // How long the download waits for a source to come back (or a new one
    // to appear) once none is left, before it fails.
    std::chrono::milliseconds source_grace = std::chrono::seconds(10);
    // Swarm: where the verified blocks are published for the server, and
    // who else to ask for block maps (the connected peers). Either may be
    // left empty to download without swarming.
    PartialGames* partial = nullptr;
    std::function<std::vector<std::string>()> other_peers;
  };

  static std::shared_ptr<DownloadJob> start(asio::io_context& io, asio::thread_pool& disk,
                                            asio::thread_pool& blocks, Setup setup,
                                            ConnectionFor connection_for, Reports reports);

  // A source left the network: its blocks go to the others.
  void source_lost(const std::string& peer_id);
  // Another peer turned out to have exactly this manifest: it shares the
  // work from now on (a peer found after the download started, one that
  // came back, or a partial source that finished).
  void source_found(const std::string& peer_id);
  // Stops the transfer; the job discards the payload it owned and ends
  // Cancelled (never Failed).
  void cancel();
  // The peer is shutting down: transfers are abandoned at once and what is
  // on disk stays as it is, as after a crash, for the next start to resume.
  // The job ends without a report.
  void halt();

  struct State;  // shared with the coroutines doing the work
  explicit DownloadJob(std::shared_ptr<State> state);

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lanspread::peer::download
