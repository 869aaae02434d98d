#include <array>

#include "peer/runtime/active_operations.hpp"
#include "peer/runtime/events.hpp"

namespace lanspread::peer {

std::string_view event_name(const PeerEvent& event) {
  // Indexed by the variant's alternatives, in declaration order.
  static constexpr std::array<std::string_view, std::variant_size_v<PeerEvent>> kNames = {
      "local-library-changed",
      "aggregated-library-changed",
      "got-game-files",
      "no-peers-have-game",
      "download-game-files-begin",
      "download-game-files-progress",
      "download-game-files-finished",
      "download-game-files-failed",
      "download-game-files-cancelled",
      "install-game-begin",
      "install-game-finished",
      "install-game-failed",
      "uninstall-game-begin",
      "uninstall-game-finished",
      "uninstall-game-failed",
      "peer-discovered",
      "peer-lost",
      "peer-count",
      "active-operations-changed",
      "listening",
      "game-dir-changed",
      "rate-limits-changed",
      "command-failed",
      "runtime-failure",
      "install-game-progress",
      "install-transaction-recovered",
      "peer-identity-changed",
      "peer-authentication-failed",
      "passphrase-changed"};
  return kNames[event.index()];
}

std::string_view to_string(OperationKind kind) {
  switch (kind) {
    case OperationKind::Downloading:
      return "downloading";
    case OperationKind::Installing:
      return "installing";
    case OperationKind::Updating:
      return "updating";
    case OperationKind::Uninstalling:
      return "uninstalling";
    case OperationKind::Removing:
      return "removing";
  }
  return "unknown";
}

}  // namespace lanspread::peer
