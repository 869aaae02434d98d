#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "peer/services/party_proof.hpp"
#include "proto/request.hpp"
#include "proto/response.hpp"
#include "transport/connection.hpp"

namespace lanspread::peer {

// The first exchange on every connection (docs/transport.md, trust): the
// dialling peer sends an AuthenticateRequest, the server checks it and
// answers with its own proof, which the dialler checks in turn. With a party
// passphrase set, a connection serves nothing until the peer's proof checks;
// without one, peers talk as before and refuse peers that have one. The
// passphrase itself never crosses the wire: only HMACs of a value the TLS
// session exports, keyed with the passphrase's key.
//
// Used on the endpoint's I/O thread only.
class PartyAuth {
 public:
  struct Reports {
    // A peer proved what it had to on a connection (either direction) and
    // goes by `name`.
    std::function<void(const std::string& peer_id, const std::string& name)> admitted;
    // A peer was refused, or refused us; `reason` starts with "wrong or
    // missing passphrase".
    std::function<void(const std::string& peer_id, const std::string& reason)> refused;
  };

  PartyAuth(std::string own_fingerprint, const std::string& own_name,
            const std::optional<PartyKey>& key, Reports reports = {});

  // A new passphrase (or none) for connections from now on; connections
  // admitted under the old one are admitted no more.
  void set_key(const std::optional<PartyKey>& key);
  bool has_passphrase() const { return key_.has_value(); }
  const std::string& own_name() const { return own_name_; }

  // Dialling side: what to send first on `connection`.
  proto::AuthenticateRequest request_for(const transport::Connection& connection) const;
  // Dialling side: checks the server's answer; refused when the peer must not
  // be used.
  Result<void> check_answer(const transport::Connection& connection, const proto::Response& answer);

  // Serving side: answers an AuthenticateRequest, admitting the connection
  // when the proof checks.
  proto::Response answer(transport::Connection& connection,
                         const proto::AuthenticateRequest& request);
  // Serving side: whether other requests may be served on `connection`.
  bool admits(const transport::Connection& connection) const;

 private:
  std::optional<proto::Sha256Digest> proof(const transport::Connection& connection,
                                           ProofRole role) const;
  void report_refused(const std::string& peer_id, const std::string& reason) const;

  std::string own_fingerprint_;
  std::string own_name_;
  std::optional<PartyKey> key_;
  // Connections carry the generation of the key they were admitted under.
  std::uint64_t generation_ = 1;
  Reports reports_;
};

// A peer's name as it may be shown: at most 64 bytes of printable text
// (control characters replaced), "" when nothing is left.
std::string sanitized_peer_name(std::string_view name);

}  // namespace lanspread::peer
