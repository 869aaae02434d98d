#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

// The synthetic game the download tests share: a big archive, a nested
// small file, an empty file and the sentinel.
namespace lanspread::peer::test_game {

namespace fs = std::filesystem;

inline void write_random(const fs::path& file, std::size_t size, unsigned seed) {
  fs::create_directories(file.parent_path());
  std::mt19937_64 random(seed);
  std::vector<std::uint64_t> words((size + 7) / 8);
  for (auto& word : words)
    word = random();
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(words.data()), static_cast<std::streamsize>(size));
}

inline void make_game(const fs::path& games, std::size_t big_size,
                      const std::string& version = "2") {
  const auto root = games / "cs16";
  write_random(root / "cs16.part1.rar", big_size, 1);
  write_random(root / "maps/de_dust2.bsp", 300 * 1024 + 17, 2);
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
