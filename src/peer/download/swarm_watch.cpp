#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>

#include "peer/download/download_job_state.hpp"
#include "peer/services/game_client.hpp"

namespace lanspread::peer::download {
namespace {

using State = DownloadJob::State;

// How often other peers are asked for their block maps. Blocks in flight are
// not in a map, so a stale map sends two downloaders to the seeder for the
// same block: on the swarm bench 250 ms left the seeder sending 1.44 copies
// of the game where 1 s left 1.60, for four small requests per peer a second.
constexpr auto kSwarmPollInterval = std::chrono::milliseconds(250);

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

}  // namespace

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

}  // namespace lanspread::peer::download
