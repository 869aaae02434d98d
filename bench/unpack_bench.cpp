// Generates a set of archives (tar and zip, files of mixed sizes, mostly
// incompressible data) and unpacks them with LibarchiveUnpacker and with
// `bsdtar -xf`, interleaved, several rounds, then prints the median speeds
// side by side. Not a test: it prints figures.
//
// Every timed run starts from the same state: the output folder empty, all
// dirty pages written back, and (as root) the page cache dropped, so both
// tools read the archives from the disk. Every timed run ends when syncfs(2)
// of the output's file system returns, so both are timed to durable files
// (an install does the same before it publishes local/).
//
//   build/release/bench/unpack_bench [--size-mib 2048] [--rounds 3]
//                                    [--dir /tmp/lanspread-unpack-bench]
//
// Needs bsdtar (Debian: libarchive-tools).

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "peer/install/libarchive_unpacker.hpp"

extern char** environ;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using lanspread::peer::install::ArchiveSet;
using lanspread::peer::install::LibarchiveUnpacker;

namespace {

struct Options {
  std::uint64_t size_mib = 2048;
  int rounds = 3;
  fs::path dir = fs::temp_directory_path() / "lanspread-unpack-bench";
};

// xorshift64*: fast enough that generating does not dominate the run.
class Noise {
 public:
  void fill(std::vector<char>& buffer) {
    for (std::size_t i = 0; i + 8 <= buffer.size(); i += 8) {
      state_ ^= state_ >> 12;
      state_ ^= state_ << 25;
      state_ ^= state_ >> 27;
      const std::uint64_t value = state_ * 0x2545F4914F6CDD1DULL;
      std::copy_n(reinterpret_cast<const char*>(&value), 8, buffer.data() + i);
    }
  }

 private:
  std::uint64_t state_ = 0x9E3779B97F4A7C15ULL;
};

// A game-like spread: many small files, some medium, a few large.
std::vector<std::uint64_t> file_sizes(std::uint64_t total) {
  static constexpr std::uint64_t kPattern[] = {16 << 10, 64 << 10, 200 << 10, 1 << 20,  4 << 20,
                                               16 << 20, 64 << 20, 32 << 10,  512 << 10};
  std::vector<std::uint64_t> sizes;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; sum < total; ++i) {
    const auto size = std::min(kPattern[i % std::size(kPattern)], total - sum);
    sizes.push_back(size);
    sum += size;
  }
  return sizes;
}

void write_archive(const fs::path& file, bool zip, std::uint64_t bytes, Noise& noise) {
  archive* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:compression=store");
  } else {
    archive_write_set_format_pax_restricted(a);
  }
  archive_write_open_filename(a, file.c_str());
  std::vector<char> buffer(1 << 20);
  int index = 0;
  for (const auto size : file_sizes(bytes)) {
    archive_entry* entry = archive_entry_new();
    const auto name = "data/dir" + std::to_string(index % 16) + "/" + file.stem().string() + "_" +
                      std::to_string(index) + ".bin";
    ++index;
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(size));
    archive_write_header(a, entry);
    for (std::uint64_t left = size; left > 0;) {
      noise.fill(buffer);
      const auto chunk = std::min<std::uint64_t>(left, buffer.size());
      archive_write_data(a, buffer.data(), chunk);
      left -= chunk;
    }
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

bool run_bsdtar(const fs::path& archive_file, const fs::path& out) {
  std::vector<std::string> args = {"bsdtar", "-xf", archive_file.string(), "-C", out.string()};
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "bsdtar", nullptr, nullptr, argv.data(), environ) != 0)
    return false;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Checked after every timed run (not timed), so a fast figure is never a
// run that wrote less.
void expect_bytes(const fs::path& out, std::uint64_t expected, const char* who) {
  std::uint64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (entry.is_regular_file())
      bytes += entry.file_size();
  }
  if (bytes != expected) {
    std::fprintf(stderr, "%s wrote %llu bytes, expected %llu\n", who,
                 static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(expected));
    std::exit(1);
  }
}

// Drops clean pages (the archives read last time) once dirty ones are
// written back; needs root and a writable /proc/sys.
bool drop_page_cache() {
  ::sync();
  std::ofstream control("/proc/sys/vm/drop_caches");
  control << "3\n";
  control.flush();
  return control.good();
}

