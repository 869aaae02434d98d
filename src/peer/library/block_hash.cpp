#include "peer/library/block_hash.hpp"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <algorithm>
#include <stdexcept>

namespace lanspread::peer {

proto::Sha256Digest sha256(std::span<const std::byte> bytes) {
  proto::Sha256Digest digest{};
  if (gnutls_hash_fast(GNUTLS_DIG_SHA256, bytes.data(), bytes.size(), digest.data()) < 0)
    throw std::runtime_error("GnuTLS cannot compute SHA-256");
  return digest;
}

Sha256::Sha256() {
  gnutls_hash_hd_t handle = nullptr;
  if (gnutls_hash_init(&handle, GNUTLS_DIG_SHA256) < 0)
    throw std::runtime_error("GnuTLS cannot start a SHA-256");
  handle_ = handle;
}

Sha256::~Sha256() {
  if (handle_ != nullptr)
    gnutls_hash_deinit(static_cast<gnutls_hash_hd_t>(handle_), nullptr);
}

void Sha256::update(std::span<const std::byte> bytes) {
  if (!bytes.empty())
    gnutls_hash(static_cast<gnutls_hash_hd_t>(handle_), bytes.data(), bytes.size());
}

proto::Sha256Digest Sha256::finish() {
  proto::Sha256Digest digest{};
  // gnutls_hash_output also resets the state for the next message.
  gnutls_hash_output(static_cast<gnutls_hash_hd_t>(handle_), digest.data());
  return digest;
}

Result<proto::Sha256Digest> hash_range(const platform::ReadOnlyFile& file, std::uint64_t offset,
                                       std::uint64_t length, std::span<std::byte> buffer) {
  Sha256 hasher;
  while (length > 0) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length));
    const auto got = file.read_at(offset, buffer.data(), want);
    if (!got)
      return Error{"read failed at byte " + std::to_string(offset) + ": " + got.error().message()};
    if (*got == 0)
      return Error{"the file ends at byte " + std::to_string(offset)};
    hasher.update(buffer.first(*got));
    offset += *got;
    length -= *got;
  }
  return hasher.finish();
}

Result<std::vector<proto::Sha256Digest>> hash_blocks(const platform::ReadOnlyFile& file,
                                                     std::uint64_t size, std::uint32_t block_size) {
  std::vector<std::byte> buffer(std::min<std::size_t>(kHashReadSize, block_size));
  std::vector<proto::Sha256Digest> hashes;
  hashes.reserve(size / block_size + 1);
  for (std::uint64_t offset = 0; offset < size; offset += block_size) {
    const auto length = std::min<std::uint64_t>(block_size, size - offset);
    auto digest = hash_range(file, offset, length, buffer);
    if (!digest)
      return digest.error();
    hashes.push_back(*digest);
  }
  return hashes;
}

}  // namespace lanspread::peer
