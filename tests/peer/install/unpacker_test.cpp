#include <gtest/gtest.h>

#include <set>
#include <stop_token>

#include "peer/install/libarchive_system.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/install/relative_name.hpp"
#include "support/temp_dir.hpp"
#include "test_archives.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using peer::install::ArchiveSet;
using peer::install::LibarchiveUnpacker;

const fs::path kSamples = LANSPREAD_TEST_ARCHIVES;

ArchiveSet sample(std::vector<std::string> names) {
  ArchiveSet set{.name = names.front()};
  for (const auto& name : names)
    set.volumes.push_back(kSamples / name);
  return set;
}

class UnpackerTest : public ::testing::Test {
 protected:
  UnpackerTest() {
    fs::create_directories(target());
    fs::create_directories(outside());
  }
  fs::path target() const { return temp_ / "target"; }
  fs::path outside() const { return temp_ / "outside"; }

  Result<void> unpack(const ArchiveSet& set) { return unpacker_.unpack(set, target(), {}, {}); }
  Result<void> unpack_entries(const std::vector<TestEntry>& entries,
                              TestFormat format = TestFormat::Tar) {
    const auto file = temp_ / "built.archive";
    write_archive(file, entries, format);
    return unpack({.name = "built.archive", .volumes = {file}});
  }
  std::uint64_t size_of(const std::string& relative) const {
    return fs::file_size(target() / path_from_utf8(relative));
  }
  // Symlink entries are written where the system allows them
  // (libarchive_system.hpp); elsewhere they are skipped.
  void expect_symlink(const std::string& relative, const fs::path& to) const {
    const auto link = target() / path_from_utf8(relative);
    if (!peer::install::writes_symlinks()) {
      EXPECT_FALSE(fs::exists(fs::symlink_status(link))) << relative;
      return;
    }
    ASSERT_TRUE(fs::is_symlink(link)) << relative;
    EXPECT_EQ(fs::read_symlink(link), to) << relative;
  }
  void expect_nothing_outside() const {
    EXPECT_TRUE(fs::is_empty(outside()));
    EXPECT_FALSE(fs::exists(temp_ / "escaped"));
  }

  TempDir temp_;
  LibarchiveUnpacker unpacker_;
};

