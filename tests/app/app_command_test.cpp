#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <stdlib.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

#include "base/utf8_path.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace lanspread {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kProgram = LANSPREAD_BINARY;

struct AppUrl {
  std::uint16_t port = 0;
  std::string token;
};

// Puts `dir` first on PATH for the children this test starts.
class PathPrefix {
 public:
  explicit PathPrefix(const fs::path& dir) {
    const char* path_now = std::getenv("PATH");
    saved_ = path_now != nullptr ? path_now : "/usr/bin:/bin";
    const std::string path = utf8_of(dir) + ":" + saved_;
    ::setenv("PATH", path.c_str(), 1);
  }
  ~PathPrefix() { ::setenv("PATH", saved_.c_str(), 1); }
  PathPrefix(const PathPrefix&) = delete;
  PathPrefix& operator=(const PathPrefix&) = delete;

 private:
  std::string saved_;
};

std::optional<AppUrl> parse_url(const std::string& out) {
  static const std::regex kUrl(R"(http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]+))");
  std::smatch match;
  if (!std::regex_search(out, match, kUrl))
    return std::nullopt;
  return AppUrl{static_cast<std::uint16_t>(std::stoi(match[1])), match[2]};
}

TEST(AppCommand, ServesTheUiUntilCtrlC) {
  test::TempDir dir;
  test::write_file(dir / "games/quake3/version.ini", "1.32");
  test::write_file(dir / "ui/index.html", "<title>ui</title>");
  test::ChildProcess app({kProgram, "--no-mdns", "--games", utf8_of(dir / "games"), "--state",
                          utf8_of(dir / "state"), "app", "--no-browser", "--ui-dir",
                          utf8_of(dir / "ui")});
  ASSERT_TRUE(app.wait_for_output("token=", 20s)) << app.err();
  ASSERT_TRUE(app.wait_for_output("\n", 5s));
  const auto url = parse_url(app.out());
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
  const auto url = parse_url(ready["url"]);
  ASSERT_TRUE(url);
  httplib::Client client("127.0.0.1", url->port);
  auto quit = client.Post("/api/quit", {{"X-Lanspread-Token", url->token}}, "", "text/plain");
  ASSERT_TRUE(quit);
  EXPECT_EQ(quit->status, 202);
  EXPECT_EQ(app.wait_exit(20s), 0) << app.err();
}

TEST(AppCommand, ANewcomerGetsTheDefaultFolderWithADemoGame) {
  test::TempDir dir;
  // The default folder lives under XDG_DATA_HOME; the child inherits it.
  ASSERT_EQ(::setenv("XDG_DATA_HOME", (dir / "data").c_str(), 1), 0);
  test::ChildProcess desktop(
      {kProgram, "--no-mdns", "--state", utf8_of(dir / "state"), "app", "--no-browser"});
  ASSERT_TRUE(desktop.wait_for_output("token=", 20s)) << desktop.err();
  desktop.send_signal(SIGTERM);
  EXPECT_EQ(desktop.wait_exit(20s), 0) << desktop.err();
  ::unsetenv("XDG_DATA_HOME");
  const auto demo = dir / "data/lanspread/games/openttd";
  EXPECT_EQ(test::read_file(demo / "version.ini"), "demo-1\n");
  EXPECT_TRUE(fs::is_regular_file(demo / "openttd-lanspread-demo.zip"));
}

TEST(AppCommand, AChosenFolderIsNeverCreated) {
  test::TempDir dir;
  test::ChildProcess app({kProgram, "--no-mdns", "--games", utf8_of(dir / "typo"), "--state",
                          utf8_of(dir / "state"), "app", "--no-browser"});
  ASSERT_TRUE(app.wait_for_output("choose one in the UI", 20s)) << app.err();
  app.send_signal(SIGINT);
  EXPECT_EQ(app.wait_exit(20s), 0) << app.err();
  EXPECT_FALSE(fs::exists(dir / "typo"));
}

TEST(AppCommand, OpensTheBrowserThroughAPrivateFileThatHoldsTheUrl) {
  test::TempDir dir;
  fs::create_directories(dir / "games");
  // Stands in for the user's xdg-open: records what the app gave it, then
  // says so on the app's stdout, which it inherits.
  const auto arguments = dir / "xdg-open-arguments";
  test::write_file(dir / "bin/xdg-open", "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > '" +
                                             utf8_of(arguments) + "'\necho 'xdg-open stub ran'\n");
  fs::permissions(dir / "bin/xdg-open", fs::perms::owner_all);
  const PathPrefix stub_first(dir / "bin");
  test::ChildProcess app({kProgram, "--no-mdns", "--games", utf8_of(dir / "games"), "--state",
                          utf8_of(dir / "state"), "app"});
  ASSERT_TRUE(app.wait_for_output("xdg-open stub ran", 20s)) << app.err();
  const auto url = parse_url(app.out());
  ASSERT_TRUE(url) << app.out();

  const auto launcher = dir / "state/open-ui.html";
  const auto given = test::read_file(arguments);
  EXPECT_EQ(given, "1\n" + utf8_of(launcher) + "\n");
  EXPECT_EQ(given.find(url->token), std::string::npos);
  const auto full_url = "http://127.0.0.1:" + std::to_string(url->port) + "/?token=" + url->token;
  EXPECT_NE(test::read_file(launcher).find(full_url), std::string::npos);
  EXPECT_EQ(fs::status(launcher).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  app.send_signal(SIGINT);
  EXPECT_EQ(app.wait_exit(20s), 0) << app.err();
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
  const auto url = parse_url(app.out());
  ASSERT_TRUE(url) << app.out();
  EXPECT_EQ(url->port, port);
  httplib::Client client("127.0.0.1", port);
  auto state = client.Get("/api/state", {{"X-Lanspread-Token", url->token}});
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, 200);

  app.send_signal(SIGINT);
  EXPECT_EQ(app.wait_exit(20s), 0) << app.err();
}

}  // namespace
}  // namespace lanspread
