#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/file_description.hpp"
#include "proto/game.hpp"

namespace lanspread::proto {

// Answers a ping. The revision changes whenever the peer's announced games
// change, so a pinging peer knows when to ask for the list again.
struct PongResponse {
  std::uint64_t library_revision = 0;

  bool operator==(const PongResponse&) const = default;
};

struct GamesResponse {
  std::vector<Game> games;

  bool operator==(const GamesResponse&) const = default;
};

struct GameFilesResponse {
  std::string game_id;
  std::vector<GameFileDescription> files;

  bool operator==(const GameFilesResponse&) const = default;
};

// Only the header of a transfer: exactly `length` raw bytes of the file,
// starting at `offset`, follow it on the stream. Keeping the payload out of
// the JSON avoids escaping it and lets it be streamed straight to disk.
struct FileDataResponse {
  std::string game_id;
  std::string relative_path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;

  bool operator==(const FileDataResponse&) const = default;
};

// Accepts an AuthenticateRequest, with the server's own proof (absent when it
// has no passphrase), so the client checks the server too.
struct AuthenticatedResponse {
  std::string peer_name;
  std::optional<Sha256Digest> proof;

  bool operator==(const AuthenticatedResponse&) const = default;
};

// The blocks a peer has verified of the game it is downloading: one flag per
// block of the manifest's block plan, in plan order.
struct BlockMapResponse {
  std::string game_id;
  std::vector<bool> blocks;

  bool operator==(const BlockMapResponse&) const = default;
};

enum class ErrorCode {
  UnknownGame,
  InvalidRequest,
  NotAllowed,
  NotFound,
  UnsupportedVersion,
  Internal,
  WrongPassphrase  // the peers' party passphrases differ, or one side has none
};

struct ErrorResponse {
  ErrorCode code = ErrorCode::Internal;
  std::string message;

  bool operator==(const ErrorResponse&) const = default;
};

using Response = std::variant<PongResponse, GamesResponse, GameFilesResponse, FileDataResponse,
                              ErrorResponse, AuthenticatedResponse, BlockMapResponse>;

// The name used on the wire, e.g. "unknown_game".
constexpr std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::UnknownGame:
      return "unknown_game";
    case ErrorCode::InvalidRequest:
      return "invalid_request";
    case ErrorCode::NotAllowed:
      return "not_allowed";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::UnsupportedVersion:
      return "unsupported_version";
    case ErrorCode::Internal:
      return "internal";
    case ErrorCode::WrongPassphrase:
      return "wrong_passphrase";
  }
  // Only reachable by casting an out-of-range integer; reporting it as
  // internal keeps whatever is sent decodable.
  return "internal";
}

}  // namespace lanspread::proto
