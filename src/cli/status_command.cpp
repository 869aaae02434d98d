#include "cli/status_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "base/utf8_path.hpp"
#include "cli/human_format.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/library/library_index.hpp"
#include "peer/library/scan.hpp"
#include "peer/runtime/event_json.hpp"

namespace lanspread::cli {

int run_status(const GlobalOptions& options) {
  const auto state_dir = resolve_state_dir(options);
  const auto game_dir = resolve_game_dir(options, state_dir);
  const auto loaded = load_catalog(state_dir);
  if (!loaded)
    return fail(loaded.error());
  const auto& catalog = *loaded;
  std::error_code ec;
  if (!std::filesystem::is_directory(game_dir, ec)) {
    std::cerr << "lanspread: game folder " << utf8_of(game_dir) << " does not exist\n";
    return 1;
  }
  peer::LibraryIndex index(state_dir / peer::kLibraryIndexFile, game_dir);
  const auto scan = peer::scan_local_library(game_dir, catalog, index);

  if (options.json) {
    for (const auto& [id, game] : scan.games) {
      auto line = peer::to_json(game);
      line["name"] = catalog.find(id)->name;
      line["state"] = game_state(game);
      std::cout << line.dump() << '\n';
    }
    return 0;
  }
  std::cout << fmt::format("Game folder: {}\n", utf8_of(game_dir));
  if (scan.games.empty()) {
    std::cout << "No games yet. Put a game in a folder named after its catalog id.\n";
    return 0;
  }
  std::cout << fmt::format("{:<16} {:<11} {:<12} {:>10}  {}\n", "ID", "STATE", "VERSION", "SIZE",
                           "NAME");
  for (const auto& [id, game] : scan.games) {
    std::cout << fmt::format("{:<16} {:<11} {:<12} {:>10}  {}\n", id, game_state(game),
                             game.version.empty() ? "-" : game.version, human_size(game.size),
                             catalog.find(id)->name);
  }
  return 0;
}

}  // namespace lanspread::cli
