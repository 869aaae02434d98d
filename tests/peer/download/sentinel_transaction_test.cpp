#include "peer/download/sentinel_transaction.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

#include "base/utf8_path.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;
using proto::GameFileDescription;

GameFileDescription file(std::string path, std::uint64_t size) {
  return {.game_id = "cs16", .relative_path = std::move(path), .size = size};
}

GameFileDescription folder(std::string path) {
  return {.game_id = "cs16", .relative_path = std::move(path), .is_dir = true};
}

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

class SentinelTransactionTest : public ::testing::Test {
 protected:
  SentinelTransactionTest() { fs::create_directories(dir_ / "games"); }
  fs::path root() const { return dir_ / "games/cs16"; }

  SentinelTransaction begin_ok(std::vector<GameFileDescription> files) {
    auto begun = SentinelTransaction::begin(root(), std::move(files));
    if (!begun)
      throw std::runtime_error("begin failed: " + begun.error().message);
    return std::move(*begun);
  }

  std::string refusal(std::vector<GameFileDescription> files) {
    auto begun = SentinelTransaction::begin(root(), std::move(files));
    EXPECT_FALSE(begun);
    if (begun)
      return {};
    EXPECT_FALSE(begun.error().message.empty());
    return begun.error().message;
  }

  test::TempDir dir_;
};

TEST_F(SentinelTransactionTest, BeginParksTheSentinelAndSizesExistingFilesKeepingTheirData) {
  test::write_file(root() / "version.ini", "20230101");
  test::write_file(root() / "cs16.rar", "hello world");
  test::write_file(root() / "too_long.bin", std::string(100, 'x'));
  auto transaction =
      begin_ok({file("version.ini", 8), file("cs16.rar", 20), file("too_long.bin", 10),
                file("maps/de_dust2.bsp", 5), folder("empty"), file("zero.txt", 0)});
  EXPECT_FALSE(fs::exists(root() / "version.ini"));
  EXPECT_EQ(test::read_file(root() / ".version.ini.discarded"), "20230101");
  EXPECT_EQ(fs::file_size(root() / "cs16.rar"), 20u);
  EXPECT_EQ(test::read_file(root() / "cs16.rar").substr(0, 11), "hello world");
  EXPECT_EQ(test::read_file(root() / "too_long.bin"), std::string(10, 'x'));
  EXPECT_TRUE(fs::is_directory(root() / "maps"));
  EXPECT_FALSE(fs::exists(root() / "maps/de_dust2.bsp")) << "created by its first write";
  EXPECT_TRUE(fs::is_directory(root() / "empty"));
  EXPECT_EQ(fs::file_size(root() / "zero.txt"), 0u) << "no write would create it";
  transaction.fail();
}

TEST_F(SentinelTransactionTest, MissingFilesAreCreatedByTheirFirstWriteNeverByARead) {
  test::write_file(dir_ / "outside/secret.txt", "not yours");
  auto transaction =
      begin_ok({file("a.bin", 6), file("maps/b.bin", 3), file("c.bin", 2), file("d.bin", 2)});
  const auto& files = transaction.files();
  std::array<std::byte, 3> out{};
  EXPECT_FALSE(files.read(1, 0, out));
  EXPECT_FALSE(fs::exists(root() / "maps/b.bin")) << "a read creates nothing";

  EXPECT_TRUE(files.write(0, 3, bytes_of("def")));
  EXPECT_TRUE(files.write(0, 0, bytes_of("abc")));
  EXPECT_EQ(test::read_file(root() / "a.bin"), "abcdef");
  EXPECT_TRUE(files.write(1, 0, bytes_of("xyz")));
  EXPECT_TRUE(files.read(1, 0, out));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()), out.size()), "xyz");

  // A symlink or a folder put where a file is still to be created is refused
  // (the symlink not under wine, which cannot open a link itself).
  if (!test::running_under_wine()) {
    test::create_symlink(dir_ / "outside/secret.txt", root() / "c.bin");
    const auto through_link = files.write(2, 0, bytes_of("!!"));
    ASSERT_FALSE(through_link);
    EXPECT_NE(through_link.error().message.find("cannot open c.bin"), std::string::npos)
        << through_link.error();
    EXPECT_EQ(test::read_file(dir_ / "outside/secret.txt"), "not yours");
  }
  fs::create_directory(root() / "d.bin");
  EXPECT_FALSE(files.write(3, 0, bytes_of("!!")));
  transaction.fail();
}

