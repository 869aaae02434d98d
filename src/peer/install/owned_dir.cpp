#include "peer/install/owned_dir.hpp"

#include <optional>
#include <vector>

#include "base/utf8_path.hpp"
#include "peer/library/game_root_layout.hpp"
#include "platform/atomic_file.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

fs::path marker_of(const fs::path& dir) {
  return dir / path_from_utf8(layout::kOwnedMarker);
}

// What `path` itself is (never what a symlink, or on Windows a junction,
// points to); nullopt when it cannot be examined.
std::optional<platform::EntryType> type_no_follow(const fs::path& path) {
  const auto examined = platform::examine(path);
  if (!examined)
    return std::nullopt;
  return examined->type;
}

}  // namespace

std::error_code remove_tree(const fs::path& path) {
  const auto type = type_no_follow(path);
  if (!type)
    return {};  // gone already, or nothing this walk may touch
  std::error_code ec;
  if (*type == platform::EntryType::Directory) {
    std::vector<fs::path> children;
    for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::end(it); it.increment(ec))
      children.push_back(it->path());
    if (ec)
      return ec;
    for (const auto& child : children) {
      if (auto failed = remove_tree(child))
        return failed;
    }
  }
  fs::remove(path, ec);
  return ec;
}

Result<void> mark_owned(const fs::path& dir) {
  return platform::write_file_atomically(marker_of(dir),
                                         "Made by Lanspread; removed automatically.\n");
}

bool is_marked_owned(const fs::path& dir) {
  return is_real_file(marker_of(dir));
}

Result<void> unmark_owned(const fs::path& dir) {
  const auto marker = marker_of(dir);
  std::error_code ec;
  fs::remove(marker, ec);
  if (ec)
    return Error{"cannot remove " + utf8_of(marker) + ": " + ec.message()};
  platform::sync_directory(dir);
  return {};
}

Result<void> remove_owned_dir(const fs::path& dir, const StepHook& on_step) {
  std::error_code ec;
  bool first = true;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
    if (it->path().filename() == path_from_utf8(layout::kOwnedMarker))
      continue;
    if (const auto failed = remove_tree(it->path()))
      return Error{"cannot remove " + utf8_of(it->path()) + ": " + failed.message()};
    if (first && on_step)
      on_step(Step::OwnedDirPartlyRemoved);
    first = false;
  }
  if (ec)
    return Error{"cannot list " + utf8_of(dir) + ": " + ec.message()};
  fs::remove(marker_of(dir), ec);
  if (!ec)
    fs::remove(dir, ec);
  if (ec)
    return Error{"cannot remove " + utf8_of(dir) + ": " + ec.message()};
  platform::sync_directory(dir.parent_path());
  return {};
}

bool is_real_directory(const fs::path& path) {
  return type_no_follow(path) == platform::EntryType::Directory;
}

bool is_real_file(const fs::path& path) {
  return type_no_follow(path) == platform::EntryType::File;
}

bool exists_no_follow(const fs::path& path) {
  return type_no_follow(path).has_value();
}

platform::EntryType examine_walked(fs::recursive_directory_iterator& it) {
  const auto type = type_no_follow(it->path()).value_or(platform::EntryType::Other);
  if (type != platform::EntryType::Directory)
    it.disable_recursion_pending();
  return type;
}

}  // namespace lanspread::peer::install
