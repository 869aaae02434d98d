#include "peer/services/served_file.hpp"

#include <system_error>
#include <vector>

#include "peer/library/game_root_layout.hpp"
#include "peer/library/game_root_walk.hpp"

namespace lanspread::peer {
namespace {

proto::ErrorResponse refuse(proto::ErrorCode code, std::string reason) {
  return {code, std::move(reason)};
}

proto::ErrorResponse refuse_os_error(std::error_code error, std::string_view relative_path) {
  if (error == std::errc::no_such_file_or_directory) {
    return refuse(proto::ErrorCode::NotFound, "no such file: " + std::string(relative_path));
  }
  if (error == std::errc::too_many_symbolic_link_levels || error == std::errc::not_a_directory ||
      error == std::errc::invalid_argument) {
    return refuse(proto::ErrorCode::NotAllowed,
                  "not a regular file inside the game root: " + std::string(relative_path));
  }
  return refuse(proto::ErrorCode::Internal,
                "cannot open " + std::string(relative_path) + ": " + error.message());
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      return parts;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

ServedFile open_served_file(const std::filesystem::path& game_dir, std::string_view game_id,
                            std::string_view relative_path) {
  if (relative_path.empty() || relative_path.front() == '/') {
    return refuse(proto::ErrorCode::NotAllowed, "paths must be relative to the game root");
  }
  const auto parts = split_path(relative_path);
  for (const auto part : parts) {
    if (!is_servable_name(part)) {
      return refuse(proto::ErrorCode::NotAllowed,
                    "path component not allowed: '" + std::string(part) + "'");
    }
  }
  if (layout::is_unserved_root_entry(parts.front())) {
    return refuse(proto::ErrorCode::NotAllowed,
                  std::string(parts.front()) + " is not shared with peers");
  }

  auto dir = platform::DirectoryHandle::open(game_dir / game_id);
  if (!dir)
    return refuse_os_error(dir.error(), relative_path);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto child = dir->open_child(parts[i]);
    if (!child)
      return refuse_os_error(child.error(), relative_path);
    dir = std::move(child);
  }
  auto file = platform::ReadOnlyFile::open_in(*dir, parts.back());
  if (!file)
    return refuse_os_error(file.error(), relative_path);
  return std::move(*file);
}

}  // namespace lanspread::peer
