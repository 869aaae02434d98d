#include "platform/directory_watcher.hpp"

#include <asio/io_context.hpp>
#include <asio/windows/overlapped_ptr.hpp>
#include <asio/windows/random_access_handle.hpp>
#include <map>
#include <memory>
#include <system_error>
#include <vector>

namespace lanspread::platform {
namespace {

// What inotify reports on Linux: entries created, removed, renamed, written
// or with new attributes.
constexpr DWORD kChanges = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |
                           FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SIZE |
                           FILE_NOTIFY_CHANGE_LAST_WRITE;

// 64 KiB: the most ReadDirectoryChangesW takes for a directory on a network
// share; a burst larger than that reports an overflow.
constexpr std::size_t kBufferWords = 64 * 1024 / sizeof(std::uint64_t);

std::string utf8(std::wstring_view text) {
  if (text.empty())
    return {};
  const auto length = static_cast<int>(text.size());
  const int size =
      ::WideCharToMultiByte(CP_UTF8, 0, text.data(), length, nullptr, 0, nullptr, nullptr);
  std::string result(static_cast<std::size_t>(size > 0 ? size : 0), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, text.data(), length, result.data(), size, nullptr, nullptr);
  return result;
}

// Shared by the watcher and its watches' pending reads, which may complete
// after the watcher closed.
struct Sink {
  DirectoryWatcher::Callback on_change;
  bool closed = false;
};

// One watched directory: its handle, registered with the io_context's
// completion port, and one ReadDirectoryChangesW pending on it at a time.
class Watch : public std::enable_shared_from_this<Watch> {
 public:
  Watch(asio::io_context& io, HANDLE directory, std::string tag, std::shared_ptr<Sink> sink)
      : handle_(io, directory),
        tag_(std::move(tag)),
        sink_(std::move(sink)),
        buffer_(kBufferWords) {}

  void start() {
    asio::windows::overlapped_ptr pending(
        handle_.get_executor(), [self = shared_from_this()](std::error_code ec, std::size_t bytes) {
          self->completed(ec, bytes);
        });
    const auto bytes = static_cast<DWORD>(buffer_.size() * sizeof(std::uint64_t));
    if (::ReadDirectoryChangesW(handle_.native_handle(), buffer_.data(), bytes, FALSE, kChanges,
                                nullptr, pending.get(), nullptr)) {
      pending.release();  // the completion port delivers it
    } else {
      pending.complete(std::error_code(static_cast<int>(::GetLastError()), std::system_category()),
                       0);
    }
  }

  void stop() {
    stopped_ = true;
    std::error_code ignored;
    handle_.close(ignored);
  }

 private:
  void completed(std::error_code ec, std::size_t bytes) {
    if (stopped_ || sink_->closed)
      return;
    if (ec) {
      // The directory was removed or renamed away (its pending read ends
      // with an error), or cannot be read any more: either way it is gone.
      stop();
      sink_->on_change(DirectoryChange{.tag = tag_, .watched_directory_gone = true});
      return;
    }
    if (bytes == 0) {
      sink_->on_change(DirectoryChange{.overflow = true});
    } else {
      deliver(bytes);
    }
    if (!stopped_ && !sink_->closed)
      start();
  }

  void deliver(std::size_t bytes) {
    const auto* record = reinterpret_cast<const std::byte*>(buffer_.data());
    const auto* end = record + bytes;
    while (record < end && !stopped_ && !sink_->closed) {
      const auto& info = *reinterpret_cast<const FILE_NOTIFY_INFORMATION*>(record);
      const std::wstring_view name(info.FileName, info.FileNameLength / sizeof(wchar_t));
      sink_->on_change(DirectoryChange{.tag = tag_, .entry = utf8(name)});
      if (info.NextEntryOffset == 0)
        break;
      record += info.NextEntryOffset;
    }
  }

  asio::windows::random_access_handle handle_;
  std::string tag_;
  std::shared_ptr<Sink> sink_;
  std::vector<std::uint64_t> buffer_;  // FILE_NOTIFY_INFORMATION records, 8-byte aligned
  bool stopped_ = false;
};

class Watcher final : public DirectoryWatcher {
 public:
  Watcher(asio::io_context& io, Callback on_change)
      : io_(io), sink_(std::make_shared<Sink>(Sink{std::move(on_change)})) {}
  ~Watcher() override { close(); }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  bool watch(const std::filesystem::path& dir, const std::string& tag) override {
    unwatch(tag);
    if (sink_->closed)
      return false;
    // Never through a reparse point, as inotify's IN_DONT_FOLLOW; shared
    // for deletion, so the watch never keeps the folder from going.
    const HANDLE directory = ::CreateFileW(
        dir.c_str(), FILE_LIST_DIRECTORY, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        nullptr, OPEN_EXISTING,
        FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_OVERLAPPED, nullptr);
    if (directory == INVALID_HANDLE_VALUE)
      return false;
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(directory, &info) ||
        (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0 ||
        (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
      ::CloseHandle(directory);
      return false;
    }
    auto added = std::make_shared<Watch>(io_, directory, tag, sink_);
    added->start();
    watches_[tag] = std::move(added);
    return true;
  }

  void unwatch(const std::string& tag) override {
    const auto it = watches_.find(tag);
    if (it == watches_.end())
      return;
    it->second->stop();
    watches_.erase(it);
  }

  void close() override {
    sink_->closed = true;
    for (auto& [tag, watch] : watches_)
      watch->stop();
    watches_.clear();
  }

 private:
  asio::io_context& io_;
  std::shared_ptr<Sink> sink_;
  std::map<std::string, std::shared_ptr<Watch>, std::less<>> watches_;
};

}  // namespace

std::unique_ptr<DirectoryWatcher> DirectoryWatcher::create(asio::io_context& io,
                                                           Callback on_change) {
  return std::make_unique<Watcher>(io, std::move(on_change));
}

}  // namespace lanspread::platform
