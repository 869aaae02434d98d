// SHA-256 of 1 MiB blocks through GnuTLS (the downloader's verification and
// the seeder's hashing) next to coreutils' sha256sum over the same file, and
// the seeder's manifest hashing cold (hashing) and warm (cache hit). Not a
// test: it prints figures.
//
//   build/release/bench/block_hash_bench [--mib 512] [--dir /tmp/lanspread-hash-bench]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "peer/library/block_hash.hpp"
#include "peer/library/block_hash_cache.hpp"
#include "peer/library/game_root_walk.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t mib = 512;
  fs::path dir = fs::temp_directory_path() / "lanspread-hash-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--mib")
      mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--dir")
      dir = argv[i + 1];
  }
  constexpr std::size_t kBlock = 1024 * 1024;
  const double megabytes = static_cast<double>(mib * kBlock) / 1e6;

  std::vector<std::byte> block(kBlock);
  for (std::size_t i = 0; i < block.size(); ++i)
    block[i] = static_cast<std::byte>(i * 2654435761u >> 13);

  auto start = Clock::now();
  std::uint8_t sink = 0;
  for (std::uint64_t i = 0; i < mib; ++i) {
    block[0] = static_cast<std::byte>(i);
    sink ^= lanspread::peer::sha256(block)[0];
  }
  const double in_memory = seconds_since(start);

  fs::remove_all(dir);
  const auto game = dir / "games/cs16";
  fs::create_directories(game);
  {
    std::ofstream out(game / "big.rar", std::ios::binary);
    for (std::uint64_t i = 0; i < mib; ++i) {
      block[0] = static_cast<std::byte>(i);
      out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(kBlock));
    }
  }
  // Warm the page cache so both sides read memory, not the disk.
  if (std::system(("cat '" + (game / "big.rar").string() + "' > /dev/null").c_str()) != 0)
    return 1;

  start = Clock::now();
  if (std::system(("sha256sum '" + (game / "big.rar").string() + "' > /dev/null").c_str()) != 0)
    return 1;
  const double coreutils = seconds_since(start);

  lanspread::peer::BlockHashCache cache(dir / "state", kBlock, std::chrono::nanoseconds(0));
  auto files = lanspread::peer::list_served_files(dir / "games", "cs16");
  start = Clock::now();
  cache.fill(dir / "games", "cs16", files);
  const double cold = seconds_since(start);
  files = lanspread::peer::list_served_files(dir / "games", "cs16");
  start = Clock::now();
  cache.fill(dir / "games", "cs16", files);
  const double warm = seconds_since(start);

  std::printf("%llu MiB, 1 MiB blocks (checksum byte %u)\n", static_cast<unsigned long long>(mib),
              sink);
  std::printf("  GnuTLS SHA-256, in memory        %8.0f MB/s\n", megabytes / in_memory);
  std::printf("  GnuTLS SHA-256 per block, file   %8.0f MB/s  (seeder cache, cold)\n",
              megabytes / cold);
  std::printf("  coreutils sha256sum, same file   %8.0f MB/s  (ours %.2fx)\n",
              megabytes / coreutils, coreutils / cold);
  std::printf("  manifest from the cache (warm)   %8.3f ms    (%.0fx faster than cold)\n",
              warm * 1e3, cold / warm);
  std::printf("  1 Gbit/s line rate               %8.0f MB/s  (hashing is %.1fx the line rate)\n",
              125.0, megabytes / in_memory / 125.0);
  fs::remove_all(dir);
  return 0;
}
