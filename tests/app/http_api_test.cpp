#include "app/http_api.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <atomic>
#include <nlohmann/json.hpp>

#include "app/app_controller.hpp"
#include "app/demo_game.hpp"
#include "base/utf8_path.hpp"
#include "event_stream_reader.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/settings.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread::app {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr auto kTimeout = 20s;
constexpr const char* kIndexHtml = "<!doctype html><title>lanspread test page</title>";

// The app on a temp game folder with a real runtime, reached over real HTTP.
class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir_ / "ui/index.html", kIndexHtml);
    test::write_file(dir_ / "ui/assets/app.js", "console.log('ui')");
    fs::create_directories(dir_ / "state");
  }

  void start(const fs::path& game_dir) {
    controller_.emplace(runtime_options_, peer::Catalog::bundled(),
                        std::make_shared<peer::install::LibarchiveUnpacker>());
    api_.emplace(*controller_, HttpApi::Options{.ui_dir = ui_dir_,
                                                .ui_files = ui_files_,
                                                .port = 0,
                                                .token = {},
                                                .on_quit = [this] { quit_requested_ = true; }});
    controller_->start(game_dir);
    client_.emplace("127.0.0.1", api_->port());
    events_.emplace(api_->port(), api_->token());
    // From here on the stream sees every event.
    ASSERT_TRUE(events_->wait_for_event("snapshot", kTimeout));
  }

  void start_with_games() {
    ASSERT_TRUE(create_game_dir_with_demo(dir_ / "games"));  // openttd: downloaded, installable
    test::write_file(dir_ / "games/quake3/version.ini", "1.32");
    test::write_file(dir_ / "games/quake3/local/quake3.exe", "x");
    start(dir_ / "games");
  }

  void TearDown() override {
    events_.reset();
    if (api_)
      api_->stop();
    if (controller_)
      controller_->stop();
  }

  httplib::Headers auth() const { return {{"X-Lanspread-Token", api_->token()}}; }
  std::string host() const { return "127.0.0.1:" + std::to_string(api_->port()); }

  httplib::Result post(const std::string& path, const json& body = json::object(),
                       httplib::Headers headers = {}) {
    if (headers.empty())
      headers = auth();
    return client_->Post(path.c_str(), headers, body.dump(), "application/json");
  }

  // Chooses `folder` in the UI while no runtime runs (answered 200) and waits
  // for the started runtime's first scan to show the demo game in it.
  void choose_first_folder(const fs::path& folder) {
    const auto from = events_->mark();
    auto chosen = post("/api/game-dir", {{"path", utf8_of(folder)}});
    ASSERT_TRUE(chosen);
    EXPECT_EQ(chosen->status, 200) << chosen->body;
    ASSERT_TRUE(wait_for_game("openttd", "downloaded", true, from));
  }

  json state() {
    auto result = client_->Get("/api/state", auth());
    EXPECT_TRUE(result);
    EXPECT_EQ(result->status, 200);
    return json::parse(result->body);
  }

  // Waits for the stream (from event index `from` on) to show `id` with the
  // given local state, in the first snapshot or a later game list.
  bool wait_for_game(const std::string& id, const std::string& field, bool value,
                     std::size_t from = 0) {
    return events_
        ->wait_for(
            [&](const json& event) {
              const json* games = nullptr;
              if (event["event"] == "games-list-updated") {
                games = &event["games"];
              } else if (event["event"] == "snapshot") {
                games = &event["state"]["games"];
              } else {
                return false;
              }
              for (const auto& game : *games) {
                if (game["id"] == id && game["local"].is_object() && game["local"][field] == value)
                  return true;
              }
              return false;
            },
            kTimeout, from)
        .has_value();
  }

  test::TempDir dir_;
  // Where the UI comes from: a built UI folder (as --ui-dir), or when that
  // is empty, files built into the program.
  fs::path ui_dir_ = dir_ / "ui";
  std::span<const UiFile> ui_files_;
  AppController::Options runtime_options_{.state_dir = dir_ / "state", .mdns = std::nullopt};
  std::optional<AppController> controller_;
  std::optional<HttpApi> api_;
  std::optional<httplib::Client> client_;
  std::optional<test::EventStreamReader> events_;
  std::atomic<bool> quit_requested_ = false;
};

