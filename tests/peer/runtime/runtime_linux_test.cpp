// What only Linux can show of the runtime: a state folder on a tmpfs
// remounted read-only, and the threads and descriptors /proc/self lists.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>

#include "runtime_fixture.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

std::size_t count_entries(const char* dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

// The state folder turning read-only under a running peer (a full or
// remounted disk): what must be remembered fails with a reason, nothing else
// stops. A tmpfs remounted read-only, since root ignores permission bits.
TEST_F(RuntimeTest, AStateFolderThatBecomesReadOnlyFailsWhatMustBeRemembered) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to mount a tmpfs and remount it read-only";
  const auto state = dir_ / "state";
  fs::create_directories(state);
  if (::mount("tmpfs", state.c_str(), "tmpfs", 0, "size=4m") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  struct Unmount {
    fs::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{state};
  test::write_file(games() / "quake3/version.ini", "1.32");
  {
    auto peer = start();
    ASSERT_TRUE(events_.wait_for<event::LocalLibraryChanged>(
        kTimeout, [](const event::LocalLibraryChanged& e) { return has_game(e, "quake3"); }));
    ASSERT_EQ(::mount(nullptr, state.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0)
        << std::strerror(errno);

    test::write_file(dir_ / "other/factorio/version.ini", "2.0");
    peer.send(command::SetGameDir{dir_ / "other"});
    const auto game_dir = events_.wait_for<event::CommandFailed>(kTimeout);
    ASSERT_TRUE(game_dir);
    EXPECT_EQ(game_dir->command, "set-game-dir");
    EXPECT_NE(game_dir->reason.find("cannot remember"), std::string::npos) << game_dir->reason;

    peer.send(command::SetPassphrase{"secret"});
    const auto passphrase = events_.wait_for<event::CommandFailed>(kTimeout);
    ASSERT_TRUE(passphrase);
    EXPECT_EQ(passphrase->command, "set-passphrase");

    // Still running: a new game in the folder it has is noticed.
    test::write_file(games() / "factorio/version.ini", "2.0");
    EXPECT_TRUE(events_.wait_for<event::LocalLibraryChanged>(
        kTimeout, [](const event::LocalLibraryChanged& e) { return has_game(e, "factorio"); }));
  }
  // Starting on a read-only state folder works too: the identity exists.
  auto again = start();
  EXPECT_TRUE(events_.wait_for<event::LocalLibraryChanged>(
      kTimeout, [](const event::LocalLibraryChanged& e) { return has_game(e, "factorio"); }));
}

TEST_F(RuntimeTest, ShutdownJoinsEveryThreadAndClosesEveryDescriptor) {
  fs::create_directories(games());
  const auto threads_before = count_entries("/proc/self/task");
  const auto fds_before = count_entries("/proc/self/fd");
  {
    auto peer = start();
    ASSERT_TRUE(events_.wait_for<event::LocalLibraryChanged>(kTimeout));
    EXPECT_GT(count_entries("/proc/self/task"), threads_before);
    peer.shutdown();
    EXPECT_FALSE(peer.send(command::ListGames{}));
  }
  EXPECT_EQ(count_entries("/proc/self/task"), threads_before);
  EXPECT_EQ(count_entries("/proc/self/fd"), fds_before);
}

}  // namespace
}  // namespace lanspread::peer
