#pragma once

#include <cstdint>
#include <vector>

#include "base/result.hpp"
#include "peer/download/block.hpp"
#include "proto/file_description.hpp"

namespace lanspread::peer::download {

// Block sizes a manifest may use. The bounds keep one block's buffer small
// whatever a peer claims, and the count of blocks per file sane.
inline constexpr std::uint32_t kMinBlockSize = 4 * 1024;
inline constexpr std::uint32_t kMaxBlockSize = 64 * 1024 * 1024;

// Appends the blocks of one file of `size` bytes, in file order.
void append_file_blocks(std::uint32_t file_index, std::uint64_t size, std::uint32_t block_size,
                        std::vector<Block>& out);

// The blocks of a manifest's payload: every regular file except the root
// `version.ini` (committed from memory last). Empty files have no block.
struct BlockPlan {
  std::vector<Block> blocks;
  std::uint64_t total_bytes = 0;
};

// Refused when the manifest's integrity data does not fit its sizes (a block
// size out of bounds, or not one hash per block).
Result<BlockPlan> plan_blocks(const std::vector<proto::GameFileDescription>& files);

// The hash `block` must have, per the manifest it was planned from.
const proto::Sha256Digest& expected_hash(const std::vector<proto::GameFileDescription>& files,
                                         const Block& block);

// Whether `file` is the root-level sentinel, which is never a block.
bool is_sentinel(const proto::GameFileDescription& file);

}  // namespace lanspread::peer::download
