#include <gtest/gtest.h>

#include <string>

#include "platform/directory_handle.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

// What a download changes on disk, relative to an open folder and never
// through a symlink, the same on every system.
namespace lanspread::platform {
namespace {
namespace fs = std::filesystem;
using Opening = WritableFile::Opening;

const std::byte* bytes_of(std::string_view text) {
  return reinterpret_cast<const std::byte*>(text.data());
}

std::string read_back(const WritableFile& file, std::uint64_t offset, std::size_t length) {
  std::string text(length, '\0');
  const auto got = file.read_at(offset, reinterpret_cast<std::byte*>(text.data()), length);
  EXPECT_TRUE(got.has_value());
  text.resize(got ? *got : 0);
  return text;
}

// Success, or the system's reason in the test's output.
::testing::AssertionResult ok(const Result<void, std::error_code>& result) {
  if (result)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << result.error().message();
}

DirectoryHandle open_folder(const fs::path& path) {
  auto opened = DirectoryHandle::open(path);
  if (!opened)
    throw std::system_error(opened.error(), "cannot open the test folder");
  return std::move(*opened);
}

TEST(WritableFileTest, CreatesOnlyWhatItIsAskedToAndOpensOnlyRegularFiles) {
  test::TempDir dir;
  test::write_file(dir / "game/existing.bin", "old");
  fs::create_directories(dir / "game/folder");
  const auto game = open_folder(dir / "game");

  EXPECT_EQ(WritableFile::open_in(game, "missing.bin", Opening::Existing).error(),
            std::errc::no_such_file_or_directory);
  EXPECT_FALSE(fs::exists(dir / "game/missing.bin"));
  EXPECT_EQ(WritableFile::open_in(game, "existing.bin", Opening::New).error(),
            std::errc::file_exists);
  EXPECT_EQ(WritableFile::open_in(game, "folder", Opening::Existing).error(),
            std::errc::is_a_directory);
  EXPECT_EQ(WritableFile::open_in(game, "folder", Opening::ExistingOrNew).error(),
            std::errc::is_a_directory);

  const auto created = WritableFile::open_in(game, "new.bin", Opening::New);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->size().value(), 0u);
  const auto either = WritableFile::open_in(game, "other.bin", Opening::ExistingOrNew);
  ASSERT_TRUE(either) << either.error().message();
  const auto existing = WritableFile::open_in(game, "existing.bin", Opening::ExistingOrNew);
  ASSERT_TRUE(existing) << existing.error().message();
  EXPECT_EQ(existing->size().value(), 3u) << "opening never truncates";
  EXPECT_TRUE(fs::is_regular_file(dir / "game/new.bin"));
  EXPECT_TRUE(fs::is_regular_file(dir / "game/other.bin"));
}

// Windows finds a name whatever its case; POSIX would make a second file.
// Neither opens the other spelling as if it were the name asked for.
TEST(WritableFileTest, NeverTakesAnotherSpellingOfTheName) {
  test::TempDir dir;
  test::write_file(dir / "game/Readme.txt", "x");
  const auto game = open_folder(dir / "game");
  EXPECT_EQ(WritableFile::open_in(game, "README.TXT", Opening::Existing).error(),
            std::errc::no_such_file_or_directory);
  const auto other = WritableFile::open_in(game, "README.TXT", Opening::ExistingOrNew);
#ifdef _WIN32
  EXPECT_EQ(other.error(), std::errc::file_exists) << "the name is taken on a Windows volume";
#else
  EXPECT_TRUE(other) << "a separate file on a POSIX file system";
#endif
  EXPECT_EQ(test::read_file(dir / "game/Readme.txt"), "x");
}

TEST(WritableFileTest, WritesAndReadsAtAnyOffsetAndResizes) {
  test::TempDir dir;
  fs::create_directories(dir / "game");
  const auto game = open_folder(dir / "game");
  const auto file = WritableFile::open_in(game, "a.bin", Opening::New);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->write_at(6, bytes_of("6789"), 4).value(), 4u);
  EXPECT_EQ(file->write_at(0, bytes_of("012"), 3).value(), 3u);
  EXPECT_EQ(file->size().value(), 10u);
  EXPECT_EQ(read_back(*file, 0, 100), std::string("012\0\0\0006789", 10)) << "a gap reads zeros";
  EXPECT_EQ(read_back(*file, 10, 4), "") << "0 at the end";

