#include "peer/install/archive_set.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>

#include "base/utf8_path.hpp"
#include "peer/install/owned_dir.hpp"
#include "peer/library/game_root_layout.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

// "base.partN.rar" -> (base, N), in lowercase.
std::optional<std::pair<std::string, unsigned>> part_volume(const std::string& lower) {
  if (!lower.ends_with(".rar"))
    return std::nullopt;
  const std::string_view stem = std::string_view(lower).substr(0, lower.size() - 4);
  const auto dot = stem.rfind(".part");
  if (dot == std::string_view::npos)
    return std::nullopt;
  const auto digits = stem.substr(dot + 5);
  if (!all_digits(digits) || digits.size() > 6)
    return std::nullopt;
  return std::pair{std::string(stem.substr(0, dot)),
                   static_cast<unsigned>(std::stoul(std::string(digits)))};
}

// "base.rNN" -> (base, NN), in lowercase.
std::optional<std::pair<std::string, unsigned>> old_volume(const std::string& lower) {
  const auto dot = lower.rfind(".r");
  if (dot == std::string::npos)
    return std::nullopt;
  const std::string_view digits = std::string_view(lower).substr(dot + 2);
  if (!all_digits(digits) || digits.size() < 2 || digits.size() > 3)
    return std::nullopt;
  return std::pair{lower.substr(0, dot), static_cast<unsigned>(std::stoul(std::string(digits)))};
}

std::uint64_t size_of(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  return ec ? 0 : size;
}

// Bytes of the regular files under `dir`, not following symlinks.
std::uint64_t tree_size(const fs::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (examine_walked(it) == platform::EntryType::File)
      total += size_of(it->path());
  }
  return total;
}

using Volumes = std::map<unsigned, fs::path>;

// Volumes numbered first, first+1, ... without gaps.
Result<void> check_contiguous(const Volumes& volumes, unsigned first, std::string_view set) {
  unsigned expected = first;
  for (const auto& [number, path] : volumes) {
    if (number != expected)
      return Error{"archive set " + std::string(set) + " is missing volume " +
                   std::to_string(expected)};
    ++expected;
  }
  return {};
}

}  // namespace

std::uint64_t InstallPlan::total_size() const {
  std::uint64_t total = loose_size;
  for (const auto& set : archives)
    total += set.size;
  return total;
}

bool is_archive_name(const std::string& file_name) {
  static constexpr std::array kSuffixes = {".rar",    ".zip", ".7z",      ".tar",
                                           ".tar.gz", ".tgz", ".tar.bz2", ".tbz2",
                                           ".tar.xz", ".txz", ".tar.zst"};
  const auto lower = lowercase(file_name);
  return std::any_of(kSuffixes.begin(), kSuffixes.end(), [&](std::string_view suffix) {
    return lower.size() > suffix.size() && lower.ends_with(suffix);
  });
}

Result<InstallPlan> plan_install(const fs::path& game_root) {
  std::map<std::string, Volumes> part_sets;  // lowercase base -> volumes
  std::map<std::string, Volumes> old_sets;   // lowercase base -> .rNN volumes
  std::map<std::string, fs::path> singles;   // lowercase name -> file
  InstallPlan plan;

  std::error_code ec;
  for (auto it = fs::directory_iterator(game_root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const auto name = utf8_of(it->path().filename());
    if (name == layout::kVersionFile || layout::is_unserved_root_entry(name))
      continue;
    const auto examined = platform::examine(it->path());
    if (!examined)
      return Error{"cannot read " + utf8_of(it->path()) + ": " + examined.error().message()};
    if (examined->type == platform::EntryType::Directory) {
      plan.loose_entries.push_back(it->path());
      plan.loose_size += tree_size(it->path());
      continue;
    }
    if (examined->type != platform::EntryType::File) {
      spdlog::warn("install: skipping {} (not a regular file or directory)", utf8_of(it->path()));
      continue;
    }
    const auto lower = lowercase(name);
    if (auto part = part_volume(lower)) {
      part_sets[part->first][part->second] = it->path();
    } else if (auto old = old_volume(lower)) {
      old_sets[old->first][old->second] = it->path();
    } else if (is_archive_name(name)) {
      singles[lower] = it->path();
    } else {
      plan.loose_entries.push_back(it->path());
      plan.loose_size += size_of(it->path());
    }
  }
  if (ec)
    return Error{"cannot list " + utf8_of(game_root) + ": " + ec.message()};

  auto add_set = [&plan](std::vector<fs::path> volumes) {
    auto name = utf8_of(volumes.front().filename());
    ArchiveSet set{.name = std::move(name), .volumes = std::move(volumes)};
    for (const auto& volume : set.volumes)
      set.size += size_of(volume);
    plan.archives.push_back(std::move(set));
  };

  for (const auto& [base, volumes] : part_sets) {
    if (auto contiguous = check_contiguous(volumes, 1, base + ".partN.rar"); !contiguous)
      return contiguous.error();
    std::vector<fs::path> ordered;
    for (const auto& [number, path] : volumes)
      ordered.push_back(path);
    add_set(std::move(ordered));
  }
  for (const auto& [base, volumes] : old_sets) {
    const auto first = singles.find(base + ".rar");
    if (first == singles.end())
      return Error{fmt::format("archive set {0}.rar is missing its first volume {0}.rar", base)};
    if (auto contiguous = check_contiguous(volumes, 0, base + ".rar"); !contiguous)
      return contiguous.error();
    std::vector<fs::path> ordered{first->second};
    for (const auto& [number, path] : volumes)
      ordered.push_back(path);
    singles.erase(first);
    add_set(std::move(ordered));
  }
  for (const auto& [lower, path] : singles)
    add_set({path});

  std::sort(plan.archives.begin(), plan.archives.end(),
            [](const ArchiveSet& a, const ArchiveSet& b) { return a.name < b.name; });
  std::sort(plan.loose_entries.begin(), plan.loose_entries.end());
  return plan;
}

}  // namespace lanspread::peer::install
