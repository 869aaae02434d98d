#include "peer/download/manifest_digest.hpp"

#include <span>

#include "peer/library/block_hash.hpp"

namespace lanspread::peer::download {
namespace {

void add_number(Sha256& hash, std::uint64_t value) {
  std::array<std::byte, 8> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::byte>(value >> (8 * i));
  hash.update(bytes);
}

}  // namespace

proto::Sha256Digest manifest_digest(const std::vector<proto::GameFileDescription>& manifest) {
  Sha256 hash;
  add_number(hash, manifest.size());
  for (const auto& file : manifest) {
    // Length-prefixed, so no two manifests serialise to the same bytes.
    add_number(hash, file.relative_path.size());
    hash.update(std::as_bytes(std::span(file.relative_path)));
    add_number(hash, file.is_dir ? 1 : 0);
    add_number(hash, file.size);
    add_number(hash, file.block_size);
    add_number(hash, file.block_hashes.size());
    for (const auto& block : file.block_hashes)
      hash.update(std::as_bytes(std::span(block)));
  }
  return hash.finish();
}

}  // namespace lanspread::peer::download
