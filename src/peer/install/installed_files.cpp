#include "peer/install/installed_files.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/utf8_path.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/owned_dir.hpp"
#include "peer/install/relative_name.hpp"
#include "peer/library/game_root_layout.hpp"
#include "platform/atomic_file.hpp"
#include "platform/rename.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

constexpr int kFormat = 1;

fs::path installed_path(const fs::path& state_dir, std::string_view game_id) {
  return game_state_dir(state_dir, game_id) / path_from_utf8(kInstalledFilesFile);
}

fs::path pending_path(const fs::path& state_dir, std::string_view game_id) {
  return game_state_dir(state_dir, game_id) / path_from_utf8(kPendingInstalledFilesFile);
}

Result<void> remove_durably(const fs::path& file) {
  std::error_code ec;
  if (!fs::remove(file, ec) && !ec)
    return {};
  if (ec)
    return Error{"cannot remove " + utf8_of(file) + ": " + ec.message()};
  platform::sync_directory(file.parent_path());
  return {};
}

// Creates the folders leading to `relative` inside `target`; false when one of
// them is something else (a file, or a symlink we must not write through).
bool make_real_parents(const fs::path& target, const fs::path& relative) {
  fs::path dir = target;
  for (const auto& part : relative.parent_path()) {
    dir /= part;
    if (!exists_no_follow(dir)) {
      std::error_code ec;
      if (!fs::create_directory(dir, ec) || ec)
        return false;
    } else if (!is_real_directory(dir)) {
      return false;
    }
  }
  return true;
}

}  // namespace

FileList list_regular_files(const fs::path& dir) {
  FileList files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (examine_walked(it) != platform::EntryType::File)
      continue;
    auto relative = relative_name(it->path().lexically_relative(dir));
    if (relative != layout::kOwnedMarker)
      files.insert(std::move(relative));
  }
  return files;
}

std::optional<FileList> read_installed_files(const fs::path& state_dir, std::string_view game_id) {
  const auto file = installed_path(state_dir, game_id);
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  const auto list = json.is_object() ? json.find("files") : json.end();
  if (list == json.end() || !list->is_array()) {
    spdlog::warn("{} is not a list of files; ignoring it", utf8_of(file));
    return std::nullopt;
  }
  FileList files;
  for (const auto& entry : *list) {
    if (entry.is_string())
      files.insert(entry.get<std::string>());
  }
  return files;
}

Result<void> record_pending_installed_files(const fs::path& state_dir, std::string_view game_id,
                                            const FileList& files) {
  const nlohmann::json json = {{"format", kFormat}, {"files", files}};
  return platform::write_file_atomically(pending_path(state_dir, game_id), json.dump() + "\n");
}

Result<void> commit_pending_installed_files(const fs::path& state_dir, std::string_view game_id) {
  const auto pending = pending_path(state_dir, game_id);
  if (!exists_no_follow(pending))
    return {};
  return platform::rename_durably(pending, installed_path(state_dir, game_id));
}

Result<void> drop_pending_installed_files(const fs::path& state_dir, std::string_view game_id) {
  return remove_durably(pending_path(state_dir, game_id));
}

Result<void> forget_installed_files(const fs::path& state_dir, std::string_view game_id) {
  if (auto removed = remove_durably(pending_path(state_dir, game_id)); !removed)
    return removed;
  return remove_durably(installed_path(state_dir, game_id));
}

Result<void> carry_over_user_files(const fs::path& previous, const fs::path& target,
                                   const FileList& produced, std::stop_token stop,
                                   CarriedOver& carried) {
  std::error_code ec;
  // Not following directory symlinks, so the walk never leaves `previous`.
  for (auto it = fs::recursive_directory_iterator(previous, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (stop.stop_requested())
      return Error::cancelled();
    const auto type = examine_walked(it);
    const fs::path relative = it->path().lexically_relative(previous);
    const auto name = relative_name(relative);
    if (type != platform::EntryType::File || name == layout::kOwnedMarker ||
        produced.contains(name))
      continue;
    const auto destination = target / relative;
    if (exists_no_follow(destination))
      continue;  // the new version ships this file: the new one wins
    if (!make_real_parents(target, relative)) {
      spdlog::warn("update: not keeping {}: the new version has no folder for it", name);
      continue;
    }
    fs::copy_file(it->path(), destination, ec);
    if (!ec)
      fs::last_write_time(destination, fs::last_write_time(it->path(), ec), ec);
    if (ec)
      return Error{"cannot keep your file " + name + " in the new local/: " + ec.message()};
    ++carried.files;
    carried.bytes += fs::file_size(destination, ec);
  }
  if (ec)
    return Error{"cannot read the previous local/ " + utf8_of(previous) + ": " + ec.message()};
  return {};
}

}  // namespace lanspread::peer::install
