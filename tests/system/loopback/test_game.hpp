#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

// The synthetic game the download tests share: a big archive, a nested
// small file, an empty file and the sentinel.
namespace lanspread::peer::test_game {

namespace fs = std::filesystem;

inline void make_game(const fs::path& games, std::size_t big_size,
                      const std::string& version = "2") {
  const auto root = games / "cs16";
  test::write_random_file(root / "cs16.part1.rar", big_size, 1);
  test::write_random_file(root / "maps/de_dust2.bsp", 300 * 1024 + 17, 2);
  test::write_file(root / "empty.txt", "");
  test::write_file(root / "version.ini", version);
}

inline void expect_same_payload(const fs::path& a, const fs::path& b) {
  for (const char* file : {"cs16.part1.rar", "maps/de_dust2.bsp", "empty.txt", "version.ini"}) {
    ASSERT_TRUE(fs::exists(b / file)) << file;
    EXPECT_TRUE(test::read_file(a / file) == test::read_file(b / file)) << file << " differs";
  }
}

}  // namespace lanspread::peer::test_game
