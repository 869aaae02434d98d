#include "peer/download/block_plan.hpp"

#include "peer/library/game_root_layout.hpp"

namespace lanspread::peer::download {

void append_file_blocks(std::uint32_t file_index, std::uint64_t size, std::uint32_t block_size,
                        std::vector<Block>& out) {
  for (std::uint64_t offset = 0; offset < size; offset += block_size) {
    const auto length =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(block_size, size - offset));
    out.push_back({file_index, offset, length});
  }
}

bool is_sentinel(const proto::GameFileDescription& file) {
  return !file.is_dir && file.relative_path == layout::kVersionFile;
}

Result<BlockPlan> plan_blocks(const std::vector<proto::GameFileDescription>& files) {
  BlockPlan plan;
  const auto refuse = [](const proto::GameFileDescription& file, const std::string& why) {
    return Error{"manifest entry " + file.relative_path + ": " + why};
  };
  for (std::uint32_t index = 0; index < files.size(); ++index) {
    const auto& file = files[index];
    if (file.is_dir || is_sentinel(file) || file.size == 0)
      continue;
    if (file.block_size < kMinBlockSize || file.block_size > kMaxBlockSize) {
      return refuse(file, "block size " + std::to_string(file.block_size) + " is outside " +
                              std::to_string(kMinBlockSize) + ".." + std::to_string(kMaxBlockSize));
    }
    const auto wanted = file.size / file.block_size + (file.size % file.block_size != 0);
    if (file.block_hashes.size() != wanted) {
      return refuse(file, std::to_string(file.block_hashes.size()) + " block hashes for " +
                              std::to_string(file.size) + " bytes (" + std::to_string(wanted) +
                              " blocks)");
    }
    append_file_blocks(index, file.size, file.block_size, plan.blocks);
    plan.total_bytes += file.size;
  }
  return plan;
}

const proto::Sha256Digest& expected_hash(const std::vector<proto::GameFileDescription>& files,
                                         const Block& block) {
  const auto& file = files.at(block.file_index);
  return file.block_hashes.at(block.offset / file.block_size);
}

}  // namespace lanspread::peer::download
