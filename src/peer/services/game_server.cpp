#include "peer/services/game_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "async/on_pool.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/library/block_hash_cache.hpp"
#include "peer/library/game_root_walk.hpp"
#include "peer/services/partial_games.hpp"
#include "peer/services/party_auth.hpp"
#include "peer/services/rate_limiter.hpp"
#include "peer/services/served_file.hpp"
#include "peer/services/upload_slots.hpp"
#include "proto/codec.hpp"
#include "proto/framing.hpp"
#include "transport/errors.hpp"

namespace lanspread::peer {
namespace {

// One read from disk, one write to the stream; large enough to keep the
// syscall count low, small enough to keep memory flat.
constexpr std::size_t kReadBlock = 1024 * 1024;

}  // namespace

GameServer::GameServer(const Catalog& catalog, std::function<Library()> library,
                       asio::thread_pool& disk, BlockHashCache* hashes, PartyAuth* auth,
                       std::optional<Sharing> sharing, const PartialGames* partial)
    : catalog_(catalog),
      library_(std::move(library)),
      disk_(disk),
      hashes_(hashes),
      auth_(auth),
      sharing_(sharing),
      partial_(partial) {}

// What to send back: a response frame, and for file data the open file and
// the range whose bytes follow it.
struct GameServer::Answer {
  proto::Response response;
  std::optional<platform::ReadOnlyFile> file;
  bool block_map_request = false;
};

asio::awaitable<void> GameServer::serve(transport::Connection connection,
                                        transport::Stream stream) {
  const auto peer = connection.peer_fingerprint().substr(0, 12);
  std::string bytes;
  bool too_large = false;
  try {
    bytes = co_await stream.read_all(proto::kMaxRequestBytes);
  } catch (const std::system_error& e) {
    if (e.code() != std::error_code(transport::TransportError::TooLarge))
      throw;
    too_large = true;
  }
  Answer answer;
  if (too_large) {
    stream.stop_reading();
    answer.response = proto::ErrorResponse{
        proto::ErrorCode::InvalidRequest,
        "request larger than " + std::to_string(proto::kMaxRequestBytes) + " bytes"};
  } else {
    answer = co_await this->answer(connection, bytes);
  }
  if (const auto* refusal = std::get_if<proto::ErrorResponse>(&answer.response)) {
    // Downloaders ask every peer for block maps: "not downloading it" is the
    // usual answer, not a problem worth a warning.
    if (refusal->code == proto::ErrorCode::NotFound && answer.block_map_request)
      spdlog::debug("peer {} asked for a block map: {}", peer, refusal->message);
    else
      spdlog::warn("refused a request from peer {}: {}", peer, refusal->message);
  }
  std::string frame;
  if (std::holds_alternative<proto::GameFilesResponse>(answer.response)) {
    // A game's manifest is megabytes of JSON: encoded on the network thread,
    // it would hold every upload for tens of milliseconds.
    frame = co_await async::on_pool(
        disk_, [&answer] { return proto::frame(proto::encode(answer.response)); });
  } else {
    frame = proto::frame(proto::encode(answer.response));
  }
  co_await stream.write(frame);

  if (const auto* range = std::get_if<proto::FileDataResponse>(&answer.response)) {
    std::optional<UploadSlots::Slot> slot;
    if (sharing_)
      slot.emplace(co_await sharing_->slots.take(connection.peer_fingerprint()));
    const auto& file = *answer.file;
    std::uint64_t done = 0;
    while (done < range->length) {
      // Read into memory the stream takes over (and recycles once the peer
      // has it), so the bytes are not copied again on the network thread.
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(kReadBlock, range->length - done));
      auto block = stream.take_buffer(want);
      const auto offset = range->offset + done;
      const auto got = co_await async::on_pool(disk_, [&file, &block, offset, want] {
        return file.read_at(offset, block.data(), want);
      });
      if (!got || *got == 0) {
        // The file shrank or failed under us: the reader sees a reset stream.
        spdlog::warn("{}: reading {} failed at byte {} of {}", range->game_id, range->relative_path,
                     done, range->length);
        stream.reset();
        co_return;
      }
      block.resize(*got);
      co_await send_paced(connection, stream, std::move(block));
      done += *got;
    }
  }
  stream.finish();
}

asio::awaitable<void> GameServer::send_paced(const transport::Connection& connection,
                                             transport::Stream& stream,
                                             std::vector<std::byte> block) {
  if (!sharing_ || sharing_->rate.rate() == 0) {
    co_await stream.write(std::move(block));
    co_return;
  }
  // Limited: pieces are copied out, which costs nothing next to the waiting.
  const auto& peer = connection.peer_fingerprint();
  std::span<const std::byte> bytes(block);
  while (!bytes.empty()) {
    const auto piece = bytes.first(sharing_->rate.piece(bytes.size()));
    co_await sharing_->rate.acquire(peer, piece.size());
    co_await stream.write(piece);
    bytes = bytes.subspan(piece.size());
  }
}

