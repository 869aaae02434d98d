#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace lanspread::peer::install {

// The regular files an install's archives and loose entries produced in
// local/ (relative, '/'-separated). An update keeps every other file of the
// old local/ (saves, configs the game or the user made), see docs/install.md.
using FileList = std::set<std::string>;

// In <state_dir>/games/<id>/: the list of the installed local/, and the list
// of the local/ a running install or update is building (it replaces the
// first once that local/ is in place; recovery settles it like the rest).
inline constexpr std::string_view kInstalledFilesFile = "installed_files.json";
inline constexpr std::string_view kPendingInstalledFilesFile = "installed_files.next.json";

// Every regular file under `dir`, not following symlinks, without the
// ownership marker at its top.
FileList list_regular_files(const std::filesystem::path& dir);

// nullopt when there is no list (installed by an earlier Lanspread) or it
// cannot be read.
std::optional<FileList> read_installed_files(const std::filesystem::path& state_dir,
                                             std::string_view game_id);

// Each is durable when it returns (atomic write or rename, then a sync).
Result<void> record_pending_installed_files(const std::filesystem::path& state_dir,
                                            std::string_view game_id, const FileList& files);
// The pending list becomes the installed one; nothing to do without one.
Result<void> commit_pending_installed_files(const std::filesystem::path& state_dir,
                                            std::string_view game_id);
Result<void> drop_pending_installed_files(const std::filesystem::path& state_dir,
                                          std::string_view game_id);
// local/ is gone: neither list describes anything any more.
Result<void> forget_installed_files(const std::filesystem::path& state_dir,
                                    std::string_view game_id);

struct CarriedOver {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
};

// Copies into `target` every regular file of `previous` (the old local/) that
// `produced` (what the old install unpacked) does not name and that `target`
// (the new local/, already filled) does not hold. Never follows a symlink, in
// `previous` or on the way into `target`.
Result<void> carry_over_user_files(const std::filesystem::path& previous,
                                   const std::filesystem::path& target, const FileList& produced,
                                   std::stop_token stop, CarriedOver& carried);

}  // namespace lanspread::peer::install
