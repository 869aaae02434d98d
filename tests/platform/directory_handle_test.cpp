#include "platform/directory_handle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/temp_dir.hpp"
#include "support/wine.hpp"

// The no-follow file-system layer, the same on every system: what the walk,
// the hash cache and the game server rely on.
namespace lanspread::platform {
namespace {
namespace fs = std::filesystem;

std::string read_all(const ReadOnlyFile& file, std::uint64_t offset, std::size_t length) {
  std::string text(length, '\0');
  const auto got = file.read_at(offset, reinterpret_cast<std::byte*>(text.data()), length);
  EXPECT_TRUE(got.has_value());
  text.resize(got ? *got : 0);
  return text;
}

TEST(DirectoryHandleTest, ListsEntriesWithTheirTypesSizesAndTimes) {
  test::TempDir dir;
  test::write_file(dir / "game/readme.txt", "hello");
  test::write_file(dir / "game/maps/a.bsp", "a");
  // Names are UTF-8 inside the program; a path made from a plain string would
  // read it in Windows' ANSI code page.
  const std::string unicode = "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.txt";
  test::write_file(dir / "game" / fs::path(std::u8string(unicode.begin(), unicode.end())),
                   "unicode");
  test::age(dir / "game/readme.txt");

  const auto game = DirectoryHandle::open(dir / "game");
  ASSERT_TRUE(game) << game.error().message();
  std::error_code error;
  auto entries = game->entries(error);
  EXPECT_FALSE(error) << error.message();
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "maps");
  EXPECT_EQ(entries[0].type, EntryType::Directory);
  EXPECT_EQ(entries[1].name, "readme.txt");
  EXPECT_EQ(entries[1].type, EntryType::File);
  EXPECT_EQ(entries[1].size, 5u);
  EXPECT_EQ(entries[1].mtime_ns, 1'577'836'800'000'000'000) << "2020-01-01, as test::age sets it";
  EXPECT_EQ(entries[2].name, unicode);
  EXPECT_EQ(entries[2].size, 7u);

  // A second listing of the same handle starts over.
  EXPECT_EQ(game->entries(error).size(), 3u);
}

TEST(DirectoryHandleTest, OpensChildrenAndReadsFilesAtAnyOffset) {
  test::TempDir dir;
  test::write_file(dir / "game/maps/a.bsp", "0123456789");
  const auto game = DirectoryHandle::open(dir / "game");
  ASSERT_TRUE(game);
  const auto maps = game->open_child("maps");
  ASSERT_TRUE(maps) << maps.error().message();
  const auto file = ReadOnlyFile::open_in(*maps, "a.bsp");
  ASSERT_TRUE(file) << file.error().message();
  EXPECT_EQ(file->size(), 10u);
  EXPECT_EQ(read_all(*file, 6, 100), "6789");
  EXPECT_EQ(read_all(*file, 0, 3), "012");
  EXPECT_EQ(read_all(*file, 10, 4), "") << "0 at the end";
  EXPECT_EQ(read_all(*file, 1000, 4), "");
  // "." is the directory itself.
  EXPECT_TRUE(game->open_child("."));
}

TEST(DirectoryHandleTest, RefusalsAreTheErrorsPosixGives) {
  test::TempDir dir;
  test::write_file(dir / "game/file.txt", "x");
  fs::create_directories(dir / "game/folder");
  const auto game = DirectoryHandle::open(dir / "game");
  ASSERT_TRUE(game);
  EXPECT_EQ(game->open_child("missing").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(ReadOnlyFile::open_in(*game, "missing").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(game->open_child("file.txt").error(), std::errc::not_a_directory);
  EXPECT_EQ(ReadOnlyFile::open_in(*game, "folder").error(), std::errc::invalid_argument);
  EXPECT_EQ(game->identify("folder").error(), std::errc::invalid_argument);
  EXPECT_EQ(DirectoryHandle::open(dir / "game/file.txt").error(), std::errc::not_a_directory);
  EXPECT_EQ(DirectoryHandle::open(dir / "absent").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(examine(dir / "absent").error(), std::errc::no_such_file_or_directory);
}

// Windows would find "LOCAL" for "local", and ".local.backup" by its 8.3
// alias; the peer's checks of which names are never served count on opening
// the exact name only, as POSIX does.
TEST(DirectoryHandleTest, OpensOnlyTheExactName) {
  test::TempDir dir;
  test::write_file(dir / "game/local/secret.cfg", "installed");
  test::write_file(dir / "game/.local.backup/old.cfg", "backup");
  test::write_file(dir / "game/Readme.txt", "x");
  const auto game = DirectoryHandle::open(dir / "game");
  ASSERT_TRUE(game);
  EXPECT_EQ(game->open_child("LOCAL").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(game->open_child("LOCAL~1.BAC").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(ReadOnlyFile::open_in(*game, "readme.txt").error(),
            std::errc::no_such_file_or_directory);
  EXPECT_EQ(game->identify("README.TXT").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(ReadOnlyFile::open_in(*game, "bad\xff.txt").error(),
            std::errc::no_such_file_or_directory);
  EXPECT_TRUE(game->open_child("local"));
  EXPECT_TRUE(ReadOnlyFile::open_in(*game, "Readme.txt"));
}

TEST(DirectoryHandleTest, NeverOpensThroughASymlink) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  test::TempDir dir;
  test::write_file(dir / "outside/secret.txt", "secret");
  fs::create_directories(dir / "game");
  test::create_symlink(dir / "outside", dir / "game/escape-dir");
  test::create_symlink(dir / "outside/secret.txt", dir / "game/escape.txt");
  const auto game = DirectoryHandle::open(dir / "game");
  ASSERT_TRUE(game);
  // A link where a directory is expected: ELOOP or, from POSIX's
  // O_DIRECTORY | O_NOFOLLOW, ENOTDIR.
  const auto refused_as_directory = [](std::error_code error) {
    return error == std::errc::too_many_symbolic_link_levels || error == std::errc::not_a_directory;
  };
  EXPECT_TRUE(refused_as_directory(game->open_child("escape-dir").error()));
  EXPECT_EQ(ReadOnlyFile::open_in(*game, "escape.txt").error(),
            std::errc::too_many_symbolic_link_levels);
  EXPECT_EQ(game->identify("escape.txt").error(), std::errc::too_many_symbolic_link_levels);
  EXPECT_TRUE(refused_as_directory(DirectoryHandle::open(dir / "game/escape-dir").error()));
  EXPECT_EQ(examine(dir / "game/escape-dir")->type, EntryType::Symlink);
  std::error_code error;
  for (const auto& entry : game->entries(error))
    EXPECT_EQ(entry.type, EntryType::Symlink) << entry.name;
}

TEST(DirectoryHandleTest, AFileKeepsItsIdentityUntilItChanges) {
  test::TempDir dir;
  test::write_file(dir / "game/a.bin", "aaaa");
  test::write_file(dir / "game/b.bin", "bbbb");
  test::age(dir / "game/a.bin");
  const auto game = DirectoryHandle::open(dir / "game");
  ASSERT_TRUE(game);
  const auto a = game->identify("a.bin");
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->size, 4u);
  EXPECT_EQ(a->mtime_ns, 1'577'836'800'000'000'000);
  EXPECT_EQ(game->identify("a.bin").value(), *a);
  EXPECT_NE(game->identify("b.bin")->file_id, a->file_id);
  EXPECT_EQ(game->identify("b.bin")->device, a->device);

  test::write_file(dir / "game/a.bin", "AAAA");
  EXPECT_NE(game->identify("a.bin").value(), *a);
}

}  // namespace
}  // namespace lanspread::platform
