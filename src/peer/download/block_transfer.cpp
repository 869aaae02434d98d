#include <spdlog/spdlog.h>

#include <span>

#include "async/on_pool.hpp"
#include "peer/download/download_job_state.hpp"
#include "peer/library/block_hash.hpp"
#include "peer/services/game_client.hpp"
#include "peer/services/rate_limiter.hpp"
#include "proto/codec.hpp"

namespace lanspread::peer::download {
namespace {

using State = DownloadJob::State;

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

}  // namespace

asio::awaitable<void> transfer_block(std::shared_ptr<State> state, std::uint64_t id) {
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
    state->delivered_since_report.insert(me->peer);
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

}  // namespace lanspread::peer::download
