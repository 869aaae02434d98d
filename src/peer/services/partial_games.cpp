#include "peer/services/partial_games.hpp"

namespace lanspread::peer {

void PartialGames::publish(const std::string& game_id, const proto::Sha256Digest& manifest,
                           std::vector<File> files, std::vector<bool> verified) {
  Game game{.manifest = manifest, .files = {}, .verified = std::move(verified)};
  for (auto& file : files) {
    auto path = file.relative_path;
    game.files.emplace(std::move(path), std::move(file));
  }
  const std::lock_guard lock(mutex_);
  games_.insert_or_assign(game_id, std::move(game));
}

void PartialGames::mark_verified(const std::string& game_id, std::size_t block) {
  const std::lock_guard lock(mutex_);
  const auto game = games_.find(game_id);
  if (game != games_.end() && block < game->second.verified.size())
    game->second.verified[block] = true;
}

void PartialGames::withdraw(const std::string& game_id) {
  const std::lock_guard lock(mutex_);
  games_.erase(game_id);
}

std::optional<std::vector<bool>> PartialGames::blocks(const std::string& game_id,
                                                      const proto::Sha256Digest& manifest) const {
  const std::lock_guard lock(mutex_);
  const auto game = games_.find(game_id);
  if (game == games_.end() || game->second.manifest != manifest)
    return std::nullopt;
  return game->second.verified;
}

bool PartialGames::covers(const std::string& game_id, const std::string& relative_path,
                          std::uint64_t offset, std::uint64_t length) const {
  const std::lock_guard lock(mutex_);
  const auto game = games_.find(game_id);
  if (game == games_.end())
    return false;
  const auto entry = game->second.files.find(relative_path);
  if (entry == game->second.files.end())
    return false;
  const auto& file = entry->second;
  if (file.block_size == 0 || length == 0 || offset > file.size || length > file.size - offset)
    return false;
  const auto first = file.first_block + offset / file.block_size;
  const auto last = file.first_block + (offset + length - 1) / file.block_size;
  const auto& verified = game->second.verified;
  for (auto block = first; block <= last; ++block) {
    if (block >= verified.size() || !verified[block])
      return false;
  }
  return true;
}

}  // namespace lanspread::peer