TEST_F(SentinelTransactionTest, WritesArePositionedAndStayInsideTheManifestSizes) {
  auto transaction = begin_ok({file("version.ini", 1), file("a.bin", 10), folder("d")});
  const auto& files = transaction.files();
  EXPECT_TRUE(files.write(1, 5, bytes_of("WORLD")));
  EXPECT_TRUE(files.write(1, 0, bytes_of("HELLO")));
  EXPECT_EQ(test::read_file(root() / "a.bin"), "HELLOWORLD");

  const auto past_end = files.write(1, 8, bytes_of("xyz"));
  ASSERT_FALSE(past_end);
  EXPECT_NE(past_end.error().message.find("past the end of a.bin"), std::string::npos)
      << past_end.error();
  EXPECT_FALSE(files.write(0, 0, bytes_of("1"))) << "the sentinel is committed, not written";
  EXPECT_FALSE(files.write(2, 0, bytes_of("1"))) << "a folder";
  EXPECT_FALSE(files.write(3, 0, bytes_of("1"))) << "no such entry";
  EXPECT_EQ(fs::file_size(root() / "a.bin"), 10u);
  transaction.fail();
}

TEST_F(SentinelTransactionTest, ManyFilesStayWithinTheDescriptorBound) {
  const auto open_descriptors = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator{});
  };
  std::vector<GameFileDescription> manifest;
  for (int i = 0; i < 300; ++i)
    manifest.push_back(file("data/f" + std::to_string(i) + ".bin", 2));
  const auto before = open_descriptors();
  auto transaction = begin_ok(manifest);
  for (std::uint32_t i = 0; i < manifest.size(); ++i)
    ASSERT_TRUE(transaction.files().write(i, 0, bytes_of("ok")));
  EXPECT_LE(open_descriptors() - before, static_cast<long>(FileSet::kOpenFiles) + 2);
  // Evicted files reopen on demand.
  ASSERT_TRUE(transaction.files().write(0, 1, bytes_of("K")));
  EXPECT_EQ(test::read_file(root() / "data/f0.bin"), "oK");
  EXPECT_EQ(test::read_file(root() / "data/f299.bin"), "ok");
  transaction.fail();
}

TEST_F(SentinelTransactionTest, CommitWritesTheSentinelLastAndDropsTheParkedOne) {
  test::write_file(root() / "version.ini", "20230101");
  auto transaction = begin_ok({file("version.ini", 8), file("a.bin", 3)});
  ASSERT_TRUE(transaction.files().write(1, 0, bytes_of("abc")));
  const auto wrong = transaction.commit("2024");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("4 bytes, the manifest says 8"), std::string::npos)
      << wrong.error();
  EXPECT_FALSE(fs::exists(root() / "version.ini"));
  EXPECT_FALSE(fs::exists(root() / ".version.ini.tmp"));

  EXPECT_TRUE(transaction.commit("20240315"));
  EXPECT_EQ(test::read_file(root() / "version.ini"), "20240315");
  EXPECT_EQ(test::read_file(root() / "a.bin"), "abc");
  EXPECT_FALSE(fs::exists(root() / ".version.ini.discarded"));
  EXPECT_FALSE(fs::exists(root() / ".version.ini.tmp"));
}

// Names are UTF-8 in the manifest and in the program; Windows' ANSI code
// page would mangle them if a path were made from the plain text.
TEST_F(SentinelTransactionTest, DownloadsIntoFoldersAndFilesWithNonAsciiNames) {
  const std::string folder = "cartes \xc3\xa9t\xc3\xa9";                // "cartes été"
  const std::string name = "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.bsp";  // "テスト.bsp"
  const auto game = dir_ / "games/\xc3\x9c\x62ung";                     // "Übung"
  auto begun = SentinelTransaction::begin(
      game, {file("version.ini", 1), file(folder + "/" + name, 3), file(name, 0)});
  ASSERT_TRUE(begun) << begun.error();
  ASSERT_TRUE(begun->files().write(1, 0, bytes_of("abc")));
  ASSERT_TRUE(begun->commit("1"));
  EXPECT_EQ(test::read_file(game / path_from_utf8(folder) / path_from_utf8(name)), "abc");
  EXPECT_TRUE(fs::is_regular_file(game / path_from_utf8(name)));
  EXPECT_EQ(test::read_file(game / "version.ini"), "1");
}