TEST_F(HttpApiTest, PageNeedsTheToken) {
  start_with_games();
  auto missing = client_->Get("/");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
  EXPECT_EQ(missing->body.find("lanspread test page"), std::string::npos);

  auto wrong = client_->Get("/?token=" + std::string(64, '0'));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);

  auto page = client_->Get("/?token=" + api_->token());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, kIndexHtml);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(api_->url(),
            "http://127.0.0.1:" + std::to_string(api_->port()) + "/?token=" + api_->token());
}

TEST_F(HttpApiTest, ApiNeedsTheTokenHeader) {
  start_with_games();
  auto missing = client_->Get("/api/state");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
  EXPECT_EQ(json::parse(missing->body)["error"], "missing access token");

  auto wrong = client_->Get("/api/state", {{"X-Lanspread-Token", "nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);

  // Only the page and the event stream take the token from the URL.
  auto in_query = client_->Get("/api/state?token=" + api_->token());
  ASSERT_TRUE(in_query);
  EXPECT_EQ(in_query->status, 403);

  auto install = post("/api/games/openttd/install", json::object(), {{"X-Other", "1"}});
  ASSERT_TRUE(install);
  EXPECT_EQ(install->status, 403);
  EXPECT_EQ(state()["operations"], json::object());
}

TEST_F(HttpApiTest, ForeignHostIsRefused) {
  start_with_games();
  // A DNS-rebinding page reaches 127.0.0.1 under its own name.
  auto headers = auth();
  headers.emplace("Host", "rebind.example:" + std::to_string(api_->port()));
  auto rebound = client_->Get("/api/state", headers);
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);

  auto other_port = client_->Get(("/?token=" + api_->token()).c_str(),
                                 {{"Host", "127.0.0.1:" + std::to_string(api_->port() + 1)}});
  ASSERT_TRUE(other_port);
  EXPECT_EQ(other_port->status, 403);

  auto localhost = client_->Get("/api/state", [&] {
    auto h = auth();
    h.emplace("Host", "localhost:" + std::to_string(api_->port()));
    return h;
  }());
  ASSERT_TRUE(localhost);
  EXPECT_EQ(localhost->status, 200);
}

TEST_F(HttpApiTest, ForeignOriginIsRefused) {
  start_with_games();
  auto headers = auth();
  headers.emplace("Origin", "http://evil.example");
  auto install = post("/api/games/openttd/install", json::object(), headers);
  ASSERT_TRUE(install);
  EXPECT_EQ(install->status, 403);

  auto stream = client_->Get(("/api/events?token=" + api_->token()).c_str(),
                             {{"Origin", "http://evil.example"}});
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->status, 403);

  auto cross_site = auth();
  cross_site.emplace("Sec-Fetch-Site", "cross-site");
  auto quit = post("/api/quit", json::object(), cross_site);
  ASSERT_TRUE(quit);
  EXPECT_EQ(quit->status, 403);
  EXPECT_FALSE(quit_requested_);

  auto same_origin = auth();
  same_origin.emplace("Origin", "http://127.0.0.1:" + std::to_string(api_->port()));
  same_origin.emplace("Sec-Fetch-Site", "same-origin");
  auto dismiss = post("/api/games/openttd/dismiss", json::object(), same_origin);
  ASSERT_TRUE(dismiss);
  EXPECT_EQ(dismiss->status, 200);
}

TEST_F(HttpApiTest, UiFilesNeedNoToken) {
  start_with_games();
  auto script = client_->Get("/assets/app.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->body, "console.log('ui')");
  auto escape = client_->Get("/assets/../index.html");
  ASSERT_TRUE(escape);
  EXPECT_NE(escape->status, 200);
}

TEST_F(HttpApiTest, ServesTheUiBuiltIntoTheProgram) {
  static const UiFile kBuiltIn[] = {{"index.html", "<title>built in</title>"},
                                    {"assets/index-1a2b.js", "console.log('built in')"},
                                    {"assets/index-1a2b.css", "body{}"},
                                    {"assets/font.woff2", "wOF2"}};
  ui_dir_.clear();
  ui_files_ = kBuiltIn;
  start_with_games();

  auto refused = client_->Get("/");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  auto page = client_->Get("/?token=" + api_->token());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "<title>built in</title>");
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);

  const std::pair<const char*, const char*> assets[] = {
      {"/assets/index-1a2b.js", "text/javascript; charset=utf-8"},
      {"/assets/index-1a2b.css", "text/css; charset=utf-8"},
      {"/assets/font.woff2", "font/woff2"}};
  for (const auto& [path, type] : assets) {
    auto asset = client_->Get(path);
    ASSERT_TRUE(asset) << path;
    EXPECT_EQ(asset->status, 200) << path;
    EXPECT_EQ(asset->get_header_value("Content-Type"), type) << path;
    EXPECT_EQ(asset->get_header_value("X-Content-Type-Options"), "nosniff") << path;
  }
  EXPECT_EQ(client_->Get("/assets/index-1a2b.js")->body, "console.log('built in')");
  for (const char* missing : {"/assets/other.js", "/assets/../index.html", "/index.html.js"}) {
    auto answer = client_->Get(missing);
    ASSERT_TRUE(answer) << missing;
    EXPECT_NE(answer->status, 200) << missing;
  }
}

