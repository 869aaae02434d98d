// The app opening the browser on Linux: xdg-open, stood in for by a script
// on PATH. (Windows opens it with ShellExecuteW, which no test can watch.)
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <cstdlib>

#include "app_url.hpp"
#include "base/utf8_path.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace lanspread {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kProgram = LANSPREAD_BINARY;

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

using test::AppUrl;

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
  const auto url = test::parse_app_url(app.out());
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

}  // namespace
}  // namespace lanspread
