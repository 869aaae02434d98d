#include "peer/library/game_root_walk.hpp"

#include <spdlog/spdlog.h>

#include <system_error>

#include "base/utf8.hpp"
#include "base/utf8_path.hpp"
#include "peer/library/game_root_layout.hpp"
#include "platform/directory_handle.hpp"

namespace lanspread::peer {
namespace fs = std::filesystem;
namespace {

// Deeper trees are not game payloads; the bound keeps a hostile folder from
// making the walk unbounded.
constexpr std::size_t kMaxDepth = 64;

bool leads_outside(const fs::path& link, const fs::path& boundary) {
  std::error_code ec;
  const auto target = fs::weakly_canonical(link, ec);
  if (ec)
    return true;
  const auto base = fs::weakly_canonical(boundary, ec);
  if (ec)
    return true;
  const auto [base_end, target_it] =
      std::mismatch(base.begin(), base.end(), target.begin(), target.end());
  return base_end != base.end();
}

class Walker {
 public:
  Walker(const fs::path& root, std::string_view game_id) : root_(root), game_id_(game_id) {}

  GameRootWalk run() {
    if (auto handle = platform::DirectoryHandle::open(root_))
      visit(*handle, "", 0);
    return std::move(result_);
  }

 private:
  void visit(const platform::DirectoryHandle& dir, const std::string& relative, std::size_t depth) {
    result_.directories.push_back({relative, dir.mtime_ns()});
    if (depth >= kMaxDepth) {
      spdlog::warn("{}: skipping {}: deeper than {} levels", game_id_, where(relative), kMaxDepth);
      return;
    }
    std::error_code error;
    const auto entries = dir.entries(error);
    if (error)
      spdlog::warn("{}: cannot list {}: {}", game_id_, where(relative), error.message());
    for (const auto& entry : entries) {
      if (depth == 0 && layout::is_unserved_root_entry(entry.name))
        continue;
      const std::string path = relative.empty() ? entry.name : relative + "/" + entry.name;
      if (!is_servable_name(entry.name)) {
        spdlog::warn(
            "{}: skipping {}: the name cannot be shared (invalid UTF-8, control "
            "characters or backslash)",
            game_id_, where(path));
      } else if (entry.error) {
        spdlog::warn("{}: skipping {}: {}", game_id_, where(path), entry.error.message());
      } else {
        visit_entry(dir, entry, path, depth);
      }
    }
  }

  void visit_entry(const platform::DirectoryHandle& dir, const platform::DirectoryEntry& entry,
                   const std::string& path, std::size_t depth) {
    using platform::EntryType;
    switch (entry.type) {
      case EntryType::File:
        result_.files.push_back({.game_id = game_id_, .relative_path = path, .size = entry.size});
        result_.total_size += entry.size;
        return;
      case EntryType::Directory: {
        auto child = dir.open_child(entry.name);
        if (!child) {
          spdlog::warn("{}: skipping unreadable directory {}: {}", game_id_, where(path),
                       child.error().message());
          return;
        }
        result_.files.push_back({.game_id = game_id_, .relative_path = path, .is_dir = true});
        visit(*child, path, depth + 1);
        return;
      }
      case EntryType::Symlink:
        if (leads_outside(root_ / path_from_utf8(path), root_)) {
          spdlog::warn("{}: skipping symlink {}: it leads outside the game root", game_id_,
                       where(path));
        } else {
          spdlog::info("{}: skipping symlink {}: links are never followed", game_id_, where(path));
        }
        return;
      case EntryType::Other:
        spdlog::warn("{}: skipping {}: not a regular file or directory", game_id_, where(path));
        return;
    }
  }

  std::string where(const std::string& relative) const {
    return utf8_of(root_ / path_from_utf8(relative));
  }

  const fs::path& root_;
  std::string game_id_;
  GameRootWalk result_;
};

}  // namespace

bool is_servable_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..")
    return false;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '/' || c == '\\')
      return false;
  }
  return decode_utf8(name).has_value();
}

GameRootWalk walk_game_root(const fs::path& root, std::string_view game_id) {
  return Walker(root, game_id).run();
}

std::vector<proto::GameFileDescription> list_served_files(const fs::path& game_dir,
                                                          std::string_view game_id) {
  return walk_game_root(game_dir / path_from_utf8(game_id), game_id).files;
}

}  // namespace lanspread::peer
