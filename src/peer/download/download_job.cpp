#include "peer/download/download_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <random>
#include <set>

#include "async/on_pool.hpp"
#include "async/wakeup.hpp"
#include "peer/download/block_plan.hpp"
#include "peer/download/manifest_digest.hpp"
#include "peer/download/resume_scan.hpp"
#include "peer/download/scheduler.hpp"
#include "peer/download/sentinel_transaction.hpp"
#include "peer/library/block_hash.hpp"
#include "peer/library/game_root_layout.hpp"
#include "peer/services/game_client.hpp"
#include "peer/services/partial_games.hpp"
#include "peer/services/rate_limiter.hpp"
#include "proto/codec.hpp"

namespace lanspread::peer::download {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr auto kProgressInterval = std::chrono::milliseconds(250);
// How often other peers are asked for their block maps. Blocks in flight are
// not in a map, so a stale map sends two downloaders to the seeder for the
// same block: on the swarm bench 250 ms left the seeder sending 1.44 copies
// of the game where 1 s left 1.60, for four small requests per peer a second.
constexpr auto kSwarmPollInterval = std::chrono::milliseconds(250);
// version.ini is a few bytes; anything bigger is a lying peer.
constexpr std::uint64_t kMaxSentinelBytes = 64 * 1024;
constexpr auto kSentinelRetry = std::chrono::milliseconds(250);

std::string short_id(const std::string& peer_id) {
  return peer_id.substr(0, 12);
}

}  // namespace

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
                       .peers_streaming = scheduler->peers_streaming()};
    if (last_progress_at != Clock::time_point{} && seconds > 0) {
      report.bytes_per_second = static_cast<std::uint64_t>(
          static_cast<double>(progress.verified_bytes - last_progress_bytes) / seconds);
    }
    last_progress_at = now;
    last_progress_bytes = progress.verified_bytes;
    reports.progress(report);
  }
};

