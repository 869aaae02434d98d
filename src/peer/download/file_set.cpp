#include "peer/download/file_set.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lanspread::peer::download {

// A descriptor shared by the writers using it; closed when the last lets go,
// so evicting it from the cache never pulls it from under a write.
struct FileSet::OpenFile {
  explicit OpenFile(platform::UniqueFd opened) : fd(std::move(opened)) {}
  platform::UniqueFd fd;
};

FileSet::FileSet(int root_fd, std::vector<Entry> entries)
    : root_fd_(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0)), entries_(std::move(entries)) {}

std::string FileSet::path_of(std::uint32_t file_index) const {
  std::string path;
  for (const auto& part : entries_.at(file_index).components)
    path += (path.empty() ? "" : "/") + part;
  return path;
}

void FileSet::close_all() const {
  const std::lock_guard lock(mutex_);
  cache_.clear();
}

Result<void> FileSet::check_range(std::uint32_t file_index, std::uint64_t offset,
                                  std::size_t length) const {
  if (file_index >= entries_.size())
    return Error{"no file " + std::to_string(file_index) + " in the manifest"};
  const auto& entry = entries_[file_index];
  if (entry.components.empty())
    return Error{"manifest entry " + std::to_string(file_index) + " is not a payload file"};
  if (offset > entry.size || length > entry.size - offset) {
    return Error{"bytes " + std::to_string(offset) + "+" + std::to_string(length) +
                 " are past the end of " + path_of(file_index) + " (" + std::to_string(entry.size) +
                 " bytes)"};
  }
  return {};
}

Result<std::shared_ptr<FileSet::OpenFile>> FileSet::open(std::uint32_t file_index,
                                                         bool for_write) const {
  {
    const std::lock_guard lock(mutex_);
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->first == file_index) {
        auto found = *it;
        cache_.erase(it);
        cache_.push_back(found);
        return found.second;
      }
    }
  }
  const auto& entry = entries_[file_index];
  const auto& parts = entry.components;
  const int create = for_write && entry.creation == Creation::OnFirstWrite ? O_CREAT : 0;
  platform::UniqueFd opened;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    const int flags = last ? O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | create
                           : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    const int dir = opened ? opened.get() : root_fd_.get();
    platform::UniqueFd next(::openat(dir, parts[i].c_str(), flags, 0644));
    if (!next)
      return Error{"cannot open " + path_of(file_index) + ": " + std::strerror(errno)};
    opened = std::move(next);
  }
  struct stat info {};
  if (::fstat(opened.get(), &info) != 0 || !S_ISREG(info.st_mode))
    return Error{path_of(file_index) + " is no longer a regular file"};
  auto file = std::make_shared<OpenFile>(std::move(opened));
  const std::lock_guard lock(mutex_);
  cache_.emplace_back(file_index, file);
  if (cache_.size() > kOpenFiles)
    cache_.erase(cache_.begin());
  return file;
}

Result<void> FileSet::write(std::uint32_t file_index, std::uint64_t offset,
                            std::span<const std::byte> bytes) const {
  if (auto in_range = check_range(file_index, offset, bytes.size()); !in_range)
    return in_range;
  const auto opened = open(file_index, true);
  if (!opened)
    return opened.error();
  const auto& file = *opened;
  const auto start = static_cast<off_t>(offset);
  const auto length = static_cast<off_t>(bytes.size());
  while (!bytes.empty()) {
    const auto written =
        ::pwrite(file->fd.get(), bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return Error{"cannot write " + path_of(file_index) + " at byte " + std::to_string(offset) +
                   ": " + std::strerror(errno)};
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
    offset += static_cast<std::uint64_t>(written);
  }
  // Start writing the block to disk now, without waiting for it: the commit
  // flushes everything before version.ini, and with the writeback spread over
  // the download that flush finds little left to do. A hint only; its
  // failure changes nothing.
  ::sync_file_range(file->fd.get(), start, length, SYNC_FILE_RANGE_WRITE);
  return {};
}

Result<void> FileSet::read(std::uint32_t file_index, std::uint64_t offset,
                           std::span<std::byte> out) const {
  if (auto in_range = check_range(file_index, offset, out.size()); !in_range)
    return in_range;
  const auto opened = open(file_index, false);
  if (!opened)
    return opened.error();
  const auto& file = *opened;
  while (!out.empty()) {
    const auto got = ::pread(file->fd.get(), out.data(), out.size(), static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      return Error{"cannot read " + path_of(file_index) + " at byte " + std::to_string(offset) +
                   ": " + (got == 0 ? std::string("end of file") : std::strerror(errno))};
    }
    out = out.subspan(static_cast<std::size_t>(got));
    offset += static_cast<std::uint64_t>(got);
  }
  return {};
}

}  // namespace lanspread::peer::download