TEST_F(SentinelTransactionTest, CommitChecksTheSentinelHash) {
  auto entry = file("version.ini", 8);
  entry.block_size = 4096;
  entry.block_hashes = {proto::Sha256Digest{}};  // not the hash of anything sent
  auto transaction = begin_ok({entry});
  const auto refused = transaction.commit("20240315");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("hash"), std::string::npos) << refused.error();
  EXPECT_FALSE(fs::exists(root() / "version.ini"));
}

TEST_F(SentinelTransactionTest, FailSweepsTemporariesAndDoesNotRestoreTheOldSentinel) {
  test::write_file(root() / "version.ini", "20230101");
  test::write_file(root() / "a.bin", "old");
  {
    auto transaction = begin_ok({file("version.ini", 8), file("a.bin", 3)});
    ASSERT_TRUE(transaction.files().write(1, 0, bytes_of("new")));
    test::write_file(root() / ".version.ini.tmp", "left by a crash");
    transaction.fail();
  }
  EXPECT_FALSE(fs::exists(root() / "version.ini"));
  EXPECT_FALSE(fs::exists(root() / ".version.ini.discarded"));
  EXPECT_FALSE(fs::exists(root() / ".version.ini.tmp"));
  EXPECT_EQ(test::read_file(root() / "a.bin"), "new") << "kept for a resume";
}

TEST_F(SentinelTransactionTest, ATransactionDroppedUnsettledFails) {
  test::write_file(root() / "version.ini", "20230101");
  {
    auto transaction = begin_ok({file("a.bin", 3)});
    ASSERT_TRUE(transaction.files().write(0, 0, bytes_of("abc")));
  }
  EXPECT_FALSE(fs::exists(root() / "version.ini"));
  EXPECT_FALSE(fs::exists(root() / ".version.ini.discarded"));
  EXPECT_EQ(test::read_file(root() / "a.bin"), "abc") << "kept for a resume";
}

TEST_F(SentinelTransactionTest, CancelDiscardsThePayloadAndKeepsLocalAndLauncherFiles) {
  test::write_file(root() / "version.ini", "20230101");
  test::write_file(root() / "local/game.exe", "installed");
  test::write_file(root() / ".lanspread_owned", "");
  test::write_file(root() / "readme.txt", "not in the new manifest");
  test::write_file(root() / "maps/old.bsp", "the folder existed before");
  auto transaction = begin_ok({file("version.ini", 8), file("a.bin", 3), file("maps/new.bsp", 2),
                               file("sounds/deep/x.wav", 4), folder("empty")});
  ASSERT_TRUE(transaction.files().write(1, 0, bytes_of("abc")));
  transaction.cancel();
  for (const char* gone : {"a.bin", "maps/new.bsp", "sounds", "empty", "version.ini",
                           ".version.ini.discarded", ".version.ini.tmp"}) {
    EXPECT_FALSE(fs::exists(root() / gone)) << gone;
  }
  EXPECT_EQ(test::read_file(root() / "local/game.exe"), "installed");
  EXPECT_TRUE(fs::exists(root() / ".lanspread_owned"));
  EXPECT_TRUE(fs::exists(root() / "readme.txt"));
  EXPECT_TRUE(fs::exists(root() / "maps/old.bsp"));
}

TEST_F(SentinelTransactionTest, CancelRemovesAGameFolderItCreated) {
  fs::create_directories(root().parent_path());
  auto transaction = begin_ok({file("a/b/c.bin", 3)});
  ASSERT_TRUE(transaction.files().write(0, 0, bytes_of("abc")));
  EXPECT_TRUE(fs::exists(root() / "a/b/c.bin"));
  transaction.cancel();
  EXPECT_FALSE(fs::exists(root()));
}

TEST_F(SentinelTransactionTest, RefusesManifestPathsThatCouldEscapeOrHitReservedNames) {
  test::write_file(root() / "version.ini", "1");
  for (const char* bad :
       {"../outside.txt", "/etc/passwd", "a//b", "./a", "a/./b", "a/../../x", "", "local/x.exe",
        ".local.installing/x", ".lanspread_owned", ".version.ini.tmp", "a\\b", "trailing/"}) {
    const auto error = refusal({file(bad, 1)});
    EXPECT_NE(error.find("path"), std::string::npos) << bad << ": " << error;
  }
  EXPECT_EQ(test::read_file(root() / "version.ini"), "1") << "nothing changed";
  EXPECT_FALSE(fs::exists(dir_ / "outside.txt"));
}

