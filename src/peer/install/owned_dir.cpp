#include "peer/install/owned_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "peer/library/game_root_layout.hpp"
#include "platform/atomic_file.hpp"
#include "platform/unique_fd.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
Result<void> mark_owned(const fs::path& dir) {
  return platform::write_file_atomically(dir / std::string(layout::kOwnedMarker),
                                         "Made by Lanspread; removed automatically.\n");
}

bool is_marked_owned(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(dir / std::string(layout::kOwnedMarker), ec));
}

Result<void> unmark_owned(const fs::path& dir) {
  const auto marker = dir / std::string(layout::kOwnedMarker);
  std::error_code ec;
  fs::remove(marker, ec);
  if (ec)
    return Error{"cannot remove " + marker.string() + ": " + ec.message()};
  platform::sync_directory(dir);
  return {};
}

Result<void> remove_owned_dir(const fs::path& dir, const StepHook& on_step) {
  std::error_code ec;
  bool first = true;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
    if (it->path().filename() == layout::kOwnedMarker)
      continue;
    fs::remove_all(it->path(), ec);
    if (ec)
      return Error{"cannot remove " + it->path().string() + ": " + ec.message()};
    if (first && on_step)
      on_step(Step::OwnedDirPartlyRemoved);
    first = false;
  }
  if (ec)
    return Error{"cannot list " + dir.string() + ": " + ec.message()};
  fs::remove(dir / std::string(layout::kOwnedMarker), ec);
  if (!ec)
    fs::remove(dir, ec);
  if (ec)
    return Error{"cannot remove " + dir.string() + ": " + ec.message()};
  platform::sync_directory(dir.parent_path());
  return {};
}

Result<void> rename_durably(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return Error{"cannot rename " + from.string() + " to " + to.filename().string() + ": " +
                 std::strerror(errno)};
  platform::sync_directory(to.parent_path());
  return {};
}

Result<void> flush_file_system(const fs::path& dir) {
  const platform::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd)
    return Error{"cannot open " + dir.string() + ": " + std::strerror(errno)};
  if (::syncfs(fd.get()) != 0)
    return Error{"cannot write " + dir.string() + " to the disk: " + std::strerror(errno)};
  return {};
}

bool is_real_directory(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(path, ec));
}

bool exists_no_follow(const fs::path& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

}  // namespace lanspread::peer::install