TEST_F(HttpApiTest, AProgramBuiltWithoutItsUiSaysHowToBuildIt) {
  ui_dir_.clear();
  start_with_games();
  auto page = client_->Get("/?token=" + api_->token());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 503);
  EXPECT_NE(page->body.find("scripts/build-ui.sh"), std::string::npos) << page->body;
  // The API works all the same.
  EXPECT_EQ(state()["game_dir"], utf8_of(dir_ / "games"));
}

TEST_F(HttpApiTest, SnapshotAndStreamShowTheLocalLibrary) {
  start_with_games();
  const auto first = events_->wait_for_event("snapshot", kTimeout);
  ASSERT_TRUE(first);
  ASSERT_TRUE(wait_for_game("openttd", "downloaded", true));
  const auto snapshot = state();
  EXPECT_EQ(snapshot["game_dir"], utf8_of(fs::absolute(dir_ / "games").lexically_normal()));
  EXPECT_EQ(snapshot["runtime"]["running"], true);
  std::map<std::string, json> games;
  for (const auto& game : snapshot["games"])
    games[game["id"]] = game;
  ASSERT_EQ(games.size(), 2u);
  EXPECT_EQ(games["openttd"]["name"], "OpenTTD");
  EXPECT_EQ(games["openttd"]["local"]["installed"], false);
  EXPECT_EQ(games["quake3"]["local"]["installed"], true);
  EXPECT_EQ(games["quake3"]["version"], "1.32");
}

TEST_F(HttpApiTest, InstallAndUninstallReachTheRuntime) {
  start_with_games();
  ASSERT_TRUE(wait_for_game("openttd", "downloaded", true));

  auto from = events_->mark();
  auto install = post("/api/games/openttd/install");
  ASSERT_TRUE(install);
  EXPECT_EQ(install->status, 202) << install->body;
  ASSERT_TRUE(events_->wait_for_event("game-install-finished", kTimeout, from));
  ASSERT_TRUE(wait_for_game("openttd", "installed", true, from));
  EXPECT_TRUE(fs::exists(dir_ / "games/openttd/local/README-lanspread-demo.txt"));
  // The operation was reported busy and then idle by snapshots.
  EXPECT_TRUE(events_->wait_for(
      [](const json& e) {
        return e["event"] == "operations-changed" && e["operations"].contains("openttd");
      },
      kTimeout, from));

  from = events_->mark();
  auto uninstall = post("/api/games/openttd/uninstall");
  ASSERT_TRUE(uninstall);
  EXPECT_EQ(uninstall->status, 202);
  ASSERT_TRUE(events_->wait_for_event("game-uninstall-finished", kTimeout, from));
  ASSERT_TRUE(wait_for_game("openttd", "installed", false, from));
  EXPECT_FALSE(fs::exists(dir_ / "games/openttd/local"));

  if (test::running_under_wine()) {
    GTEST_SKIP() << "wine 8 removes a folder only when its last handle closes, and leaves the "
                    "watch holding one pending when the folder is deleted (Windows ends it with "
                    "STATUS_DELETE_PENDING), so the removed game's folder never goes";
  }
  from = events_->mark();
  auto remove = post("/api/games/openttd/remove");
  ASSERT_TRUE(remove);
  EXPECT_EQ(remove->status, 202);
  ASSERT_TRUE(events_->wait_for(
      [](const json& e) {
        if (e["event"] != "games-list-updated")
          return false;
        for (const auto& game : e["games"]) {
          if (game["id"] == "openttd")
            return false;
        }
        return true;
      },
      kTimeout, from));
  EXPECT_FALSE(fs::exists(dir_ / "games/openttd/version.ini"));
}

