#pragma once

#include <asio/awaitable.hpp>
#include <asio/thread_pool.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/game.hpp"
#include "proto/request.hpp"
#include "transport/connection.hpp"

namespace lanspread::peer {

class BlockHashCache;
class Catalog;
class RateLimiter;
class UploadSlots;
class PartyAuth;
class PartialGames;

// Answers peers' requests from the local game folder: Ping, ListGames,
// GetGame (the manifest), GetGameFileData and GetGameFileChunk, and for games
// still being downloaded GetBlockMap and the chunks verified blocks cover
// (PartialGames). Everything is
// catalog-gated; every refusal is an ErrorResponse plus a log line. File
// bytes are read with positioned reads on the disk pool, never on the network
// thread, so a slow disk or a slow client stalls only its own stream.
class GameServer {
 public:
  // What may be served right now, read on the network thread per request.
  struct Library {
    std::filesystem::path game_dir;
    // Downloaded catalog games; a shared snapshot, so a request costs no copy.
    std::shared_ptr<const std::vector<proto::Game>> announced;
    // Changes whenever `announced` does; peers learn it from pings.
    std::uint64_t revision = 0;
  };

  // How file bytes are shared: at most `slots` uploads per peer at once, all
  // uploads paced by `rate`. Without it, uploads are neither capped nor paced.
  struct Sharing {
    RateLimiter& rate;
    UploadSlots& slots;
  };

  // With `hashes`, manifests carry block hashes (from the cache, computed on
  // the disk pool when missing); without, they carry none. With `auth`, a
  // connection is served only once its peer passed the party check
  // (PartyAuth); without, Authenticate is answered without a proof. With
  // `partial`, what this peer is still downloading is shared as it arrives.
  GameServer(const Catalog& catalog, std::function<Library()> library, asio::thread_pool& disk,
             BlockHashCache* hashes = nullptr, PartyAuth* auth = nullptr,
             std::optional<Sharing> sharing = std::nullopt, const PartialGames* partial = nullptr);

  // The transport's stream handler: serves one request.
  asio::awaitable<void> serve(transport::Connection connection, transport::Stream stream);

 private:
  struct Answer;
  // Writes a block the stream may take over, paced by the upload limit.
  asio::awaitable<void> send_paced(const transport::Connection& connection,
                                   transport::Stream& stream, std::vector<std::byte> block);
  asio::awaitable<Answer> answer(transport::Connection& connection,
                                 const std::string& request_bytes);
  bool covered_by_verified_blocks(const proto::RequestBody& body) const;

  const Catalog& catalog_;
  std::function<Library()> library_;
  asio::thread_pool& disk_;
  BlockHashCache* hashes_;
  PartyAuth* auth_;
  std::optional<Sharing> sharing_;
  const PartialGames* partial_;
};

}  // namespace lanspread::peer
