#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "platform/directory_handle.hpp"
#include "proto/file_description.hpp"

// Block hashing lives in the library, the lower of its two users: the seeder
// hashes the files it serves (BlockHashCache, here) and the downloader
// (peer/download, which builds on the library) verifies what arrives and what
// a resume finds on disk. Both must hash alike, so they share this code.
namespace lanspread::peer {

// SHA-256 through GnuTLS (nettle underneath), which uses the CPU's SHA
// extensions when present.
proto::Sha256Digest sha256(std::span<const std::byte> bytes);

// An incremental SHA-256, for data that arrives or is read in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::byte> bytes);
  // The digest of everything so far; the hasher starts over.
  proto::Sha256Digest finish();

 private:
  void* handle_ = nullptr;  // gnutls_hash_hd_t, kept out of this header
};

// The size of the read buffer the helpers below use: bounded whatever the
// block size.
inline constexpr std::size_t kHashReadSize = 1024 * 1024;

// SHA-256 of `length` bytes at `offset` of `file`, read through `buffer`.
// An error when the file is shorter or cannot be read.
Result<proto::Sha256Digest> hash_range(const platform::ReadOnlyFile& file, std::uint64_t offset,
                                       std::uint64_t length, std::span<std::byte> buffer);

// The hash of every `block_size` block of `file`'s first `size` bytes.
Result<std::vector<proto::Sha256Digest>> hash_blocks(const platform::ReadOnlyFile& file,
                                                     std::uint64_t size, std::uint32_t block_size);

}  // namespace lanspread::peer
