#include "peer/download/resume_scan.hpp"

#include <optional>
#include <string>

#include "peer/download/manifest_path.hpp"
#include "peer/library/block_hash.hpp"
#include "platform/directory_handle.hpp"

namespace lanspread::peer::download {
namespace {

std::optional<platform::ReadOnlyFile> open_no_follow(const std::filesystem::path& root,
                                                     const std::string& relative_path) {
  const auto components = check_manifest_path(relative_path);
  if (!components)
    return std::nullopt;
  auto dir = platform::DirectoryHandle::open(root);
  for (std::size_t i = 0; dir && i + 1 < components->size(); ++i)
    dir = dir->open_child((*components)[i]);
  if (!dir)
    return std::nullopt;
  auto file = platform::ReadOnlyFile::open_in(*dir, components->back());
  if (!file)
    return std::nullopt;
  return std::move(*file);
}

}  // namespace

std::vector<bool> resume_scan(const std::filesystem::path& game_root,
                              const std::vector<proto::GameFileDescription>& files,
                              const BlockPlan& plan, std::stop_token stop) {
  std::vector<bool> verified(plan.blocks.size(), false);
  std::vector<std::byte> buffer(kHashReadSize);
  std::optional<platform::ReadOnlyFile> file;
  std::optional<std::uint32_t> open_index;
  for (std::size_t i = 0; i < plan.blocks.size() && !stop.stop_requested(); ++i) {
    const auto& block = plan.blocks[i];
    if (open_index != block.file_index) {
      open_index = block.file_index;
      file = open_no_follow(game_root, files.at(block.file_index).relative_path);
    }
    if (!file || file->size() < block.offset + block.length)
      continue;
    const auto digest = hash_range(*file, block.offset, block.length, buffer);
    verified[i] = digest && *digest == expected_hash(files, block);
  }
  return verified;
}

}  // namespace lanspread::peer::download