TEST_F(HttpApiTest, FailedInstallIsReportedInWords) {
  test::write_file(dir_ / "games/cs16/version.ini", "1");
  test::write_file(dir_ / "games/cs16/cs16.zip", "this is not a zip archive");
  start(dir_ / "games");
  ASSERT_TRUE(wait_for_game("cs16", "downloaded", true));
  auto install = post("/api/games/cs16/install");
  ASSERT_TRUE(install);
  EXPECT_EQ(install->status, 202);
  const auto failure = events_->wait_for_event("failure", kTimeout);
  ASSERT_TRUE(failure);
  EXPECT_EQ((*failure)["game_id"], "cs16");
  EXPECT_EQ((*failure)["operation"], "install");
  EXPECT_FALSE((*failure)["reason"].get<std::string>().empty());
  EXPECT_EQ(state()["failures"]["cs16"]["operation"], "install");
  auto dismiss = post("/api/games/cs16/dismiss");
  ASSERT_TRUE(dismiss);
  EXPECT_EQ(state()["failures"], json::object());
}

TEST_F(HttpApiTest, BadCommandsGetClearErrors) {
  start_with_games();
  auto unknown = post("/api/games/no-such-game/install");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(json::parse(unknown->body)["error"].get<std::string>().find("no-such-game"),
            std::string::npos);

  auto no_body = client_->Post("/api/game-dir", auth(), "not json", "application/json");
  ASSERT_TRUE(no_body);
  EXPECT_EQ(no_body->status, 400);

  auto bad_peer = post("/api/peers", {{"address", "no-port"}});
  ASSERT_TRUE(bad_peer);
  EXPECT_EQ(bad_peer->status, 400);
  auto good_peer = post("/api/peers", {{"address", "127.0.0.1:4000"}});
  ASSERT_TRUE(good_peer);
  // Accepted: the runtime dials it and remembers it in the settings.
  EXPECT_EQ(good_peer->status, 202);
}

TEST_F(HttpApiTest, RateLimitsAreSetAndShown) {
  start_with_games();
  EXPECT_EQ(state()["rate_limits"]["upload_limit_mbit"], 0);
  for (const auto& bad : {json{{"upload_limit_mbit", 10}},
                          json{{"upload_limit_mbit", -1}, {"download_limit_mbit", 0}},
                          json{{"upload_limit_mbit", "10"}, {"download_limit_mbit", 0}}}) {
    auto refused = post("/api/rate-limits", bad);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad.dump();
    EXPECT_FALSE(json::parse(refused->body)["error"].get<std::string>().empty());
  }
  const auto from = events_->mark();
  auto set = post("/api/rate-limits", {{"upload_limit_mbit", 50}, {"download_limit_mbit", 200.5}});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->status, 202) << set->body;
  ASSERT_TRUE(events_->wait_for_event("rate-limits-changed", kTimeout, from));
  EXPECT_EQ(state()["rate_limits"]["upload_limit_mbit"], 50);
  EXPECT_EQ(state()["rate_limits"]["download_limit_mbit"], 200.5);
}