// A chunk of a game this peer is still downloading, entirely inside blocks
// it has verified.
bool GameServer::covered_by_verified_blocks(const proto::RequestBody& body) const {
  if (partial_ == nullptr)
    return false;
  if (const auto* chunk = std::get_if<proto::GetGameFileChunkRequest>(&body))
    return partial_->covers(chunk->game_id, chunk->relative_path, chunk->offset, chunk->length);
  return false;
}

asio::awaitable<GameServer::Answer> GameServer::answer(transport::Connection& connection,
                                                       const std::string& request_bytes) {
  const auto refuse = [](proto::ErrorCode code, std::string reason) {
    return Answer{proto::ErrorResponse{code, std::move(reason)}, std::nullopt};
  };
  auto decoded = proto::decode_request(request_bytes);
  if (!decoded)
    co_return refuse(proto::ErrorCode::InvalidRequest, decoded.error().message);
  const auto request = std::move(decoded).value();
  if (request.protocol_version != proto::kProtocolVersion) {
    co_return refuse(
        proto::ErrorCode::UnsupportedVersion,
        "this peer speaks protocol version " + std::to_string(proto::kProtocolVersion));
  }
  if (const auto* authenticate = std::get_if<proto::AuthenticateRequest>(&request.body)) {
    if (auth_ == nullptr)
      co_return Answer{proto::AuthenticatedResponse{}, std::nullopt};
    co_return Answer{auth_->answer(connection, *authenticate), std::nullopt};
  }
  if (auth_ != nullptr && !auth_->admits(connection)) {
    co_return refuse(proto::ErrorCode::WrongPassphrase,
                     "wrong or missing passphrase: this peer's party has a passphrase; "
                     "authenticate first");
  }
  const auto library = library_();
  if (std::holds_alternative<proto::PingRequest>(request.body)) {
    co_return Answer{proto::PongResponse{.library_revision = library.revision}, std::nullopt};
  }
  if (std::holds_alternative<proto::ListGamesRequest>(request.body)) {
    co_return Answer{proto::GamesResponse{*library.announced}, std::nullopt};
  }

  // The rest name a game: it must be a catalog game this peer has.
  const auto game_id = std::visit(
      [](const auto& body) -> std::string {
        if constexpr (requires { body.game_id; }) {
          return body.game_id;
        } else {
          return {};
        }
      },
      request.body);
  if (!catalog_.contains(game_id)) {
    co_return refuse(proto::ErrorCode::UnknownGame, "not a catalog game: " + game_id);
  }
  if (const auto* map = std::get_if<proto::GetBlockMapRequest>(&request.body)) {
    auto blocks = partial_ == nullptr ? std::nullopt : partial_->blocks(game_id, map->manifest);
    if (!blocks) {
      auto refusal = refuse(proto::ErrorCode::NotFound,
                            "this peer is not downloading that version of " + game_id);
      refusal.block_map_request = true;
      co_return refusal;
    }
    co_return Answer{proto::BlockMapResponse{game_id, std::move(*blocks)}, std::nullopt};
  }
  const bool have_it = std::any_of(library.announced->begin(), library.announced->end(),
                                   [&](const proto::Game& g) { return g.id == game_id; });
  if (!have_it && !covered_by_verified_blocks(request.body))
    co_return refuse(proto::ErrorCode::NotFound, "this peer does not have " + game_id);

  const auto& game_dir = library.game_dir;
  if (std::holds_alternative<proto::GetGameRequest>(request.body)) {
    auto files = co_await async::on_pool(disk_, [&] {
      auto listed = list_served_files(game_dir, game_id);
      if (hashes_ != nullptr)
        hashes_->fill(game_dir, game_id, listed);
      return listed;
    });
    co_return Answer{proto::GameFilesResponse{game_id, std::move(files)}, std::nullopt};
  }

  std::string relative_path;
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
  if (const auto* whole = std::get_if<proto::GetGameFileDataRequest>(&request.body)) {
    relative_path = whole->relative_path;
  } else {
    const auto& chunk = std::get<proto::GetGameFileChunkRequest>(request.body);
    relative_path = chunk.relative_path;
    offset = chunk.offset;
    length = chunk.length;
  }
  auto served = co_await async::on_pool(
      disk_, [&] { return open_served_file(game_dir, game_id, relative_path); });
  if (!served)
    co_return Answer{served.error(), std::nullopt};
  const auto size = served->size();
  if (!length)
    length = size;
  if (offset > size || *length > size - offset) {
    co_return refuse(proto::ErrorCode::InvalidRequest, "range past the end of " + relative_path +
                                                           " (" + std::to_string(size) + " bytes)");
  }
  co_return Answer{proto::FileDataResponse{game_id, relative_path, offset, *length},
                   std::move(*served)};
}

}  // namespace lanspread::peer
