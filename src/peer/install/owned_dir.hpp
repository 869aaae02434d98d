#pragma once

#include <filesystem>
#include <string_view>
#include <system_error>

#include "base/result.hpp"
#include "peer/install/steps.hpp"
#include "platform/directory_handle.hpp"

namespace lanspread::peer::install {

// Root-level names the transactions use besides the layout's reserved ones.
// They start with ".lanspread", a prefix the layout reserves for Lanspread,
// so recovery may remove them even before they carry a marker.
inline constexpr std::string_view kStagingTemp = ".lanspread.staging";
inline constexpr std::string_view kRemovingDir = ".lanspread.removing";

// Writes the .lanspread_owned marker that proves Lanspread made `dir`.
Result<void> mark_owned(const std::filesystem::path& dir);
bool is_marked_owned(const std::filesystem::path& dir);
Result<void> unmark_owned(const std::filesystem::path& dir);

// fs::remove_all that removes a symlink or a junction itself and never what
// it leads to. mingw's remove_all takes a link to a folder for the folder
// and would empty it.
std::error_code remove_tree(const std::filesystem::path& path);

// Removes `dir` and everything in it, the marker last, so that a crash
// halfway leaves a folder that still proves it is Lanspread's.
Result<void> remove_owned_dir(const std::filesystem::path& dir, const StepHook& on_step);

// These look at `path` itself, never through a symlink or a junction
// (mingw's std::filesystem follows both even in symlink_status).
bool is_real_directory(const std::filesystem::path& path);
bool is_real_file(const std::filesystem::path& path);
bool exists_no_follow(const std::filesystem::path& path);

// What a recursive walk stands on, examined without following a link
// (EntryType::Other when it cannot be examined). Anything but a real folder
// is not walked into: mingw's iterator would walk into a link to a folder.
platform::EntryType examine_walked(std::filesystem::recursive_directory_iterator& it);

}  // namespace lanspread::peer::install
