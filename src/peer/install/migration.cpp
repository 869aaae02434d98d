#include "peer/install/migration.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "base/utf8_path.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/owned_dir.hpp"
#include "platform/atomic_file.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Copy-then-delete rather than rename: the state directory is often on
// another file system than the games.
Result<void> migrate_one(const fs::path& from, const fs::path& to) {
  const auto contents = read_all(from);
  if (!contents)
    return Error{"cannot read " + utf8_of(from)};
  auto destination = to;
  if (exists_no_follow(to)) {
    if (read_all(to) != contents)
      destination += ".legacy";
  }
  if (destination != to || !exists_no_follow(to)) {
    if (auto written = platform::write_file_atomically(destination, *contents); !written)
      return written;
  }
  std::error_code ec;
  fs::remove(from, ec);
  if (ec)
    return Error{"cannot remove " + utf8_of(from) + ": " + ec.message()};
  return {};
}

}  // namespace

MigrationReport migrate_legacy_files(const fs::path& game_dir, const fs::path& state_dir,
                                     const Catalog& catalog) {
  MigrationReport report;
  std::error_code ec;
  for (auto it = fs::directory_iterator(game_dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
    const auto id = utf8_of(it->path().filename());
    if (!catalog.contains(id) || !is_real_directory(it->path()))
      continue;
    for (const auto& legacy : kLegacyFiles) {
      const auto from = it->path() / path_from_utf8(legacy.in_root);
      if (!is_real_file(from))
        continue;
      const auto to = game_state_dir(state_dir, id) / path_from_utf8(legacy.in_state);
      if (auto migrated = migrate_one(from, to); !migrated) {
        spdlog::warn("migration: {}: {}", id, migrated.error().message);
        report.problems.push_back(id + ": " + migrated.error().message);
      } else {
        spdlog::info("migration: moved {} to {}", utf8_of(from), utf8_of(to));
        report.moved.push_back(id + ": " + utf8_of(from) + " -> " + utf8_of(to));
      }
    }
  }
  if (ec)
    report.problems.push_back("cannot list " + utf8_of(game_dir) + ": " + ec.message());
  return report;
}

}  // namespace lanspread::peer::install
