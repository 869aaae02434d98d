#include "peer/download/download_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <random>

#include "async/on_pool.hpp"
#include "async/wakeup.hpp"
#include "peer/download/block_plan.hpp"
#include "peer/download/download_job_state.hpp"
#include "peer/download/manifest_digest.hpp"
#include "peer/download/resume_scan.hpp"
#include "peer/download/scheduler.hpp"
#include "peer/download/sentinel_transaction.hpp"
#include "peer/library/block_hash.hpp"
#include "peer/library/game_root_layout.hpp"
#include "peer/services/game_client.hpp"
#include "proto/codec.hpp"

namespace lanspread::peer::download {
namespace {

using State = DownloadJob::State;

constexpr auto kTick = std::chrono::milliseconds(100);
// version.ini is a few bytes; anything bigger is a lying peer.
constexpr std::uint64_t kMaxSentinelBytes = 64 * 1024;
constexpr auto kSentinelRetry = std::chrono::milliseconds(250);

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
      asio::co_spawn(state->io, transfer_block(state, id), asio::detached);
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
