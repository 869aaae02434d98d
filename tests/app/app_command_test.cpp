#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "app_url.hpp"
#include "base/utf8_path.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kProgram = LANSPREAD_BINARY;

using test::AppUrl;

// Stops the app as its UI's Quit does: what works the same on every system
// (a signal to a child needs a console on Windows, which wine gives no test).
void quit(test::ChildProcess& app, const AppUrl& url) {
  httplib::Client client("127.0.0.1", url.port);
  auto quit = client.Post("/api/quit", {{"X-Lanspread-Token", url.token}}, "", "text/plain");
  ASSERT_TRUE(quit);
  EXPECT_EQ(quit->status, 202);
  EXPECT_EQ(app.wait_exit(20s), 0) << app.err();
}

// The URL the app printed, once its line is complete.
std::optional<AppUrl> printed_url(test::ChildProcess& app) {
  if (!app.wait_for_output("token=", 20s) || !app.wait_for_output("\n", 5s))
    return std::nullopt;
  return test::parse_app_url(app.out());
}

TEST(AppCommand, ServesTheUiUntilCtrlC) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine gives a program under ctest no console that takes control events, so "
                    "no Ctrl-C reaches the child (ChildProcessTest does the same)";
  test::TempDir dir;
  test::write_file(dir / "games/quake3/version.ini", "1.32");
  test::write_file(dir / "ui/index.html", "<title>ui</title>");
  test::ChildProcess app({kProgram, "--no-mdns", "--games", utf8_of(dir / "games"), "--state",
                          utf8_of(dir / "state"), "app", "--no-browser", "--ui-dir",
                          utf8_of(dir / "ui")});
  ASSERT_TRUE(app.wait_for_output("token=", 20s)) << app.err();
  ASSERT_TRUE(app.wait_for_output("\n", 5s));
  const auto url = test::parse_app_url(app.out());
  ASSERT_TRUE(url) << app.out();

  httplib::Client client("127.0.0.1", url->port);
  auto page = client.Get("/?token=" + url->token);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "<title>ui</title>");
  auto refused = client.Get("/");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);

  app.send_signal(SIGINT);
  EXPECT_EQ(app.wait_exit(20s), 0) << app.err();
  EXPECT_NE(app.err().find("stopped cleanly"), std::string::npos);
}

TEST(AppCommand, QuitFromTheUiStopsTheApp) {
  test::TempDir dir;
  test::ChildProcess app({kProgram, "--no-mdns", "--games", utf8_of(dir / "games"), "--state",
                          utf8_of(dir / "state"), "--json", "app", "--no-browser"});
  ASSERT_TRUE(app.wait_for_output("app-ready", 20s)) << app.err();
  ASSERT_TRUE(app.wait_for_output("\n", 5s));
  const auto ready = nlohmann::json::parse(app.out().substr(0, app.out().find('\n')));
  const auto url = test::parse_app_url(ready["url"]);
  ASSERT_TRUE(url);
  httplib::Client client("127.0.0.1", url->port);
  auto quit = client.Post("/api/quit", {{"X-Lanspread-Token", url->token}}, "", "text/plain");
  ASSERT_TRUE(quit);
  EXPECT_EQ(quit->status, 202);
  EXPECT_EQ(app.wait_exit(20s), 0) << app.err();
}

TEST(AppCommand, ANewcomerGetsTheDefaultFolderWithADemoGame) {
  test::TempDir dir;
  // The default folder lives under XDG_DATA_HOME on Linux, the user's
  // profile on Windows (docs/cli.md); the child gets them from its
  // environment.
#ifdef _WIN32
  const test::ChildProcess::Environment environment = {{"USERPROFILE", utf8_of(dir / "profile")}};
  const auto demo = dir / "profile/Lanspread Games/openttd";
#else
  const test::ChildProcess::Environment environment = {{"XDG_DATA_HOME", utf8_of(dir / "data")}};
  const auto demo = dir / "data/lanspread/games/openttd";
#endif
  test::ChildProcess desktop(
      {kProgram, "--no-mdns", "--state", utf8_of(dir / "state"), "app", "--no-browser"},
      environment);
  const auto url = printed_url(desktop);
  ASSERT_TRUE(url) << desktop.err();
  quit(desktop, *url);
  EXPECT_EQ(test::read_file(demo / "version.ini"), "demo-1\n");
  EXPECT_TRUE(fs::is_regular_file(demo / "openttd-lanspread-demo.zip"));
}

TEST(AppCommand, AChosenFolderIsNeverCreated) {
  test::TempDir dir;
  test::ChildProcess app({kProgram, "--no-mdns", "--games", utf8_of(dir / "typo"), "--state",
                          utf8_of(dir / "state"), "app", "--no-browser"});
  ASSERT_TRUE(app.wait_for_output("choose one in the UI", 20s)) << app.err();
  const auto url = printed_url(app);
  ASSERT_TRUE(url) << app.out();
  quit(app, *url);
  EXPECT_FALSE(fs::exists(dir / "typo"));
}

TEST(AppCommand, ListensOnTheUiPortItIsGiven) {
  test::TempDir dir;
  fs::create_directories(dir / "games");
  std::uint16_t port = 0;
  const auto command = [&] {
    return std::vector<std::string>{kProgram,    "--no-mdns",
                                    "--games",   utf8_of(dir / "games"),
                                    "--state",   utf8_of(dir / "state"),
                                    "app",       "--no-browser",
                                    "--ui-port", std::to_string(port)};
  };
  {
    asio::io_context io;
    asio::ip::tcp::acceptor taken(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = taken.local_endpoint().port();
    const auto refused = test::run(command());
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << refused.err;
  }

  test::ChildProcess app(command());
  ASSERT_TRUE(app.wait_for_output("token=", 20s)) << app.err();
  ASSERT_TRUE(app.wait_for_output("\n", 5s));
  const auto url = test::parse_app_url(app.out());
  ASSERT_TRUE(url) << app.out();
  EXPECT_EQ(url->port, port);
  httplib::Client client("127.0.0.1", port);
  auto state = client.Get("/api/state", {{"X-Lanspread-Token", url->token}});
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, 200);
  quit(app, *url);
}

}  // namespace
}  // namespace lanspread
