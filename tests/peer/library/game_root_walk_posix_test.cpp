// The walk against what only POSIX file systems hold: names Windows cannot
// store (control characters, backslashes, bytes that are not UTF-8), FIFOs,
// and a directory its reader may not enter (fork and setuid).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "peer/library/game_root_walk.hpp"
#include "support/temp_dir.hpp"
#include "walk_by_path.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

TEST(GameRootWalk, SkipsNamesThatCannotBeShared) {
  test::TempDir dir;
  const auto root = dir / "cs16";
  test::write_file(root / "ok.txt", "1");
  test::write_file(root / "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.txt", "unicode is fine");
  test::write_file(root / "bad\xff\xfe.txt", "invalid utf-8");
  test::write_file(root / "new\nline.txt", "control character");
  test::write_file(root / "back\\slash.txt", "backslash");
  test::write_file(root / "overlong\xc0\xaf.txt", "overlong encoding");

  const auto files = by_path(walk_game_root(root, "cs16"));
  EXPECT_EQ(files.size(), 2u);
  EXPECT_TRUE(files.contains("ok.txt"));
  EXPECT_TRUE(files.contains("\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.txt"));
}

TEST(GameRootWalk, SkipsSpecialFiles) {
  test::TempDir dir;
  const auto root = dir / "cs16";
  test::write_file(root / "ok.txt", "1");
  ASSERT_EQ(mkfifo((root / "pipe").c_str(), 0600), 0);
  const auto files = by_path(walk_game_root(root, "cs16"));
  EXPECT_EQ(files.size(), 1u);
}

// Root reads everything, so the walk runs in a child that drops to nobody.
TEST(GameRootWalk, SkipsUnreadableDirectoriesAndKeepsTheRest) {
  test::TempDir dir;
  const auto root = dir / "cs16";
  test::write_file(root / "readable.txt", "1");
  test::write_file(root / "locked/inside.txt", "2");
  fs::permissions(root / "locked", fs::perms::none);

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
      _exit(3);
    const auto files = by_path(walk_game_root(root, "cs16"));
    const bool ok = files.contains("readable.txt") && !files.contains("locked/inside.txt");
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace lanspread::peer
