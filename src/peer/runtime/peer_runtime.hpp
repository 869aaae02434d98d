#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "peer/peers/peer_game_db.hpp"
#include "peer/runtime/commands.hpp"
#include "peer/runtime/events.hpp"
#include "peer/runtime/options.hpp"

namespace lanspread::peer {

class Catalog;
class Runtime;
namespace install {
class Unpacker;
}

using EventSink = std::function<void(PeerEvent)>;

// Controls a running peer. Commands go in through send(); events come out
// through the sink given to start_peer. Destroying the handle shuts the
// runtime down.
class PeerRuntimeHandle {
 public:
  explicit PeerRuntimeHandle(std::unique_ptr<Runtime> runtime);
  ~PeerRuntimeHandle();
  PeerRuntimeHandle(PeerRuntimeHandle&&) noexcept;
  PeerRuntimeHandle& operator=(PeerRuntimeHandle&&) noexcept;

  // False once the runtime is shut down.
  bool send(PeerCommand command);
  // Stops every task, closes every handle and joins every thread. Idempotent.
  void shutdown();

 private:
  std::unique_ptr<Runtime> runtime_;
};

// Boots the runtime in the background on `game_dir` (which must be a writable
// directory) and shares it with peers over QUIC. Throws std::invalid_argument
// for a bad game folder or a missing state directory, std::runtime_error when
// the identity cannot be loaded or the port cannot be bound. The sink is
// called from the runtime's thread, in order.
// `peers` is the starting peer database (usually empty); the runtime owns it
// from then on and reports every change as events.
PeerRuntimeHandle start_peer(const std::filesystem::path& game_dir, EventSink events,
                             PeerGameDB peers, std::shared_ptr<install::Unpacker> unpacker,
                             Catalog catalog, PeerOptions options);

}  // namespace lanspread::peer
