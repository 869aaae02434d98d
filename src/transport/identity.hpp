#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace lanspread::transport {

// This install's TLS identity: a private key and a self-signed certificate,
// generated on first start and kept in the state directory (mode 0600). The
// peer id is the certificate's fingerprint, so a peer cannot be impersonated
// without its key.
struct Identity {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string fingerprint;  // peer id: lowercase hex SHA-256 of the public key (SPKI)
};

// Loads `<state_dir>/identity/{certificate,private_key}.pem`, creating them
// when absent. An error when the files exist but are unusable (they are
// never overwritten: that would change the peer id) or cannot be created.
Result<Identity> load_or_create_identity(const std::filesystem::path& state_dir);

// The fingerprint of a DER-encoded certificate, as in Identity::fingerprint;
// empty when the certificate cannot be parsed.
std::string certificate_fingerprint(std::string_view der);

}  // namespace lanspread::transport
