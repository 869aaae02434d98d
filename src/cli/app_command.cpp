#include "cli/app_command.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/app_controller.hpp"
#include "app/browser.hpp"
#include "app/demo_game.hpp"
#include "app/http_api.hpp"
#include "app/ui_files.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/settings.hpp"
#include "platform/stop_requests.hpp"

namespace lanspread::cli {
namespace fs = std::filesystem;

int run_app(const GlobalOptions& options, const AppOptions& app_options) {
  const auto state_dir = resolve_state_dir(options);
  fs::create_directories(state_dir);
  // A newcomer (no --games, nothing remembered) gets the default folder,
  // created with a demo game. A chosen folder is never created: a typo must
  // not become an empty library.
  const bool first_run = options.games.empty() && peer::load_settings(state_dir).game_dir.empty();
  const auto game_dir = resolve_game_dir(options, state_dir);
  if (first_run) {
    if (auto created = app::create_game_dir_with_demo(game_dir); !created)
      return fail(created.error());
  }

  // Before any thread starts: on Linux every thread inherits its blocked
  // SIGINT and SIGTERM, so this is their only receiver. The UI's quit button
  // asks it too.
  platform::StopRequests stop;

  auto catalog = load_catalog(state_dir);
  if (!catalog)
    return fail(catalog.error());
  auto runtime_options = peer_options(options, state_dir);
  if (!runtime_options)
    return fail(runtime_options.error());
  app::AppController controller(std::move(*runtime_options), std::move(*catalog),
                                std::make_shared<peer::install::LibarchiveUnpacker>());
  app::HttpApi api(controller, {.ui_dir = app_options.ui_dir,
                                .ui_files = app::embedded_ui(),
                                .port = app_options.ui_port,
                                .token = {},
                                .on_quit = [&stop] { stop.request_stop(); }});
  controller.start(game_dir);

  const auto url = api.url();
  if (options.json) {
    std::cout << nlohmann::json{{"event", "app-ready"}, {"url", url}}.dump() << std::endl;
  } else {
    std::cout << "Lanspread is running. Open " << url << std::endl;
  }
  if (!app_options.no_browser)
    app::open_in_browser(url, state_dir);

  spdlog::info("stopping ({})",
               stop.wait() == platform::StopReason::Interrupted ? "interrupted" : "quit");
  api.stop();
  controller.stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace lanspread::cli
