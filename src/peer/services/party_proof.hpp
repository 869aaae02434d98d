#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "proto/file_description.hpp"

namespace lanspread::peer {

// The party passphrase turned into a key: PBKDF2-HMAC-SHA256 with a salt
// fixed by the protocol and kIterations rounds, so each guess of an
// attacker who captured a proof costs as much as ours did once.
class PartyKey {
 public:
  static constexpr unsigned kIterations = 600'000;

  // Refuses an empty passphrase (that means "none"). Fails too when GnuTLS
  // refuses to derive (a FIPS-mode system may, for a short passphrase).
  static Result<PartyKey> derive(std::string_view passphrase);
  // From the hex form settings.json stores; nullopt when malformed.
  static std::optional<PartyKey> from_hex(std::string_view hex);
  std::string hex() const;

  const std::array<std::uint8_t, 32>& bytes() const { return bytes_; }
  bool operator==(const PartyKey&) const = default;

 private:
  std::array<std::uint8_t, 32> bytes_{};
};

enum class ProofRole { Client, Server };

// The exporter label and context that bind a proof to one TLS session and to
// both peers' keys: the context is the two fingerprints in sorted order, so
// both sides build the same bytes.
inline constexpr std::string_view kPartyExporterLabel = "EXPORTER-lanspread-party";
std::string party_exporter_context(std::string_view own_fingerprint,
                                   std::string_view peer_fingerprint);

// HMAC-SHA256(key, role || exporter value). The role keeps a peer without the
// passphrase from answering the client's proof with the same bytes.
proto::Sha256Digest party_proof(const PartyKey& key, ProofRole role,
                                std::string_view exporter_value);

// Compares in constant time, so timing tells an attacker nothing.
bool proofs_match(const proto::Sha256Digest& a, const proto::Sha256Digest& b);

// A passphrase as read from a file: the first line without its line ending.
std::string passphrase_from_file_text(std::string_view text);

}  // namespace lanspread::peer
