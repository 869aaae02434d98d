#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "base/utf8_path.hpp"

namespace lanspread::test {

// A fresh directory under $TMPDIR, removed with everything in it at the end
// of the test. Mode 0755 so a test can drop privileges and still enter it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // In a test's child process on Windows (support/test_child.hpp): removes
  // this folder and names `parent_folder`, which the child then works in and
  // leaves to the parent to remove.
  void take_over(const std::filesystem::path& parent_folder);
  // `relative` is UTF-8 text, as every name in the program is.
  std::filesystem::path operator/(std::string_view relative) const {
    return path_ / path_from_utf8(relative);
  }

 private:
  std::filesystem::path path_;
  bool owned_ = true;
};

// Creates parent directories as needed.
void write_file(const std::filesystem::path& file, std::string_view contents);
std::string read_file(const std::filesystem::path& file);
// `size` pseudo-random bytes, the same for the same seed: incompressible
// payload for transfer tests.
void write_random_file(const std::filesystem::path& file, std::size_t size, unsigned seed);

// A symbolic link at `link` to `target` (a directory link when `target` is a
// directory). std::filesystem cannot make one with mingw's libstdc++; on
// Windows this asks for an unprivileged link (Developer Mode), as a user
// without the privilege would.
void create_symlink(const std::filesystem::path& target, const std::filesystem::path& link);

// Sets the mtime of `path` to a fixed moment long ago, so caches keyed on it
// trust it (see the racy-timestamp rule in peer/library/scan.cpp) and aging
// again restores exactly the same stamp.
void age(const std::filesystem::path& path);

}  // namespace lanspread::test
