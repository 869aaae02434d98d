#include "platform/directory_handle.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace lanspread::platform {
namespace {

constexpr int kOpenFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

std::error_code last_error() {
  return {errno, std::generic_category()};
}

std::int64_t to_ns(const timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

EntryType type_of(mode_t mode) {
  if (S_ISREG(mode))
    return EntryType::File;
  if (S_ISDIR(mode))
    return EntryType::Directory;
  if (S_ISLNK(mode))
    return EntryType::Symlink;
  return EntryType::Other;
}

DirectoryEntry entry_from(std::string name, const struct stat& info) {
  DirectoryEntry entry{.name = std::move(name), .type = type_of(info.st_mode)};
  if (entry.type == EntryType::File) {
    entry.size = static_cast<std::uint64_t>(info.st_size);
    entry.allocated = static_cast<std::uint64_t>(info.st_blocks) * 512;
  }
  entry.mtime_ns = to_ns(info.st_mtim);
  return entry;
}

Result<std::size_t, std::error_code> read_at_offset(int fd, std::uint64_t offset, std::byte* out,
                                                    std::size_t length) {
  for (;;) {
    const ssize_t n = ::pread(fd, out, length, static_cast<off_t>(offset));
    if (n >= 0)
      return static_cast<std::size_t>(n);
    if (errno != EINTR)
      return last_error();
  }
}

}  // namespace

Result<DirectoryEntry, std::error_code> examine(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0)
    return last_error();
  return entry_from(path.filename().string(), info);
}

Result<DirectoryHandle, std::error_code> DirectoryHandle::open(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), kOpenFlags));
  if (!fd)
    return last_error();
  return DirectoryHandle(std::move(fd));
}

Result<DirectoryHandle, std::error_code> DirectoryHandle::open_child(std::string_view name) const {
  const std::string child(name);
  UniqueFd fd(::openat(fd_.get(), child.c_str(), kOpenFlags));
  if (!fd)
    return last_error();
  return DirectoryHandle(std::move(fd));
}

