#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lanspread::test {

// One entry of an archive a test builds with libarchive's writer.
struct TestEntry {
  enum class Type { File, Dir, Symlink, Hardlink, CharDevice, Fifo };
  std::string path;
  std::string data;  // File: contents
  Type type = Type::File;
  std::string link;  // Symlink / Hardlink: target
};

enum class TestFormat { Tar, TarGz, TarXz, Zip };

void write_archive(const std::filesystem::path& file, const std::vector<TestEntry>& entries,
                   TestFormat format = TestFormat::Tar);

// A file tree as text: relative path -> "dir", "file:<contents>" or
// "link:<target>". Two trees compare equal when every byte and link matches.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir);

// `size` bytes that do not compress.
std::string random_bytes(std::size_t size, unsigned seed);

}  // namespace lanspread::test