  ASSERT_TRUE(ok(file->resize(4)));
  EXPECT_EQ(read_back(*file, 0, 100), std::string("012\0", 4));
  ASSERT_TRUE(ok(file->resize(6)));
  EXPECT_EQ(read_back(*file, 0, 100), std::string("012\0\0\0", 6)) << "extended with zeros";
  file->start_writeback(0, 6);
  EXPECT_TRUE(ok(file->flush()));
  EXPECT_EQ(fs::file_size(dir / "game/a.bin"), 6u);
}

TEST(WritableFileTest, ExaminesAChildWithoutFollowingIt) {
  test::TempDir dir;
  test::write_file(dir / "game/a.bin", "hello");
  fs::create_directories(dir / "game/maps");
  test::age(dir / "game/a.bin");
  const auto game = open_folder(dir / "game");
  const auto file = game.examine_child("a.bin");
  ASSERT_TRUE(file) << file.error().message();
  EXPECT_EQ(file->name, "a.bin");
  EXPECT_EQ(file->type, EntryType::File);
  EXPECT_EQ(file->size, 5u);
  EXPECT_GE(file->allocated, 0u);
  EXPECT_EQ(file->mtime_ns, 1'577'836'800'000'000'000);
  EXPECT_EQ(game.examine_child("maps")->type, EntryType::Directory);
  EXPECT_EQ(game.examine_child("missing").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(game.examine_child("A.BIN").error(), std::errc::no_such_file_or_directory);
}

TEST(WritableFileTest, ASparseFileTakesLessThanItsSize) {
  test::TempDir dir;
  fs::create_directories(dir / "game");
  const auto game = open_folder(dir / "game");
  {
    const auto file = WritableFile::open_in(game, "sparse.bin", Opening::New);
    ASSERT_TRUE(file);
    ASSERT_TRUE(ok(file->resize(64 * 1024 * 1024)));
  }
  const auto sparse = game.examine_child("sparse.bin");
  ASSERT_TRUE(sparse);
  EXPECT_EQ(sparse->size, 64u * 1024 * 1024);
  if (test::running_under_wine())
    return;  // wine reports the size as allocated, whatever the host file system holds
#ifndef _WIN32
  // NTFS allocates what a file is extended to unless it is marked sparse;
  // what counts is that the free-space check then does not count it twice.
  EXPECT_LT(sparse->allocated, sparse->size);
#endif
}

TEST(WritableFileTest, CreatesRenamesAndRemovesChildren) {
  test::TempDir dir;
  test::write_file(dir / "game/a.bin", "a");
  test::write_file(dir / "game/b.bin", "b");
  const auto game = open_folder(dir / "game");

  ASSERT_TRUE(ok(game.create_child("maps")));
  EXPECT_TRUE(fs::is_directory(dir / "game/maps"));
  EXPECT_EQ(game.create_child("maps").error(), std::errc::file_exists);
  EXPECT_EQ(game.create_child("a.bin").error(), std::errc::file_exists);

  ASSERT_TRUE(ok(game.rename("a.bin", "c.bin")));
  EXPECT_FALSE(fs::exists(dir / "game/a.bin"));
  EXPECT_EQ(test::read_file(dir / "game/c.bin"), "a");
  ASSERT_TRUE(ok(game.rename("c.bin", "b.bin"))) << "replaces the file in the way";
  EXPECT_EQ(test::read_file(dir / "game/b.bin"), "a");
  EXPECT_EQ(game.rename("missing", "d.bin").error(), std::errc::no_such_file_or_directory);

  test::write_file(dir / "game/maps/x.bsp", "x");
  EXPECT_EQ(game.remove_file("maps").error(), std::errc::is_a_directory);
  EXPECT_EQ(game.remove_empty_child("maps").error(), std::errc::directory_not_empty);
  EXPECT_EQ(game.remove_empty_child("b.bin").error(), std::errc::not_a_directory);
  EXPECT_EQ(game.remove_file("missing").error(), std::errc::no_such_file_or_directory);
  ASSERT_TRUE(ok(game.remove_file("b.bin")));
  EXPECT_FALSE(fs::exists(dir / "game/b.bin"));
  fs::remove(dir / "game/maps/x.bsp");
  ASSERT_TRUE(ok(game.remove_empty_child("maps")));
  EXPECT_FALSE(fs::exists(dir / "game/maps"));
  game.flush();
}

// The sentinel's commit renames over version.ini while the game server may
// be reading it, and a cancel removes files a reader may hold open.
TEST(WritableFileTest, RenamesOverAndRemovesAFileOpenForReading) {
  test::TempDir dir;
  test::write_file(dir / "game/version.ini", "old");
  test::write_file(dir / "game/.version.ini.tmp", "new");
  test::write_file(dir / "game/payload.bin", "payload");
  const auto game = open_folder(dir / "game");
  const auto reader = ReadOnlyFile::open_in(game, "version.ini");
  ASSERT_TRUE(reader);
  const auto payload_reader = ReadOnlyFile::open_in(game, "payload.bin");
  ASSERT_TRUE(payload_reader);
  const auto renamed = game.rename(".version.ini.tmp", "version.ini");
  if (!renamed && test::running_under_wine()) {
    GTEST_SKIP() << "wine cannot replace a file open elsewhere (no POSIX-semantics rename): "
                 << renamed.error().message();
  }
  ASSERT_TRUE(ok(renamed));
  EXPECT_EQ(test::read_file(dir / "game/version.ini"), "new");
  ASSERT_TRUE(ok(game.remove_file("payload.bin")));
  EXPECT_FALSE(fs::exists(dir / "game/payload.bin"));
}

TEST(WritableFileTest, NamesAreUtf8) {
  test::TempDir dir;
  fs::create_directories(dir / "game");
  const auto game = open_folder(dir / "game");
  const std::string folder = "\xc3\xa9t\xc3\xa9";           // "été"
  const std::string name = "\xe3\x83\x86\xe3\x82\xb9.bin";  // "テス.bin"
  ASSERT_TRUE(ok(game.create_child(folder)));
  const auto child = game.open_child(folder);
  ASSERT_TRUE(child) << child.error().message();
  ASSERT_TRUE(WritableFile::open_in(*child, name, Opening::New));
  EXPECT_TRUE(fs::is_regular_file(dir / ("game/" + folder + "/" + name)));
  ASSERT_TRUE(ok(child->rename(name, "plain.bin")));
  EXPECT_TRUE(fs::is_regular_file(dir / ("game/" + folder + "/plain.bin")));
}

TEST(WritableFileTest, NeverWritesThroughASymlink) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  test::TempDir dir;
  test::write_file(dir / "outside/secret.txt", "secret");
  fs::create_directories(dir / "game");
  test::create_symlink(dir / "outside/secret.txt", dir / "game/escape.txt");
  test::create_symlink(dir / "outside", dir / "game/escape-dir");
  const auto game = open_folder(dir / "game");
  for (const auto opening : {Opening::Existing, Opening::ExistingOrNew}) {
    EXPECT_EQ(WritableFile::open_in(game, "escape.txt", opening).error(),
              std::errc::too_many_symbolic_link_levels);
  }
  EXPECT_EQ(game.examine_child("escape.txt")->type, EntryType::Symlink);
  EXPECT_EQ(game.examine_child("escape-dir")->type, EntryType::Symlink);
  // Removing a link removes the link, never what it points to.
  ASSERT_TRUE(ok(game.remove_file("escape.txt")));
  EXPECT_EQ(test::read_file(dir / "outside/secret.txt"), "secret");
  EXPECT_EQ(game.remove_empty_child("escape-dir").error(), std::errc::not_a_directory);
  EXPECT_TRUE(fs::exists(dir / "outside"));
}

}  // namespace
}  // namespace lanspread::platform
