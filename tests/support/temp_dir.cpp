#include "support/temp_dir.hpp"

#ifdef _WIN32
#include <windows.h>
#else
#include <stdlib.h>
#include <sys/stat.h>
#endif

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace lanspread::test {
namespace fs = std::filesystem;

#ifdef _WIN32
// No mkdtemp on Windows: a random name, created only if nobody has it
// (create_directory says whether it made the folder). Permissions are left
// to the parent's access list.
TempDir::TempDir() {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::ostringstream name;
    name << "lanspread-test-" << std::hex << random() << random();
    const auto candidate = fs::temp_directory_path() / name.str();
    if (fs::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}
#else
TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "lanspread-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  chmod(path_.c_str(), 0755);
}
#endif

void TempDir::take_over(const fs::path& parent_folder) {
  std::error_code ec;
  fs::remove_all(path_, ec);  // best effort: an object built on it may hold it open
  path_ = parent_folder;
  owned_ = false;
}

TempDir::~TempDir() {
  if (!owned_)
    return;
  std::error_code ec;
  // Tests may leave unreadable directories behind; make them removable.
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& file, std::string_view contents) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out)
    throw std::runtime_error("cannot write " + utf8_of(file));
}

void write_random_file(const fs::path& file, std::size_t size, unsigned seed) {
  std::mt19937_64 random(seed);
  std::string bytes((size + 7) / 8 * 8, '\0');
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    const auto word = random();
    std::memcpy(bytes.data() + i, &word, sizeof word);
  }
  bytes.resize(size);
  write_file(file, bytes);
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void create_symlink(const fs::path& target, const fs::path& link) {
#ifdef _WIN32
  std::error_code ec;
  const auto anchored = target.is_absolute() ? target : link.parent_path() / target;
  DWORD flags = SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE;
  if (fs::is_directory(anchored, ec))
    flags |= SYMBOLIC_LINK_FLAG_DIRECTORY;
  if (!CreateSymbolicLinkW(link.c_str(), target.c_str(), flags))
    throw std::runtime_error("cannot create the symlink " + utf8_of(link));
#else
  fs::create_symlink(target, link);
#endif
}

void age(const fs::path& path) {
  using namespace std::chrono;
#ifdef _WIN32
  // libstdc++ sets times through a handle that cannot open a directory.
  const auto since_1601 = sys_days{year{2020} / 1 / 1} - sys_days{year{1601} / 1 / 1};
  const auto ticks = static_cast<std::uint64_t>(
      duration_cast<duration<std::int64_t, std::ratio<1, 10'000'000>>>(since_1601).count());
  const FILETIME stamp{static_cast<DWORD>(ticks), static_cast<DWORD>(ticks >> 32)};
  const HANDLE handle = CreateFileW(path.c_str(), FILE_WRITE_ATTRIBUTES,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  const bool set = handle != INVALID_HANDLE_VALUE && SetFileTime(handle, nullptr, nullptr, &stamp);
  const DWORD error = GetLastError();
  if (handle != INVALID_HANDLE_VALUE)
    CloseHandle(handle);
  if (!set)
    throw std::runtime_error("cannot age " + utf8_of(path) + ": error " + std::to_string(error));
#else
  fs::last_write_time(path,
                      file_clock::from_sys(sys_time<nanoseconds>(sys_days{year{2020} / 1 / 1})));
#endif
}

}  // namespace lanspread::test
