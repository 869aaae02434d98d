// Scans a generated library of many games and files cold (no index) and warm
// (index present, nothing changed), next to `du -sb` walking the same tree,
// and prints the medians side by side. Not a test: it prints figures.
//
//   build/release/bench/library_scan_bench [--games 300] [--files 200000] [--rounds 5]
//                                           [--dir /tmp/lanspread-scan-bench]

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "peer/catalog/catalog.hpp"
#include "peer/library/library_index.hpp"
#include "peer/library/scan.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using lanspread::peer::Catalog;
using lanspread::peer::LibraryIndex;

namespace {

struct Options {
  int games = 300;
  int files = 200000;
  int rounds = 5;
  fs::path dir = fs::temp_directory_path() / "lanspread-scan-bench";
};

std::string game_id(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "game-%03d", i);
  return id;
}

Catalog synthetic_catalog(int games) {
  std::string text;
  for (int i = 0; i < games; ++i) {
    text +=
        R"({"id":")" + game_id(i) +
        R"(","name":"Game","description":"","genre":"","max_players":8,"release_year":2000,"size_bytes":1})"
        "\n";
  }
  return Catalog::parse(text, "bench").value();
}

// Files get sizes through ftruncate (sparse), so generation is quick and the
// disk stays empty; the scan only stats them.
void generate(const Options& o) {
  const auto stamp = std::chrono::file_clock::now() - std::chrono::hours(24);
  const int per_game = o.files / o.games;
  for (int g = 0; g < o.games; ++g) {
    const auto root = o.dir / "games" / game_id(g);
    for (int d = 0; d < 8; ++d)
      fs::create_directories(root / ("data" + std::to_string(d)) / "sub");
    std::ofstream(root / "version.ini") << "20240315";
    for (int f = 0; f < per_game; ++f) {
      const auto file = root / ("data" + std::to_string(f % 8)) / (f % 2 ? "sub" : "") /
                        ("file" + std::to_string(f) + ".pak");
      const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0 || ::ftruncate(fd, 4096 + f) != 0)
        std::abort();
      ::close(fd);
    }
    // A real library is not seconds old; age it so the index may trust it.
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_directory())
        fs::last_write_time(entry.path(), stamp);
    }
    fs::last_write_time(root, stamp);
    fs::last_write_time(root / "version.ini", stamp);
  }
}

bool drop_page_cache() {
  ::sync();
  std::ofstream drop("/proc/sys/vm/drop_caches");
  drop << "3";
  return static_cast<bool>(drop.flush());
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

template <class F>
double seconds(F&& work) {
  const auto start = Clock::now();
  work();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--games")
      o.games = std::atoi(argv[i + 1]);
    if (flag == "--files")
      o.files = std::atoi(argv[i + 1]);
    if (flag == "--rounds")
      o.rounds = std::atoi(argv[i + 1]);
    if (flag == "--dir")
      o.dir = argv[i + 1];
  }
  fs::remove_all(o.dir);
  std::printf("generating %d games with %d files in %s ...\n", o.games, o.files,
              o.dir.string().c_str());
  generate(o);
  const auto catalog = synthetic_catalog(o.games);
  const auto games = o.dir / "games";
  const auto index_file = o.dir / "state" / "library_index.json";
  const std::string du = "du -sb " + games.string() + " > /dev/null";

  std::vector<double> cold, warm, du_warm, cold_disk, du_cold_disk;
  std::size_t found = 0;
  std::uint64_t files_seen = 0;
  const bool can_drop = drop_page_cache();
  for (int round = 0; round < o.rounds; ++round) {
    fs::remove(index_file);
    cold.push_back(seconds([&] {
      LibraryIndex index(index_file, games);
      const auto scan = lanspread::peer::scan_local_library(games, catalog, index);
      found = scan.games.size();
      files_seen = 0;
      for (const auto& [id, game] : scan.games)
        files_seen += game.file_count;
    }));
    warm.push_back(seconds([&] {
      LibraryIndex index(index_file, games);
      lanspread::peer::scan_local_library(games, catalog, index);
    }));
    du_warm.push_back(seconds([&] { std::system(du.c_str()); }));
    if (can_drop) {
      fs::remove(index_file);
      drop_page_cache();
      cold_disk.push_back(seconds([&] {
        LibraryIndex index(index_file, games);
        lanspread::peer::scan_local_library(games, catalog, index);
      }));
      drop_page_cache();
      du_cold_disk.push_back(seconds([&] { std::system(du.c_str()); }));
    }
  }

  std::printf("\nlibrary: %zu games, %llu files; %d rounds, medians\n", found,
              static_cast<unsigned long long>(files_seen), o.rounds);
  std::printf("%-40s %10s %12s\n", "", "seconds", "vs du -sb");
  const double du_ref = median(du_warm);
  std::printf("%-40s %10.3f %11.2fx\n", "du -sb (page cache warm)", du_ref, 1.0);
  std::printf("%-40s %10.3f %11.2fx\n", "scan, no index (page cache warm)", median(cold),
              median(cold) / du_ref);
  std::printf("%-40s %10.3f %11.2fx\n", "scan, index present, nothing changed", median(warm),
              median(warm) / du_ref);
  if (can_drop) {
    const double du_disk = median(du_cold_disk);
    std::printf("%-40s %10.3f %11.2fx\n", "du -sb (page cache dropped)", du_disk, 1.0);
    std::printf("%-40s %10.3f %11.2fx\n", "scan, no index (page cache dropped)", median(cold_disk),
                median(cold_disk) / du_disk);
  } else {
    std::printf("(not root: page-cache-dropped figures skipped)\n");
  }
  fs::remove_all(o.dir);
  return 0;
}
