#include "peer/download/file_set.hpp"

#include <optional>

namespace lanspread::peer::download {

// An open file shared by the writers using it; closed when the last lets go,
// so evicting it from the cache never pulls it from under a write.
struct FileSet::OpenFile {
  explicit OpenFile(platform::WritableFile opened) : file(std::move(opened)) {}
  platform::WritableFile file;
};

FileSet::FileSet(platform::DirectoryHandle root, std::vector<Entry> entries)
    : root_(std::make_shared<const platform::DirectoryHandle>(std::move(root))),
      entries_(std::move(entries)) {}

std::string FileSet::path_of(std::uint32_t file_index) const {
  std::string path;
  for (const auto& part : entries_.at(file_index).components)
    path += (path.empty() ? "" : "/") + part;
  return path;
}

void FileSet::close_all() const {
  const std::lock_guard lock(mutex_);
  cache_.clear();
  root_.reset();
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
  std::shared_ptr<const platform::DirectoryHandle> root;
  {
    const std::lock_guard lock(mutex_);
    root = root_;
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->first == file_index) {
        auto found = *it;
        cache_.erase(it);
        cache_.push_back(found);
        return found.second;
      }
    }
  }
  if (!root)
    return Error{"cannot open " + path_of(file_index) + ": the download's files are closed"};
  const auto& entry = entries_[file_index];
  const auto& parts = entry.components;
  const auto failure = [&](const std::error_code& error) {
    return Error{"cannot open " + path_of(file_index) + ": " + error.message()};
  };
  std::optional<platform::DirectoryHandle> dir;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto next = (dir ? *dir : *root).open_child(parts[i]);
    if (!next)
      return failure(next.error());
    dir = std::move(*next);
  }
  using Opening = platform::WritableFile::Opening;
  const auto opening = for_write && entry.creation == Creation::OnFirstWrite
                           ? Opening::ExistingOrNew
                           : Opening::Existing;
  auto opened = platform::WritableFile::open_in(dir ? *dir : *root, parts.back(), opening);
  if (!opened) {
    if (opened.error() == std::errc::invalid_argument)
      return Error{path_of(file_index) + " is no longer a regular file"};
    return failure(opened.error());
  }
  auto file = std::make_shared<OpenFile>(std::move(*opened));
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
  const auto& file = (*opened)->file;
  const auto start = offset;
  const auto length = bytes.size();
  while (!bytes.empty()) {
    const auto written = file.write_at(offset, bytes.data(), bytes.size());
    if (!written) {
      return Error{"cannot write " + path_of(file_index) + " at byte " + std::to_string(offset) +
                   ": " + written.error().message()};
    }
    bytes = bytes.subspan(*written);
    offset += *written;
  }
  // Start writing the block to disk now, without waiting for it: the commit
  // flushes everything before version.ini, and with the writeback spread over
  // the download that flush finds little left to do. A hint only; its
  // failure changes nothing.
  file.start_writeback(start, length);
  return {};
}

Result<void> FileSet::read(std::uint32_t file_index, std::uint64_t offset,
                           std::span<std::byte> out) const {
  if (auto in_range = check_range(file_index, offset, out.size()); !in_range)
    return in_range;
  const auto opened = open(file_index, false);
  if (!opened)
    return opened.error();
  const auto& file = (*opened)->file;
  while (!out.empty()) {
    const auto got = file.read_at(offset, out.data(), out.size());
    if (!got || *got == 0) {
      return Error{"cannot read " + path_of(file_index) + " at byte " + std::to_string(offset) +
                   ": " + (got ? std::string("end of file") : got.error().message())};
    }
    out = out.subspan(*got);
    offset += *got;
  }
  return {};
}

}  // namespace lanspread::peer::download
