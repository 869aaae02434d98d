#include "peer/services/party_proof.hpp"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <algorithm>
#include <stdexcept>

#include "proto/hex.hpp"

namespace lanspread::peer {
namespace {

// Fixed per protocol: both sides must derive the same key with no exchange
// before the proof, and a per-party salt would need a second shared secret.
// What a salt is for here is to make tables computed for other software
// useless; one naming this protocol does that.
constexpr std::string_view kSalt = "lanspread party passphrase v1";

gnutls_datum_t datum_of(std::string_view bytes) {
  return {reinterpret_cast<unsigned char*>(const_cast<char*>(bytes.data())),
          static_cast<unsigned>(bytes.size())};
}

}  // namespace

Result<PartyKey> PartyKey::derive(std::string_view passphrase) {
  if (passphrase.empty())
    return Error{"an empty passphrase means no passphrase"};
  const auto secret = datum_of(passphrase);
  const auto salt = datum_of(kSalt);
  PartyKey key;
  const int rv = gnutls_pbkdf2(GNUTLS_MAC_SHA256, &secret, &salt, kIterations, key.bytes_.data(),
                               key.bytes_.size());
  if (rv < 0)
    return Error{std::string("deriving the party key: ") + gnutls_strerror(rv)};
  return key;
}

std::optional<PartyKey> PartyKey::from_hex(std::string_view hex) {
  PartyKey key;
  if (!proto::from_hex(hex, key.bytes_))
    return std::nullopt;
  return key;
}

std::string PartyKey::hex() const {
  return proto::to_hex(bytes_);
}

std::string party_exporter_context(std::string_view own_fingerprint,
                                   std::string_view peer_fingerprint) {
  const auto [first, second] = std::minmax(own_fingerprint, peer_fingerprint);
  return std::string(first) + ":" + std::string(second);
}

proto::Sha256Digest party_proof(const PartyKey& key, ProofRole role,
                                std::string_view exporter_value) {
  std::string message(role == ProofRole::Client ? "lanspread party proof/1 client"
                                                : "lanspread party proof/1 server");
  message += '\0';
  message.append(exporter_value);
  proto::Sha256Digest proof{};
  const int rv = gnutls_hmac_fast(GNUTLS_MAC_SHA256, key.bytes().data(), key.bytes().size(),
                                  message.data(), message.size(), proof.data());
  if (rv < 0)
    throw std::runtime_error(std::string("computing the party proof: ") + gnutls_strerror(rv));
  return proof;
}

bool proofs_match(const proto::Sha256Digest& a, const proto::Sha256Digest& b) {
  return gnutls_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string passphrase_from_file_text(std::string_view text) {
  const auto end = text.find_first_of("\r\n");
  return std::string(text.substr(0, end));
}

}  // namespace lanspread::peer
