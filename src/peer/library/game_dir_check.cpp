#include "peer/library/game_dir_check.hpp"

#include "base/utf8_path.hpp"
#include "platform/write_probe.hpp"

namespace lanspread::peer {
namespace fs = std::filesystem;

Result<void> check_game_dir(const fs::path& game_dir) {
  if (game_dir.empty())
    return Error{"no game folder given"};
  std::error_code ec;
  const auto status = fs::status(game_dir, ec);
  if (!fs::exists(status))
    return Error{utf8_of(game_dir) + " does not exist"};
  if (!fs::is_directory(status))
    return Error{utf8_of(game_dir) + " is not a directory"};
  if (const auto probed = platform::probe_file_creation(game_dir, ".lanspread_write_probe");
      !probed) {
    return Error{utf8_of(game_dir) + " is not writable: " + probed.error().message()};
  }
  return {};
}

}  // namespace lanspread::peer