TEST_F(UnpackerTest, Rar4WithDirectoriesAndSymlink) {
  const auto result = unpack(sample({"test_read_format_rar.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(size_of("test.txt"), 20u);
  EXPECT_EQ(size_of("testdir/test.txt"), 20u);
  EXPECT_TRUE(fs::is_directory(target() / "testemptydir"));
  expect_symlink("testlink", "test.txt");
}

TEST_F(UnpackerTest, Rar4UnicodeNames) {
  const auto result = unpack(sample({"test_read_format_rar_unicode.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(size_of("表だよ/漢字長いファイル名long-filename-in-漢字.txt"), 5u);
  EXPECT_EQ(size_of("abcdefghijklmnopqrsテスト.txt"), 16u);
  if (peer::install::writes_symlinks())
    EXPECT_TRUE(fs::is_symlink(target() / path_from_utf8("表だよ/ファイル")));
  else
    EXPECT_FALSE(fs::exists(fs::symlink_status(target() / path_from_utf8("表だよ/ファイル"))));
}

// libarchive converts names through the locale (POSIX) or the ANSI code page
// (Windows) unless asked for UTF-8 or UTF-16: each name must land on disk as
// the Unicode the archive holds, outside the Basic Multilingual Plane too.
// (Zip: libarchive's tar writer cannot write a non-ASCII name in the "C"
// locale the tests run in.)
TEST_F(UnpackerTest, NonAsciiNamesLandAsTheirUnicodeNames) {
  const std::set<std::string> names = {"Übung/größe.txt", "日本語/ファイル.dat", "jeu 🎮.cfg"};
  std::vector<TestEntry> entries;
  for (const auto& name : names)
    entries.push_back({.path = name, .data = "data of " + name});
  const auto result = unpack_entries(entries, TestFormat::Zip);
  ASSERT_TRUE(result.has_value()) << result.error();
  std::set<std::string> on_disk;
  for (const auto& entry : fs::recursive_directory_iterator(target())) {
    if (entry.is_regular_file())
      on_disk.insert(peer::install::relative_name(entry.path().lexically_relative(target())));
  }
  EXPECT_EQ(on_disk, names);
  for (const auto& name : names)
    EXPECT_EQ(read_file(target() / path_from_utf8(name)), "data of " + name) << name;
}

TEST_F(UnpackerTest, Rar4MultiVolume) {
  const auto result = unpack(sample({"test_rar_multivolume_single_file.part1.rar",
                                     "test_rar_multivolume_single_file.part2.rar",
                                     "test_rar_multivolume_single_file.part3.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(size_of("LibarchiveAddingTest.html"), 20111u);
}

TEST_F(UnpackerTest, Rar5Compressed) {
  const auto result = unpack(sample({"test_read_format_rar5_compressed.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(size_of("test.bin"), 1200u);
}

TEST_F(UnpackerTest, Rar5MultipleFiles) {
  const auto result = unpack(sample({"test_read_format_rar5_multiple_files.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  for (const char* name : {"test1.bin", "test2.bin", "test3.bin", "test4.bin"})
    EXPECT_EQ(size_of(name), 4096u) << name;
}

TEST_F(UnpackerTest, Rar5Solid) {
  const auto result = unpack(sample({"test_read_format_rar5_solid.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(size_of("test.bin"), 1200u);
  for (int i = 1; i <= 6; ++i)
    EXPECT_EQ(size_of("test" + std::to_string(i) + ".bin"), 4096u) << i;
}

TEST_F(UnpackerTest, Rar5MultiVolumeEightParts) {
  std::vector<std::string> parts;
  for (int i = 1; i <= 8; ++i)
    parts.push_back("test_read_format_rar5_multiarchive.part0" + std::to_string(i) + ".rar");
  std::uint64_t last_written = 0;
  const auto result = unpacker_.unpack(sample(parts), target(),
                                       [&](const peer::install::UnpackProgress& progress) {
                                         EXPECT_GE(progress.bytes_written, last_written);
                                         last_written = progress.bytes_written;
                                       },
                                       {});
  ASSERT_TRUE(result.has_value()) << result.error();
  // The README names the first file; the set holds a second one that starts
  // in a later volume.
  EXPECT_EQ(size_of("home/antek/temp/build/unrar5/libarchive/bin/bsdcat_test"), 144608u);
  EXPECT_EQ(size_of("home/antek/temp/build/unrar5/libarchive/bin/bsdtar_test"), 365672u);
  EXPECT_EQ(last_written, 144608u + 365672u);
}

// Archives in a folder whose name is not ASCII (a Windows user's profile
// folder, say) open by their Unicode names: a multi-volume RAR 5 set, and a
// 7z the reader seeks in.
TEST_F(UnpackerTest, VolumesInANonAsciiFolder) {
  const auto folder = temp_ / "Spiele für José 日本";
  fs::create_directories(folder);
  ArchiveSet parts{.name = "multiarchive"};
  for (int i = 1; i <= 8; ++i) {
    const auto name = "test_read_format_rar5_multiarchive.part0" + std::to_string(i) + ".rar";
    fs::copy_file(kSamples / name, folder / name);
    parts.volumes.push_back(folder / name);
  }
  const auto result = unpack(parts);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(size_of("home/antek/temp/build/unrar5/libarchive/bin/bsdtar_test"), 365672u);

  fs::copy_file(kSamples / "test_read_format_7zip_lzma2.7z", folder / "lzma2.7z");
  const auto seeking = unpack({.name = "lzma2.7z", .volumes = {folder / "lzma2.7z"}});
  ASSERT_TRUE(seeking.has_value()) << seeking.error();
  EXPECT_EQ(size_of("file1"), 2844u);
}

TEST_F(UnpackerTest, Rar5Symlinks) {
  const auto result = unpack(sample({"test_read_format_rar5_symlink.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(read_file(target() / "file.txt").size(), 5u);
  expect_symlink("symlink.txt", "file.txt");
  expect_symlink("dirlink", "dir");
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(target() / "dir")));
}

TEST_F(UnpackerTest, Rar5Hardlink) {
  const auto result = unpack(sample({"test_read_format_rar5_hardlink.rar"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(read_file(target() / "hardlink.txt"), read_file(target() / "file.txt"));
  EXPECT_EQ(size_of("file.txt"), 5u);
}

TEST_F(UnpackerTest, Rar5EncryptedFailsClearly) {
  const auto result = unpack(sample({"test_read_format_rar5_encrypted.rar"}));
  ASSERT_FALSE(result.has_value());
  EXPECT_FALSE(result.was_cancelled());
  EXPECT_NE(result.error().message.find("encrypted archive"), std::string::npos) << result.error();
}

TEST_F(UnpackerTest, Rar5BadTablesFailsClearly) {
  const auto result = unpack(sample({"test_read_format_rar5_bad_tables.rar"}));
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("corrupt"), std::string::npos) << result.error();
  EXPECT_NE(result.error().message.find("test_read_format_rar5_bad_tables.rar"), std::string::npos);
}

// The sample's second file has a wrong CRC on purpose (bsdtar fails on it
// too): the unpacker must say so rather than install damaged data.
TEST_F(UnpackerTest, ZipWithBadCrcFailsClearly) {
  const auto set = sample({"test_read_format_zip.zip"});
  std::vector<std::string> listed;
  ASSERT_TRUE(unpacker_.list(set, [&](const auto& entry) { listed.push_back(entry.path); }, {})
                  .has_value());
  EXPECT_EQ(listed, (std::vector<std::string>{"dir/", "file1", "file2"}));
  const auto result = unpack(set);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("corrupt"), std::string::npos) << result.error();
  EXPECT_NE(result.error().message.find("CRC"), std::string::npos) << result.error();
  EXPECT_EQ(read_file(target() / "file1"), "hello\nhello\nhello\n");
}

TEST_F(UnpackerTest, Zip) {
  write_archive(temp_ / "made.zip",
                {{.path = "dir/", .type = TestEntry::Type::Dir},
                 {.path = "dir/file1", .data = random_bytes(30000, 1)},
                 {.path = "file2", .data = "two"}},
                TestFormat::Zip);
  const auto result = unpack({.name = "made.zip", .volumes = {temp_ / "made.zip"}});
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(read_file(target() / "dir/file1"), random_bytes(30000, 1));
  EXPECT_EQ(read_file(target() / "file2"), "two");
}

TEST_F(UnpackerTest, SevenZip) {
  const auto result = unpack(sample({"test_read_format_7zip_lzma2.7z"}));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(size_of("file1"), 2844u);
}

TEST_F(UnpackerTest, CompressedTars) {
  const auto data = random_bytes(100000, 7);
  for (auto format : {TestFormat::Tar, TestFormat::TarGz, TestFormat::TarXz}) {
    fs::remove_all(target());
    fs::create_directories(target());
    const auto result = unpack_entries({{.path = "./x/y.bin", .data = data}}, format);
    ASSERT_TRUE(result.has_value()) << result.error();
    EXPECT_EQ(read_file(target() / "x/y.bin"), data);
  }
}

TEST_F(UnpackerTest, NotAnArchiveFailsClearly) {
  write_file(temp_ / "junk.rar", random_bytes(5000, 3));
  const auto result = unpack({.name = "junk.rar", .volumes = {temp_ / "junk.rar"}});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("junk.rar"), std::string::npos) << result.error();
}

TEST_F(UnpackerTest, RefusesDotDot) {
  const auto result =
      unpack_entries({{.path = "ok.txt", .data = "fine"}, {.path = "../escaped", .data = "x"}});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("'..'"), std::string::npos) << result.error();
  expect_nothing_outside();
}

TEST_F(UnpackerTest, RefusesDotDotInZip) {
  const auto result =
      unpack_entries({{.path = "a/../../outside/evil", .data = "x"}}, TestFormat::Zip);
  ASSERT_FALSE(result.has_value());
  expect_nothing_outside();
}

TEST_F(UnpackerTest, RefusesAbsolutePath) {
  const auto absolute = utf8_of(outside() / "abs.txt");
  const auto result = unpack_entries({{.path = absolute, .data = "x"}});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("absolute"), std::string::npos) << result.error();
  expect_nothing_outside();
}

TEST_F(UnpackerTest, RefusesSymlinkOutsideThenWriteThrough) {
  const auto result = unpack_entries(
      {{.path = "evil", .type = TestEntry::Type::Symlink, .link = utf8_of(outside())},
       {.path = "evil/pwned", .data = "x"}});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("outside"), std::string::npos) << result.error();
  expect_nothing_outside();
}

TEST_F(UnpackerTest, RefusesRelativeSymlinkLeadingOut) {
  const auto result = unpack_entries(
      {{.path = "sub/evil", .type = TestEntry::Type::Symlink, .link = "../../outside"},
       {.path = "sub/evil/pwned", .data = "x"}});
  ASSERT_FALSE(result.has_value());
  expect_nothing_outside();
}

TEST_F(UnpackerTest, RefusesWritingThroughAnInsideSymlink) {
  // libarchive's SECURE_SYMLINKS: nothing is ever written through a link.
  const auto result =
      unpack_entries({{.path = "real", .type = TestEntry::Type::Dir},
                      {.path = "alias", .type = TestEntry::Type::Symlink, .link = "real"},
                      {.path = "alias/file", .data = "x"}});
  if (peer::install::writes_symlinks())
    ASSERT_FALSE(result.has_value());
  else
    ASSERT_TRUE(result.has_value()) << result.error();  // "alias" is a folder of its own
  EXPECT_FALSE(fs::exists(target() / "real/file"));
}

TEST_F(UnpackerTest, RefusesLinkThatALaterLinkTurnsOutward) {
  const auto result =
      unpack_entries({{.path = "up", .type = TestEntry::Type::Symlink, .link = "here/.."},
                      {.path = "here", .type = TestEntry::Type::Symlink, .link = "."}});
  if (!peer::install::writes_symlinks()) {
    ASSERT_TRUE(result.has_value()) << result.error();
    EXPECT_TRUE(fs::is_empty(target()));
    return;
  }
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("'up'"), std::string::npos) << result.error();
}

TEST_F(UnpackerTest, RefusesHardLinkOutside) {
  write_file(outside() / "secret", "secret");
  const auto result = unpack_entries(
      {{.path = "h", .type = TestEntry::Type::Hardlink, .link = utf8_of(outside() / "secret")}});
  ASSERT_FALSE(result.has_value());
  EXPECT_FALSE(fs::exists(target() / "h"));
}

// Windows would open the console for CON.txt, and libarchive would quietly
// write "a_b" for "a:b"; POSIX stores both names as they are.
TEST_F(UnpackerTest, NamesWindowsCannotStoreAreRefusedThere) {
  const auto result = unpack_entries(
      {{.path = "ok.txt", .data = "fine"}, {.path = "logs/CON.txt", .data = "x"}}, TestFormat::Zip);
#ifdef _WIN32
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("device"), std::string::npos) << result.error();
  EXPECT_NE(result.error().message.find("logs/CON.txt"), std::string::npos) << result.error();
#else
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(read_file(target() / "logs/CON.txt"), "x");
#endif
}

TEST_F(UnpackerTest, RefusesDeviceNode) {
  const auto result = unpack_entries({{.path = "null", .type = TestEntry::Type::CharDevice}});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("device"), std::string::npos) << result.error();
  EXPECT_FALSE(fs::exists(fs::symlink_status(target() / "null")));
}

TEST_F(UnpackerTest, RefusesFifo) {
  const auto result = unpack_entries({{.path = "pipe", .type = TestEntry::Type::Fifo}});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("FIFO"), std::string::npos) << result.error();
  EXPECT_FALSE(fs::exists(fs::symlink_status(target() / "pipe")));
}

TEST_F(UnpackerTest, CancelledBeforeStartWritesNothing) {
  std::stop_source stop;
  stop.request_stop();
  write_archive(temp_ / "a.tar", {{.path = "f", .data = "x"}});
  const auto result = unpacker_.unpack({.name = "a.tar", .volumes = {temp_ / "a.tar"}}, target(),
                                       {}, stop.get_token());
  EXPECT_TRUE(result.was_cancelled());
  EXPECT_TRUE(fs::is_empty(target()));
}

TEST_F(UnpackerTest, CancelMidwayStops) {
  std::vector<TestEntry> entries;
  for (int i = 0; i < 20; ++i)
    entries.push_back({.path = std::to_string(i) + ".bin", .data = random_bytes(200000, i)});
  write_archive(temp_ / "a.tar", entries);
  std::stop_source stop;
  const auto result = unpacker_.unpack(
      {.name = "a.tar", .volumes = {temp_ / "a.tar"}}, target(),
      [&](const peer::install::UnpackProgress&) { stop.request_stop(); }, stop.get_token());
  EXPECT_TRUE(result.was_cancelled());
  EXPECT_FALSE(fs::exists(target() / "19.bin"));
}

TEST_F(UnpackerTest, ListsEveryEntry) {
  std::vector<std::string> paths;
  const auto result = unpacker_.list(
      sample({"test_read_format_rar5_solid.rar"}),
      [&](const peer::install::ArchiveEntryInfo& entry) { paths.push_back(entry.path); }, {});
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(paths.size(), 7u);
  EXPECT_TRUE(fs::is_empty(target()));
}

TEST_F(UnpackerTest, ListingTruncatedArchiveFails) {
  write_file(temp_ / "cut.zip", read_file(kSamples / "test_read_format_zip.zip").substr(0, 100));
  const auto result = unpacker_.list({.name = "cut.zip", .volumes = {temp_ / "cut.zip"}}, {}, {});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("cut.zip"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace lanspread::test