TEST_F(SentinelTransactionTest, NeverWritesThroughASymlink) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  test::write_file(root() / "version.ini", "1");
  test::write_file(dir_ / "outside/secret.txt", "not yours");
  test::create_symlink(dir_ / "outside", root() / "maps");
  test::create_symlink(dir_ / "outside/secret.txt", root() / "a.bin");

  const auto through_dir = refusal({file("maps/secret.txt", 100)});
  EXPECT_NE(through_dir.find("maps is a symlink or not a folder"), std::string::npos)
      << through_dir;
  const auto through_file = refusal({file("a.bin", 100)});
  EXPECT_NE(through_file.find("a.bin exists and is not a regular file"), std::string::npos)
      << through_file;
  EXPECT_EQ(test::read_file(dir_ / "outside/secret.txt"), "not yours");
  EXPECT_EQ(fs::file_size(dir_ / "outside/secret.txt"), 9u);
  EXPECT_EQ(test::read_file(root() / "version.ini"), "1");
}

TEST_F(SentinelTransactionTest, ASymlinkAfterOtherFilesOfItsFolderIsStillRefused) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  test::write_file(root() / "version.ini", "1");
  test::write_file(root() / "maps/a.bsp", "real");
  test::write_file(dir_ / "outside/secret.txt", "not yours");
  test::create_symlink(dir_ / "outside/secret.txt", root() / "maps/b.bsp");

  for (const auto& manifest :
       {std::vector{file("maps/a.bsp", 4), file("maps/b.bsp", 100)},
        std::vector{file("new/x.bin", 10), file("new/y.bin", 10), file("maps/b.bsp", 100)}}) {
    const auto error = refusal(manifest);
    EXPECT_NE(error.find("maps/b.bsp exists and is not a regular file"), std::string::npos)
        << error;
  }
  EXPECT_EQ(test::read_file(dir_ / "outside/secret.txt"), "not yours");
  EXPECT_FALSE(fs::exists(root() / "new"));
  EXPECT_EQ(test::read_file(root() / "version.ini"), "1");
}

TEST_F(SentinelTransactionTest, RefusesAManifestThatLies) {
  test::write_file(root() / "version.ini", "1");
  test::write_file(root() / "maps", "a file where the manifest wants a folder");
  EXPECT_NE(refusal({file("a.bin", 1), file("a.bin", 2)}).find("lists a.bin twice"),
            std::string::npos);
  EXPECT_NE(refusal({file("a", 1), file("a/b", 1)}).find("both as a file and as a folder"),
            std::string::npos);
  EXPECT_NE(refusal({file("version.ini", 1), file("version.ini", 1)}).find("twice"),
            std::string::npos);
  EXPECT_NE(refusal({folder("version.ini")}).find("cannot be a folder"), std::string::npos);
  const auto huge = refusal({file("a.bin", std::uint64_t{1} << 60)});
  EXPECT_NE(huge.find("not enough disk space"), std::string::npos) << huge;
  const auto overflow = refusal({file("a.bin", UINT64_MAX), file("b.bin", 2)});
  EXPECT_NE(overflow.find("past 2^64"), std::string::npos) << overflow;
  const auto blocked = refusal({file("maps/de_dust2.bsp", 1)});
  EXPECT_NE(blocked.find("maps is a symlink or not a folder"), std::string::npos) << blocked;
  const auto long_name = std::string(300, 'n');
  const auto too_long = refusal({file(long_name, 1)});
  // "File name too long" on Linux; each C library words it its own way.
  const auto too_long_text = std::make_error_code(std::errc::filename_too_long).message();
  EXPECT_NE(too_long.find(too_long_text), std::string::npos) << too_long;
  EXPECT_EQ(test::read_file(root() / "version.ini"), "1") << "nothing changed";
  EXPECT_FALSE(fs::exists(root() / "a.bin"));
}

TEST_F(SentinelTransactionTest, SweepAfterACrashLeavesThePayload) {
  test::write_file(root() / ".version.ini.tmp", "2024");
  test::write_file(root() / ".version.ini.discarded", "2023");
  test::write_file(root() / "a.bin", "payload");
  sweep_sentinel_temporaries(root());
  EXPECT_FALSE(fs::exists(root() / ".version.ini.tmp"));
  EXPECT_FALSE(fs::exists(root() / ".version.ini.discarded"));
  EXPECT_FALSE(fs::exists(root() / "version.ini"));
  EXPECT_TRUE(fs::exists(root() / "a.bin"));
}

}  // namespace
}  // namespace lanspread::peer::download