TEST_F(HttpApiTest, GameFolderIsValidatedBeforeUse) {
  start_with_games();
  auto missing = post("/api/game-dir", {{"path", utf8_of(dir_ / "nope")}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_FALSE(json::parse(missing->body)["error"].get<std::string>().empty());

  auto relative = post("/api/game-dir", {{"path", "games"}});
  ASSERT_TRUE(relative);
  EXPECT_EQ(relative->status, 400);

  test::write_file(dir_ / "other/cs16/version.ini", "7");
  const auto from = events_->mark();
  auto other = post("/api/game-dir", {{"path", utf8_of(dir_ / "other")}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 202) << other->body;
  ASSERT_TRUE(events_->wait_for_event("game-dir-changed", kTimeout, from));
  ASSERT_TRUE(wait_for_game("cs16", "downloaded", true, from));
  EXPECT_EQ(state()["game_dir"], utf8_of(dir_ / "other"));
}

// The UI sends UTF-8; the folder it names is the one used (on Windows a
// path made from the text as it is would name another).
TEST_F(HttpApiTest, AFolderWithANonAsciiNameCanBeChosen) {
  start_with_games();
  test::write_file(dir_ / "Spiele für alle/cs16/version.ini", "7");
  const auto from = events_->mark();
  auto chosen = post("/api/game-dir", {{"path", utf8_of(dir_ / "Spiele für alle")}});
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->status, 202) << chosen->body;
  ASSERT_TRUE(wait_for_game("cs16", "downloaded", true, from));
  EXPECT_EQ(state()["game_dir"], utf8_of(dir_ / "Spiele für alle"));
}

TEST_F(HttpApiTest, WithoutAFolderTheRuntimeStartsWhenOneIsChosen) {
  start(dir_ / "missing");
  auto snapshot = state();
  EXPECT_EQ(snapshot["runtime"]["running"], false);
  EXPECT_TRUE(snapshot["game_dir_problem"].is_string());

  auto install = post("/api/games/openttd/install");
  ASSERT_TRUE(install);
  EXPECT_EQ(install->status, 503);

  ASSERT_TRUE(create_game_dir_with_demo(dir_ / "chosen"));
  ASSERT_NO_FATAL_FAILURE(choose_first_folder(dir_ / "chosen"));
  snapshot = state();
  EXPECT_EQ(snapshot["runtime"]["running"], true);
  EXPECT_TRUE(snapshot["game_dir_problem"].is_null());
  // The next start (lanspread app without --games) opens it again.
  EXPECT_EQ(peer::load_settings(dir_ / "state").game_dir, dir_ / "chosen");
}

TEST_F(HttpApiTest, AFolderTheRuntimeCannotStartOnIsNotRemembered) {
  // The runtime cannot start while another socket holds its QUIC port.
  asio::io_context io;
  asio::ip::udp::socket port_taken(io, {asio::ip::address_v4::any(), 0});
  runtime_options_.listen = {asio::ip::address_v4::any(), port_taken.local_endpoint().port()};
  start(dir_ / "missing");
  ASSERT_TRUE(create_game_dir_with_demo(dir_ / "chosen"));

  auto refused = post("/api/game-dir", {{"path", utf8_of(dir_ / "chosen")}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_FALSE(json::parse(refused->body)["error"].get<std::string>().empty());
  EXPECT_EQ(state()["runtime"]["running"], false);
  EXPECT_TRUE(peer::load_settings(dir_ / "state").game_dir.empty());

  port_taken.close();
  // The runtime remembers it on its disk thread before its first scan.
  ASSERT_NO_FATAL_FAILURE(choose_first_folder(dir_ / "chosen"));
  EXPECT_EQ(peer::load_settings(dir_ / "state").game_dir, dir_ / "chosen");
}

TEST_F(HttpApiTest, APassphraseSetBeforeAnyRuntimeIsUsedAndRememberedByTheFirst) {
  const std::string secret = "lan party 2026";
  start(dir_ / "missing");
  auto set = post("/api/passphrase", {{"passphrase", secret}});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(state()["passphrase"], "set");

  ASSERT_TRUE(create_game_dir_with_demo(dir_ / "chosen"));
  ASSERT_NO_FATAL_FAILURE(choose_first_folder(dir_ / "chosen"));
  const auto settings = peer::load_settings(dir_ / "state");
  EXPECT_EQ(settings.game_dir, dir_ / "chosen");
  ASSERT_TRUE(settings.party_key);
  EXPECT_EQ(settings.party_key->hex(), peer::PartyKey::derive(secret).value().hex());
  EXPECT_EQ(test::read_file(dir_ / "state/settings.json").find(secret), std::string::npos);
  EXPECT_EQ(state()["passphrase"], "set");
}

TEST_F(HttpApiTest, RefreshAsksTheRuntimeForTheLibraryAndThePeerCount) {
  start_with_games();
  ASSERT_TRUE(wait_for_game("openttd", "downloaded", true));
  const auto from = events_->mark();
  auto refresh = post("/api/games/refresh");
  ASSERT_TRUE(refresh);
  EXPECT_EQ(refresh->status, 202) << refresh->body;
  ASSERT_TRUE(wait_for_game("openttd", "downloaded", true, from));
  const auto count = events_->wait_for_event("peer-count", kTimeout, from);
  ASSERT_TRUE(count);
  EXPECT_EQ((*count)["count"], 0);
}

TEST_F(HttpApiTest, RefreshNeedsARunningRuntime) {
  start(dir_ / "missing");
  auto refresh = post("/api/games/refresh");
  ASSERT_TRUE(refresh);
  EXPECT_EQ(refresh->status, 503);
  EXPECT_FALSE(json::parse(refresh->body)["error"].get<std::string>().empty());
}

TEST_F(HttpApiTest, ThePassphraseIsSetAndClearedButNeverEchoed) {
  start_with_games();
  const std::string secret = "lan party 2026";
  EXPECT_EQ(state()["passphrase"], "not set");

  const auto from = events_->mark();
  auto set = post("/api/passphrase", {{"passphrase", secret}});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->status, 202) << set->body;
  EXPECT_EQ(set->body.find(secret), std::string::npos);
  const auto changed = events_->wait_for_event("passphrase-changed", kTimeout, from);
  ASSERT_TRUE(changed);
  EXPECT_EQ((*changed)["set"], true);
  const auto snapshot = client_->Get("/api/state", auth());
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(json::parse(snapshot->body)["passphrase"], "set");
  EXPECT_EQ(snapshot->body.find(secret), std::string::npos);
  for (const auto& event : events_->events())
    EXPECT_EQ(event.dump().find(secret), std::string::npos) << event.dump();
  EXPECT_EQ(test::read_file(dir_ / "state/settings.json").find(secret), std::string::npos);

  const auto cleared_from = events_->mark();
  auto clear = post("/api/passphrase", {{"passphrase", nullptr}});
  ASSERT_TRUE(clear);
  EXPECT_EQ(clear->status, 202) << clear->body;
  const auto cleared = events_->wait_for_event("passphrase-changed", kTimeout, cleared_from);
  ASSERT_TRUE(cleared);
  EXPECT_EQ((*cleared)["set"], false);
  EXPECT_EQ(state()["passphrase"], "not set");

  for (const json& bad : {json::object(), json{{"passphrase", ""}}, json{{"passphrase", 42}}}) {
    auto refused = post("/api/passphrase", bad);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad.dump();
    EXPECT_TRUE(json::parse(refused->body)["error"].is_string());
  }
}

TEST_F(HttpApiTest, QuitAsksTheAppToStop) {
  start_with_games();
  auto quit = post("/api/quit");
  ASSERT_TRUE(quit);
  EXPECT_EQ(quit->status, 202);
  EXPECT_TRUE(quit_requested_);
  EXPECT_TRUE(events_->wait_for_event("app-quitting", kTimeout));
}

}  // namespace
}  // namespace lanspread::app
