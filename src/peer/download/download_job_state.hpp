#pragma once

// What one download's coroutines share (download_job.cpp drives it,
// block_transfer.cpp moves blocks, swarm_watch.cpp polls other
// downloaders). Internal to lanspread_download_job: every member is touched
// on the job's io_context only.

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "async/wakeup.hpp"
#include "peer/download/block_plan.hpp"
#include "peer/download/download_job.hpp"
#include "peer/download/scheduler.hpp"
#include "peer/download/sentinel_transaction.hpp"
#include "peer/services/partial_games.hpp"

namespace lanspread::peer::download {

using Clock = std::chrono::steady_clock;
constexpr auto kProgressInterval = std::chrono::milliseconds(250);

inline std::string short_id(const std::string& peer_id) {
  return peer_id.substr(0, 12);
}

// One block on its way from one peer.
struct Transfer {
  Scheduler::BlockIndex block;
  Scheduler::PeerId peer;
  std::optional<transport::Stream> stream;
  bool abandoned = false;  // a duplicate that lost, a cancel, a failure elsewhere

  void abandon() {
    abandoned = true;
    if (stream)
      stream->reset();
  }
};

struct DownloadJob::State {
  State(asio::io_context& io_context, asio::thread_pool& disk_pool, asio::thread_pool& block_pool,
        Setup job_setup, ConnectionFor connections, Reports job_reports)
      : io(io_context),
        disk(disk_pool),
        blocks(block_pool),
        setup(std::move(job_setup)),
        connection_for(std::move(connections)),
        reports(std::move(job_reports)),
        wakeup(io_context.get_executor()),
        ticker(io_context),
        swarm_timer(io_context) {}

  asio::io_context& io;
  asio::thread_pool& disk;
  asio::thread_pool& blocks;
  Setup setup;
  ConnectionFor connection_for;
  Reports reports;
  async::Wakeup wakeup;
  asio::steady_timer ticker;
  asio::steady_timer swarm_timer;

  BlockPlan plan;
  proto::Sha256Digest digest{};  // of setup.manifest, names it to other downloaders
  std::shared_ptr<SentinelTransaction> transaction;
  std::optional<Scheduler> scheduler;
  std::map<std::uint64_t, std::shared_ptr<Transfer>> transfers;
  std::uint64_t next_transfer = 0;
  bool cancelled = false;
  bool halted = false;
  bool ended = false;
  // A local problem (disk full, unwritable file) that ends the download.
  std::optional<Error> local_failure;
  // Since when no source could be asked for a block.
  std::optional<Clock::time_point> sourceless_since;
  // The latest thing a source did wrong, for the reason when none is left.
  std::string last_source_problem;

  Clock::time_point last_progress_at{};
  std::uint64_t last_progress_bytes = 0;
  // Sources that delivered a verified block since the last progress report:
  // a fast download can run from one report to the next, and it still
  // streamed from them.
  std::set<Scheduler::PeerId> delivered_since_report;

  // A source's scheduler id (its index in setup.sources); a peer that left
  // and came back has a new one.
  std::optional<Scheduler::PeerId> live_index(const std::string& id) const {
    for (std::size_t i = 0; i < setup.sources.size(); ++i) {
      if (setup.sources[i] == id && source_live[i])
        return Scheduler::PeerId(static_cast<std::uint32_t>(i));
    }
    return std::nullopt;
  }
  const std::string& source(Scheduler::PeerId index) const {
    return setup.sources.at(index.value());
  }
  std::vector<bool> source_live;     // by scheduler id
  std::vector<bool> source_partial;  // still downloading: has only some blocks
  std::set<std::string> asking;      // peers with a block map request in flight

  // Returns the new source's scheduler id.
  Scheduler::PeerId add_source(const std::string& peer_id, bool partial) {
    setup.sources.push_back(peer_id);
    source_live.push_back(true);
    source_partial.push_back(partial);
    return Scheduler::PeerId(static_cast<std::uint32_t>(setup.sources.size() - 1));
  }

  void drop_source(Scheduler::PeerId index) {
    source_live[index.value()] = false;
    scheduler->remove_peer(index);
    for (auto& [id, transfer] : transfers) {
      if (transfer->peer == index)
        transfer->abandon();
    }
    wakeup.notify();
  }

  // Stops sharing this download's blocks: the payload is about to be
  // committed, swept or discarded.
  void withdraw() {
    if (setup.partial != nullptr)
      setup.partial->withdraw(setup.game_id);
  }

  void abandon_all() {
    for (auto& [id, transfer] : transfers)
      transfer->abandon();
  }

  void end(const Result<void>& outcome) {
    if (halted)
      return;  // the peer is shutting down: nobody waits for the outcome
    ended = true;
    withdraw();
    ticker.cancel();
    swarm_timer.cancel();
    reports.ended(outcome);
  }

  void report_progress(bool force) {
    const auto now = Clock::now();
    if (!force && now - last_progress_at < kProgressInterval)
      return;
    const auto progress = scheduler->progress();
    const auto seconds = std::chrono::duration<double>(now - last_progress_at).count();
    JobProgress report{.bytes_done = progress.verified_bytes,
                       .bytes_total = progress.total_bytes,
                       .peers_streaming = peers_streaming()};
    if (last_progress_at != Clock::time_point{} && seconds > 0) {
      report.bytes_per_second = static_cast<std::uint64_t>(
          static_cast<double>(progress.verified_bytes - last_progress_bytes) / seconds);
    }
    last_progress_at = now;
    last_progress_bytes = progress.verified_bytes;
    delivered_since_report.clear();
    reports.progress(report);
  }

  std::size_t peers_streaming() const {
    auto count = scheduler->peers_streaming();
    for (const auto peer : delivered_since_report) {
      if (scheduler->in_flight(peer) == 0)
        ++count;
    }
    return count;
  }
};

// Fetches one block from one peer, verifies it and writes it in place
// (block_transfer.cpp); `id` is its key in state->transfers.
asio::awaitable<void> transfer_block(std::shared_ptr<DownloadJob::State> state, std::uint64_t id);

// Swarm: asks the other peers for their block maps while the download runs
// (swarm_watch.cpp).
asio::awaitable<void> watch_swarm(std::shared_ptr<DownloadJob::State> state);

// Which blocks of the plan belong to which file, for the server to map a
// requested range to blocks.
std::vector<PartialGames::File> shared_files(const DownloadJob::State& state);

}  // namespace lanspread::peer::download