std::vector<DirectoryEntry> DirectoryHandle::entries(std::error_code& error) const {
  std::vector<DirectoryEntry> result;
  // fdopendir takes ownership of its descriptor, so give it a duplicate.
  UniqueFd listing(::openat(fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR* dir = listing ? ::fdopendir(listing.get()) : nullptr;
  if (dir == nullptr) {
    error = last_error();
    return result;
  }
  listing.release();  // closedir closes it
  errno = 0;
  while (const dirent* raw = ::readdir(dir)) {
    const std::string_view name = raw->d_name;
    if (name == "." || name == "..")
      continue;
    struct stat info {};
    if (::fstatat(fd_.get(), raw->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      result.push_back(DirectoryEntry{.name = std::string(name), .error = last_error()});
    } else {
      result.push_back(entry_from(std::string(name), info));
    }
    errno = 0;
  }
  if (errno != 0)
    error = last_error();
  ::closedir(dir);
  return result;
}

Result<FileIdentity, std::error_code> DirectoryHandle::identify(std::string_view name) const {
  const std::string child(name);
  struct stat info {};
  if (::fstatat(fd_.get(), child.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
    return last_error();
  if (S_ISLNK(info.st_mode))
    return std::make_error_code(std::errc::too_many_symbolic_link_levels);
  if (!S_ISREG(info.st_mode))
    return std::make_error_code(std::errc::invalid_argument);
  return FileIdentity{.device = static_cast<std::uint64_t>(info.st_dev),
                      .file_id = static_cast<std::uint64_t>(info.st_ino),
                      .size = static_cast<std::uint64_t>(info.st_size),
                      .mtime_ns = to_ns(info.st_mtim),
                      .ctime_ns = to_ns(info.st_ctim)};
}

std::int64_t DirectoryHandle::mtime_ns() const {
  struct stat info {};
  return ::fstat(fd_.get(), &info) == 0 ? to_ns(info.st_mtim) : 0;
}

Result<DirectoryEntry, std::error_code> DirectoryHandle::examine_child(
    std::string_view name) const {
  const std::string child(name);
  struct stat info {};
  if (::fstatat(fd_.get(), child.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
    return last_error();
  return entry_from(child, info);
}

Result<void, std::error_code> DirectoryHandle::create_child(std::string_view name) const {
  const std::string child(name);
  if (::mkdirat(fd_.get(), child.c_str(), 0755) != 0)
    return last_error();
  return {};
}

Result<void, std::error_code> DirectoryHandle::rename(std::string_view from,
                                                      std::string_view to) const {
  const std::string source(from);
  const std::string target(to);
  if (::renameat(fd_.get(), source.c_str(), fd_.get(), target.c_str()) != 0)
    return last_error();
  return {};
}

Result<void, std::error_code> DirectoryHandle::remove_file(std::string_view name) const {
  const std::string child(name);
  if (::unlinkat(fd_.get(), child.c_str(), 0) != 0)
    return last_error();
  return {};
}

Result<void, std::error_code> DirectoryHandle::remove_empty_child(std::string_view name) const {
  const std::string child(name);
  if (::unlinkat(fd_.get(), child.c_str(), AT_REMOVEDIR) != 0)
    return errno == EEXIST ? std::make_error_code(std::errc::directory_not_empty) : last_error();
  return {};
}

void DirectoryHandle::flush() const {
  ::fsync(fd_.get());
}

Result<ReadOnlyFile, std::error_code> ReadOnlyFile::open_in(const DirectoryHandle& dir,
                                                            std::string_view name) {
  const std::string child(name);
  UniqueFd fd(::openat(dir.native_handle(), child.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd)
    return last_error();
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
    return S_ISREG(info.st_mode) ? last_error() : std::make_error_code(std::errc::invalid_argument);
  return ReadOnlyFile(std::move(fd), static_cast<std::uint64_t>(info.st_size));
}

Result<std::size_t, std::error_code> ReadOnlyFile::read_at(std::uint64_t offset, std::byte* out,
                                                           std::size_t length) const {
  return read_at_offset(fd_.get(), offset, out, length);
}

Result<WritableFile, std::error_code> WritableFile::open_in(const DirectoryHandle& dir,
                                                            std::string_view name,
                                                            Opening opening) {
  const std::string child(name);
  // O_NONBLOCK: opening a FIFO must not wait for a reader; it is refused below.
  int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
  if (opening == Opening::New)
    flags |= O_CREAT | O_EXCL;
  else if (opening == Opening::ExistingOrNew)
    flags |= O_CREAT;
  UniqueFd fd(::openat(dir.native_handle(), child.c_str(), flags, 0644));
  if (!fd)
    return last_error();
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    return last_error();
  if (!S_ISREG(info.st_mode))
    return std::make_error_code(std::errc::invalid_argument);
  return WritableFile(std::move(fd));
}

Result<std::uint64_t, std::error_code> WritableFile::size() const {
  struct stat info {};
  if (::fstat(fd_.get(), &info) != 0)
    return last_error();
  return static_cast<std::uint64_t>(info.st_size);
}

Result<std::size_t, std::error_code> WritableFile::write_at(std::uint64_t offset,
                                                            const std::byte* bytes,
                                                            std::size_t length) const {
  for (;;) {
    const ssize_t n = ::pwrite(fd_.get(), bytes, length, static_cast<off_t>(offset));
    if (n >= 0)
      return static_cast<std::size_t>(n);
    if (errno != EINTR)
      return last_error();
  }
}

Result<std::size_t, std::error_code> WritableFile::read_at(std::uint64_t offset, std::byte* out,
                                                           std::size_t length) const {
  return read_at_offset(fd_.get(), offset, out, length);
}

Result<void, std::error_code> WritableFile::resize(std::uint64_t size) const {
  if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0)
    return last_error();
  return {};
}

Result<void, std::error_code> WritableFile::flush() const {
  if (::fsync(fd_.get()) != 0)
    return last_error();
  return {};
}

void WritableFile::start_writeback(std::uint64_t offset, std::uint64_t length) const {
  ::sync_file_range(fd_.get(), static_cast<off_t>(offset), static_cast<off_t>(length),
                    SYNC_FILE_RANGE_WRITE);
}

}  // namespace lanspread::platform
