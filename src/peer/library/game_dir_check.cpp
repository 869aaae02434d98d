#include "peer/library/game_dir_check.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/unique_fd.hpp"

namespace lanspread::peer {
namespace fs = std::filesystem;

Result<void> check_game_dir(const fs::path& game_dir) {
  if (game_dir.empty())
    return Error{"no game folder given"};
  std::error_code ec;
  const auto status = fs::status(game_dir, ec);
  if (!fs::exists(status))
    return Error{game_dir.string() + " does not exist"};
  if (!fs::is_directory(status))
    return Error{game_dir.string() + " is not a directory"};
  // access(W_OK) says yes to root on a read-only mount; creating a file is the
  // only honest test.
  const auto probe = game_dir / ".lanspread_write_probe";
  if (!platform::UniqueFd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)))
    return Error{game_dir.string() + " is not writable: " + std::strerror(errno)};
  ::unlink(probe.c_str());
  return {};
}

}  // namespace lanspread::peer