void fresh(const fs::path& out, bool drop_caches) {
  fs::remove_all(out);
  fs::create_directories(out);
  ::sync();  // the previous round's dirty pages are not this round's cost
  if (drop_caches && !drop_page_cache()) {
    std::fprintf(stderr, "cannot drop the page cache any more\n");
    std::exit(1);
  }
}

void sync_file_system(const fs::path& out) {
  const int fd = ::open(out.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::syncfs(fd) != 0) {
    std::perror("syncfs");
    std::exit(1);
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--size-mib")
      o.size_mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--rounds")
      o.rounds = std::atoi(argv[i + 1]);
    else if (flag == "--dir")
      o.dir = argv[i + 1];
  }
  const fs::path sources = o.dir / "archives";
  const fs::path out = o.dir / "out";
  fs::remove_all(o.dir);
  fs::create_directories(sources);

  // Four tars and two zips (stored: packed game data is already compressed).
  constexpr int kArchives = 6;
  const std::uint64_t per_archive = (o.size_mib << 20) / kArchives;
  std::vector<ArchiveSet> sets;
  Noise noise;
  const auto generate_start = Clock::now();
  for (int i = 0; i < kArchives; ++i) {
    const bool zip = i >= 4;
    const auto file = sources / ("part" + std::to_string(i) + (zip ? ".zip" : ".tar"));
    write_archive(file, zip, per_archive, noise);
    sets.push_back(
        {.name = file.filename().string(), .volumes = {file}, .size = fs::file_size(file)});
  }
  const std::uint64_t total = per_archive * kArchives;
  std::printf("generated %d archives, %.0f MiB of file data, in %.1f s\n", kArchives,
              static_cast<double>(total) / (1 << 20),
              std::chrono::duration<double>(Clock::now() - generate_start).count());

  const bool drop_caches = ::geteuid() == 0 && drop_page_cache();
  std::printf("page cache: %s\n",
              drop_caches ? "dropped before every timed run (sync; echo 3 > drop_caches)"
                          : "NOT dropped (needs root and a writable /proc/sys/vm/drop_caches); "
                            "the archives may be read from the cache");
  std::printf("timed until syncfs(2) of the output returns, for both tools\n");

  LibarchiveUnpacker unpacker;
  std::vector<double> ours;
  std::vector<double> theirs;
  const double mb = static_cast<double>(total) / 1e6;
  auto time_ours = [&] {
    fresh(out, drop_caches);
    const auto start = Clock::now();
    for (const auto& set : sets) {
      const auto result = unpacker.unpack(set, out, {}, {});
      if (!result.has_value()) {
        std::fprintf(stderr, "unpack failed: %s\n", result.error().message.c_str());
        std::exit(1);
      }
    }
    sync_file_system(out);
    ours.push_back(mb / std::chrono::duration<double>(Clock::now() - start).count());
    expect_bytes(out, total, "LibarchiveUnpacker");
  };
  auto time_bsdtar = [&] {
    fresh(out, drop_caches);
    const auto start = Clock::now();
    for (const auto& set : sets) {
      if (!run_bsdtar(set.volumes.front(), out)) {
        std::fprintf(stderr, "bsdtar failed on %s\n", set.name.c_str());
        std::exit(1);
      }
    }
    sync_file_system(out);
    theirs.push_back(mb / std::chrono::duration<double>(Clock::now() - start).count());
    expect_bytes(out, total, "bsdtar");
  };
  for (int round = 0; round < o.rounds; ++round) {
    // Alternate who goes first so neither always meets a warmer cache.
    if (round % 2 == 0) {
      time_ours();
      time_bsdtar();
    } else {
      time_bsdtar();
      time_ours();
    }
    std::printf("round %d: LibarchiveUnpacker %.0f MB/s, bsdtar -xf %.0f MB/s\n", round + 1,
                ours.back(), theirs.back());
  }
  const double ours_median = median(ours);
  const double theirs_median = median(theirs);
  std::printf("\n%-22s %10s\n", "unpacker", "median MB/s");
  std::printf("%-22s %10.0f\n", "LibarchiveUnpacker", ours_median);
  std::printf("%-22s %10.0f\n", "bsdtar -xf", theirs_median);
  std::printf("ratio (ours / bsdtar)  %10.2f\n", ours_median / theirs_median);
  fs::remove_all(o.dir);
  return 0;
}
