#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "proto/file_description.hpp"
#include "proto/game.hpp"

namespace lanspread::proto {

struct PingRequest {
  bool operator==(const PingRequest&) const = default;
};

struct ListGamesRequest {
  bool operator==(const ListGamesRequest&) const = default;
};

// Asks for a game's manifest; answered by a GameFilesResponse.
struct GetGameRequest {
  std::string game_id;

  bool operator==(const GetGameRequest&) const = default;
};

// Asks for a whole file; answered by a FileDataResponse covering all of it.
struct GetGameFileDataRequest {
  std::string game_id;
  std::string relative_path;

  bool operator==(const GetGameFileDataRequest&) const = default;
};

// Asks for part of a file, so a download can be spread over several peers or
// resumed.
struct GetGameFileChunkRequest {
  std::string game_id;
  std::string relative_path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;

  bool operator==(const GetGameFileChunkRequest&) const = default;
};

// The first request on a connection. `proof` shows that this peer knows the
// party passphrase without sending it: an HMAC bound to this TLS session
// (peer/services/party_proof.hpp); absent when this peer has none. A peer
// with a passphrase answers nothing else before a valid proof.
// `peer_name` is how people know the sender (its host name).
struct AuthenticateRequest {
  std::string peer_name;
  std::optional<Sha256Digest> proof;

  bool operator==(const AuthenticateRequest&) const = default;
};

// Asks a peer that is still downloading a game which blocks of it it has
// verified (and so serves already). `manifest` is the digest of the manifest
// the asker downloads (peer/download/manifest_digest.hpp): block indices mean
// the same on both sides only for the same manifest. Answered by a
// BlockMapResponse, or NotFound when the peer is not downloading exactly that.
struct GetBlockMapRequest {
  std::string game_id;
  Sha256Digest manifest{};

  bool operator==(const GetBlockMapRequest&) const = default;
};

using RequestBody =
    std::variant<PingRequest, ListGamesRequest, GetGameRequest, GetGameFileDataRequest,
                 GetGameFileChunkRequest, AuthenticateRequest, GetBlockMapRequest>;

struct Request {
  // The codec does not compare this with kProtocolVersion, so that the server
  // can answer a mismatch with ErrorCode::UnsupportedVersion.
  std::uint32_t protocol_version = kProtocolVersion;
  RequestBody body;

  bool operator==(const Request&) const = default;
};

}  // namespace lanspread::proto