namespace {

using State = DownloadJob::State;

// Keeps the job's loop turning while it waits on transfers: progress
// reports, and peers coming out of their backoff.
asio::awaitable<void> tick(std::shared_ptr<State> state) {
  while (!state->ended) {
    state->ticker.expires_after(kTick);
    std::error_code ignored;
    co_await state->ticker.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    state->wakeup.notify();
  }
}

asio::awaitable<void> read_paced(RateLimiter* rate, const std::string& peer_id,
                                 transport::Stream& stream, std::span<std::byte> data) {
  if (rate == nullptr || rate->rate() == 0) {
    co_await read_exactly(stream, data);
    co_return;
  }
  while (!data.empty()) {
    const auto piece = data.first(rate->piece(data.size()));
    co_await rate->acquire(peer_id, piece.size());
    co_await read_exactly(stream, piece);
    data = data.subspan(piece.size());
  }
}

// Fetches one block from one peer, verifies it and writes it in place.
asio::awaitable<void> transfer(std::shared_ptr<State> state, std::uint64_t id) {
  const auto me = state->transfers.at(id);
  const Block block = state->plan.blocks.at(me->block.value());
  const auto& file = state->setup.manifest.at(block.file_index);
  // A copy: sources may grow while this transfer waits.
  const auto peer_id = state->source(me->peer);

  std::string failure;
  std::vector<std::byte> data;
  auto connection = state->connection_for(peer_id);
  if (!connection) {
    failure = "not connected";
  } else {
    try {
      auto stream = co_await connection->open_stream();
      me->stream = stream;
      if (me->abandoned)
        stream.reset();
      const proto::Request request{
          .body = proto::GetGameFileChunkRequest{.game_id = state->setup.game_id,
                                                 .relative_path = file.relative_path,
                                                 .offset = block.offset,
                                                 .length = block.length}};
      const auto encoded = proto::encode(request);
      co_await stream.write(encoded);
      stream.finish();
      const auto response = co_await read_response(stream);
      const auto* header = std::get_if<proto::FileDataResponse>(&response);
      if (const auto* refusal = std::get_if<proto::ErrorResponse>(&response)) {
        failure = "refused: " + refusal->message;
      } else if (header == nullptr || header->relative_path != file.relative_path ||
                 header->offset != block.offset || header->length != block.length) {
        failure = "answered with another range than the one asked for";
      } else {
        data.resize(block.length);
        co_await read_paced(state->setup.download_rate, peer_id, stream, data);
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }

  auto finish = [&] {
    state->transfers.erase(id);
    state->wakeup.notify();
  };
  if (me->abandoned) {
    finish();
    co_return;
  }
  auto& scheduler = *state->scheduler;
  if (!failure.empty()) {
    spdlog::debug("{}: block {}@{} from {} failed: {}", state->setup.game_id, file.relative_path,
                  block.offset, short_id(peer_id), failure);
    state->last_source_problem = "peer " + short_id(peer_id) + ": " + failure;
    scheduler.failed(me->block, me->peer, failure, Clock::now());
    finish();
    co_return;
  }

  enum class Stored { Ok, Corrupt, WriteFailed };
  std::string write_error;
  const auto& expected = expected_hash(state->setup.manifest, block);
  auto verify_and_write = [&]() {
    if (sha256(data) != expected)
      return Stored::Corrupt;
    if (auto written = state->transaction->files().write(block.file_index, block.offset, data);
        !written) {
      write_error = written.error().message;
      return Stored::WriteFailed;
    }
    return Stored::Ok;
  };
  const auto stored = co_await async::on_pool(state->blocks, verify_and_write);
  if (stored == Stored::Corrupt) {
    spdlog::warn("{}: peer {} sent a corrupt block of {} at {}; fetching it elsewhere",
                 state->setup.game_id, short_id(peer_id), file.relative_path, block.offset);
    state->last_source_problem = "peer " + short_id(peer_id) +
                                 " sent blocks that do not verify (its copy no longer matches "
                                 "the manifest)";
    scheduler.corrupt(me->block, me->peer, Clock::now());
  } else if (stored == Stored::WriteFailed) {
    if (!state->local_failure)
      state->local_failure = Error{"cannot write " + file.relative_path + ": " + write_error};
  } else if (!me->abandoned) {
    if (state->setup.partial != nullptr)
      state->setup.partial->mark_verified(state->setup.game_id, me->block.value());
    for (const auto& loser : scheduler.completed(me->block, me->peer, Clock::now())) {
      for (auto& [other_id, other] : state->transfers) {
        if (other->block == loser.block && other->peer == loser.peer)
          other->abandon();
      }
    }
  }
  finish();
}

// version.ini's bytes from the first source whose copy matches the manifest.
asio::awaitable<Result<std::string>> fetch_sentinel(std::shared_ptr<State> state) {
  const auto& manifest = state->setup.manifest;
  const auto entry = std::ranges::find_if(manifest, is_sentinel);
  if (entry == manifest.end() || entry->size > kMaxSentinelBytes)
    co_return Error{"the manifest has no usable version.ini"};
  std::string failure;  // the latest source's problem
  // As for blocks, a seeder restarting or a link dropping for a moment may
  // come back within the grace.
  const auto give_up_at = Clock::now() + state->setup.source_grace;
  asio::steady_timer retry(state->io);
  for (;;) {
    std::vector<std::string> sources;  // a copy: sources may grow while we ask
    for (std::size_t i = 0; i < state->setup.sources.size(); ++i) {
      if (!state->source_partial[i])  // a peer still downloading has no version.ini
        sources.push_back(state->setup.sources[i]);
    }
    for (const auto& peer_id : sources) {
      auto connection = state->connection_for(peer_id);
      if (!connection)
        continue;
      try {
        const proto::Request request{.body = proto::GetGameFileDataRequest{
                                         .game_id = state->setup.game_id,
                                         .relative_path = std::string(layout::kVersionFile)}};
        auto reply = co_await send_request(*connection, request);
        const auto* header = std::get_if<proto::FileDataResponse>(&reply.response);
        if (header == nullptr || header->length != entry->size) {
          failure = "peer " + short_id(peer_id) + " sent a version.ini of another size";
          continue;
        }
        std::string bytes(header->length, '\0');
        co_await read_exactly(reply.stream, std::as_writable_bytes(std::span(bytes)));
        if (!entry->block_hashes.empty() &&
            sha256(std::as_bytes(std::span(bytes))) != entry->block_hashes.front()) {
          failure = "peer " + short_id(peer_id) + " sent a version.ini that does not verify";
          continue;
        }
        co_return bytes;
      } catch (const std::exception& e) {
        failure = "peer " + short_id(peer_id) + ": " + e.what();
      }
    }
    if (state->halted || state->cancelled || Clock::now() >= give_up_at)
      break;
    retry.expires_after(kSentinelRetry);
    std::error_code ignored;
    co_await retry.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (failure.empty())
    failure = "no source peer is connected";
  co_return Error{std::move(failure)};
}

asio::awaitable<void> settle(std::shared_ptr<State> state, Result<void> outcome) {
  // Transfers still running would write into what is being settled, and
  // peers must not be served what is being swept.
  state->withdraw();
  state->abandon_all();
  while (!state->transfers.empty())
    co_await state->wakeup.wait();
  auto transaction = state->transaction;
  if (outcome.was_cancelled()) {
    auto discard = [transaction] {
      transaction->cancel();
      return true;
    };
    co_await async::on_pool(state->disk, discard);
  } else if (!outcome) {
    auto sweep = [transaction] {
      transaction->fail();
      return true;
    };
    co_await async::on_pool(state->disk, sweep);
  }
  state->end(outcome);
}

// One peer's answer to "which blocks of this manifest have you verified?".
asio::awaitable<void> ask_block_map(std::shared_ptr<State> state, std::string peer_id) {
  std::optional<std::vector<bool>> blocks;
  bool refused = false;
  if (auto connection = state->connection_for(peer_id)) {
    try {
      const proto::Request request{.body = proto::GetBlockMapRequest{
                                       .game_id = state->setup.game_id, .manifest = state->digest}};
      auto reply = co_await send_request(*connection, request);
      if (auto* map = std::get_if<proto::BlockMapResponse>(&reply.response))
        blocks = std::move(map->blocks);
      else
        refused = true;
    } catch (const std::exception& e) {
      // Lost peers are reported by discovery; a failed poll alone proves nothing.
      spdlog::debug("{}: no block map from {}: {}", state->setup.game_id, short_id(peer_id),
                    e.what());
    }
  }
  state->asking.erase(peer_id);
  if (state->ended || state->cancelled)
    co_return;
  const auto index = state->live_index(peer_id);
  if (index && !state->source_partial[index->value()])
    co_return;  // it has everything by now
  if (blocks && blocks->size() == state->plan.blocks.size()) {
    if (!index) {
      state->scheduler->set_peer_blocks(state->add_source(peer_id, true), *blocks);
      spdlog::info("{}: peer {} shares the blocks it has downloaded so far ({} of {})",
                   state->setup.game_id, short_id(peer_id), std::ranges::count(*blocks, true),
                   blocks->size());
    } else {
      state->scheduler->set_peer_blocks(*index, *blocks);
    }
    state->wakeup.notify();
  } else if (refused && index) {
    // Its download ended: finished peers come back as full sources.
    state->drop_source(*index);
  }
}

// Swarm: asks the other peers for their block maps while the download runs.
asio::awaitable<void> watch_swarm(std::shared_ptr<State> state) {
  while (!state->ended && !state->cancelled) {
    for (const auto& peer_id : state->setup.other_peers()) {
      const auto index = state->live_index(peer_id);
      if ((index && !state->source_partial[index->value()]) ||
          !state->asking.insert(peer_id).second)
        continue;
      asio::co_spawn(state->io, ask_block_map(state, peer_id), asio::detached);
    }
    state->swarm_timer.expires_after(kSwarmPollInterval);
    std::error_code ignored;
    co_await state->swarm_timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

// Which blocks of the plan belong to which file, for the server to map a
// requested range to blocks.
std::vector<PartialGames::File> shared_files(const State& state) {
  std::vector<PartialGames::File> files;
  const auto& blocks = state.plan.blocks;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i > 0 && blocks[i - 1].file_index == blocks[i].file_index)
      continue;
    const auto& file = state.setup.manifest.at(blocks[i].file_index);
    files.push_back({.relative_path = file.relative_path,
                     .size = file.size,
                     .block_size = file.block_size,
                     .first_block = i});
  }
  return files;
}

asio::awaitable<void> run(std::shared_ptr<State> state) {
  struct Prepared {
    BlockPlan plan;
    std::vector<bool> verified;
    std::shared_ptr<SentinelTransaction> transaction;
  };
  auto prepare = [state]() -> Result<Prepared> {
    auto plan = plan_blocks(state->setup.manifest);
    if (!plan)
      return Error{"the peers' manifest is unusable: " + plan.error().message};
    auto verified = resume_scan(state->setup.game_root, state->setup.manifest, *plan);
    auto begun = SentinelTransaction::begin(state->setup.game_root, state->setup.manifest);
    if (!begun)
      return begun.error();
    return Prepared{.plan = std::move(*plan),
                    .verified = std::move(verified),
                    .transaction = std::make_shared<SentinelTransaction>(std::move(*begun))};
  };
  auto prepared = co_await async::on_pool(state->disk, prepare);
  if (state->halted)
    co_return;
  if (!prepared) {
    state->end(prepared.error());
    co_return;
  }
  state->plan = std::move(prepared->plan);
  state->transaction = std::move(prepared->transaction);
  // Downloaders of one seeder start at different blocks, so they have
  // different blocks to trade early on.
  Scheduler::Limits limits;
  if (!state->plan.blocks.empty()) {
    std::random_device random;
    limits.first_block =
        std::uniform_int_distribution<std::size_t>(0, state->plan.blocks.size() - 1)(random);
  }
  state->scheduler.emplace(state->plan.blocks, limits);
  std::size_t resumed = 0;
  const auto& verified = prepared->verified;
  for (std::size_t i = 0; i < verified.size(); ++i) {
    if (verified[i]) {
      state->scheduler->mark_done(Scheduler::BlockIndex(i));
      ++resumed;
    }
  }
  state->source_live.assign(state->setup.sources.size(), true);
  state->source_partial.assign(state->setup.sources.size(), false);
  for (std::size_t i = 0; i < state->setup.sources.size(); ++i)
    state->scheduler->add_peer(Scheduler::PeerId(static_cast<std::uint32_t>(i)));
  state->digest = manifest_digest(state->setup.manifest);
  if (state->setup.partial != nullptr) {
    state->setup.partial->publish(state->setup.game_id, state->digest, shared_files(*state),
                                  verified);
  }
  spdlog::info("{}: downloading {} blocks from {} peer(s); {} already on disk",
               state->setup.game_id, state->plan.blocks.size() - resumed,
               state->setup.sources.size(), resumed);
  state->reports.begun();
  state->report_progress(true);
  asio::co_spawn(state->io, tick(state), asio::detached);
  if (state->setup.other_peers)
    asio::co_spawn(state->io, watch_swarm(state), asio::detached);

  auto& scheduler = *state->scheduler;
  for (;;) {
#ifndef NDEBUG
    scheduler.check_invariants();  // every change to it is followed by a turn of this loop
#endif
    if (state->halted)
      co_return;
    // Each outcome is named before the co_await (docs/transport.md,
    // Coroutine style).
    if (state->cancelled) {
      Result<void> outcome = Error::cancelled();
      co_await settle(state, std::move(outcome));
      co_return;
    }
    if (state->local_failure) {
      Result<void> outcome = *state->local_failure;
      co_await settle(state, std::move(outcome));
      co_return;
    }
    if (scheduler.failure()) {
      Result<void> outcome = Error{*scheduler.failure()};
      co_await settle(state, std::move(outcome));
      co_return;
    }
    if (scheduler.finished() && state->transfers.empty())
      break;
    for (const auto& assignment : scheduler.next_assignments(Clock::now())) {
      const auto id = state->next_transfer++;
      state->transfers.emplace(id, std::make_shared<Transfer>(Transfer{.block = assignment.block,
                                                                       .peer = assignment.peer}));
      asio::co_spawn(state->io, transfer(state, id), asio::detached);
    }
    if (state->transfers.empty() && !scheduler.finished() && !scheduler.has_usable_peers()) {
      // A seeder restarting, or a link that dropped for a moment, comes back
      // within the grace; the tick keeps this loop checking meanwhile.
      const auto now = Clock::now();
      if (!state->sourceless_since)
        state->sourceless_since = now;
      if (now - *state->sourceless_since >= state->setup.source_grace) {
        std::string reason = "every peer that had the game is gone or failing";
        if (!state->last_source_problem.empty())
          reason += " (last problem: " + state->last_source_problem + ")";
        Result<void> outcome = Error{std::move(reason)};
        co_await settle(state, std::move(outcome));
        co_return;
      }
    } else {
      state->sourceless_since.reset();
    }
    state->report_progress(false);
    co_await state->wakeup.wait();
  }

  state->report_progress(true);
  const auto sentinel = co_await fetch_sentinel(state);
  if (state->halted)
    co_return;
  if (state->cancelled) {
    Result<void> outcome = Error::cancelled();
    co_await settle(state, std::move(outcome));
    co_return;
  }
  if (!sentinel) {
    Result<void> outcome = Error{"cannot get version.ini: " + sentinel.error().message};
    co_await settle(state, std::move(outcome));
    co_return;
  }
  auto transaction = state->transaction;
  auto commit = [transaction, bytes = *sentinel] { return transaction->commit(bytes); };
  const auto committed = co_await async::on_pool(state->disk, commit);
  if (!committed) {
    Result<void> outcome = committed.error();
    co_await settle(state, std::move(outcome));
    co_return;
  }
  state->end({});
}

}  // namespace

DownloadJob::DownloadJob(std::shared_ptr<State> state) : state_(std::move(state)) {}

std::shared_ptr<DownloadJob> DownloadJob::start(asio::io_context& io, asio::thread_pool& disk,
                                                asio::thread_pool& blocks, Setup setup,
                                                ConnectionFor connection_for, Reports reports) {
  auto state = std::make_shared<State>(io, disk, blocks, std::move(setup),
                                       std::move(connection_for), std::move(reports));
  asio::co_spawn(io, run(state), asio::detached);
  return std::make_shared<DownloadJob>(std::move(state));
}

void DownloadJob::source_lost(const std::string& peer_id) {
  if (state_->ended)
    return;
  if (!state_->scheduler) {
    std::erase(state_->setup.sources, peer_id);  // still preparing
    return;
  }
  if (const auto index = state_->live_index(peer_id))
    state_->drop_source(*index);
}

void DownloadJob::source_found(const std::string& peer_id) {
  if (state_->ended || state_->cancelled)
    return;
  if (!state_->scheduler) {
    // Still preparing on the disk pool: run() takes every source in
    // setup.sources once the plan is made, so this one is not lost.
    if (std::ranges::find(state_->setup.sources, peer_id) == state_->setup.sources.end())
      state_->setup.sources.push_back(peer_id);
    return;
  }
  if (const auto index = state_->live_index(peer_id)) {
    if (state_->source_partial[index->value()]) {
      state_->source_partial[index->value()] = false;
      state_->scheduler->set_peer_complete(*index);
      spdlog::info("{}: peer {} now has the whole game", state_->setup.game_id, short_id(peer_id));
      state_->wakeup.notify();
    }
    return;
  }
  state_->scheduler->add_peer(state_->add_source(peer_id, false));
  spdlog::info("{}: peer {} joins the download", state_->setup.game_id, short_id(peer_id));
  state_->wakeup.notify();
}

void DownloadJob::halt() {
  if (state_->ended)
    return;
  state_->halted = true;
  state_->ended = true;
  state_->withdraw();
  state_->abandon_all();
  state_->ticker.cancel();
  state_->swarm_timer.cancel();
  state_->wakeup.notify();
}

void DownloadJob::cancel() {
  state_->cancelled = true;
  state_->abandon_all();
  state_->wakeup.notify();
}

}  // namespace lanspread::peer::download
