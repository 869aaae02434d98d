#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

#include "platform/directory_watcher.hpp"

namespace lanspread::platform {
namespace {

constexpr std::uint32_t kWatchMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                     IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF |
                                     IN_ONLYDIR | IN_DONT_FOLLOW;

class InotifyWatcher final : public DirectoryWatcher,
                             public std::enable_shared_from_this<InotifyWatcher> {
 public:
  InotifyWatcher(asio::io_context& io, Callback on_change)
      : descriptor_(io), on_change_(std::move(on_change)) {
    const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
      throw std::system_error(errno, std::generic_category(), "inotify_init1");
    descriptor_.assign(fd);
  }

  bool watch(const std::filesystem::path& dir, const std::string& tag) override {
    unwatch(tag);
    const int wd = inotify_add_watch(descriptor_.native_handle(), dir.c_str(), kWatchMask);
    if (wd < 0)
      return false;
    // One inode watched under two tags shares a descriptor; the newest tag wins.
    tags_by_descriptor_[wd] = tag;
    descriptors_by_tag_[tag] = wd;
    return true;
  }

  void unwatch(const std::string& tag) override {
    const auto it = descriptors_by_tag_.find(tag);
    if (it == descriptors_by_tag_.end())
      return;
    inotify_rm_watch(descriptor_.native_handle(), it->second);
    tags_by_descriptor_.erase(it->second);
    descriptors_by_tag_.erase(it);
  }

  void close() override {
    closed_ = true;
    std::error_code ignored;
    descriptor_.close(ignored);
    tags_by_descriptor_.clear();
    descriptors_by_tag_.clear();
  }

  void start_reading() {
    descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                           [self = shared_from_this()](const std::error_code& ec) {
                             if (ec || self->closed_)
                               return;
                             self->drain();
                             self->start_reading();
                           });
  }

 private:
  void drain() {
    alignas(inotify_event) std::array<char, std::size_t{16} * 1024> buffer{};
    for (;;) {
      const ssize_t n = ::read(descriptor_.native_handle(), buffer.data(), buffer.size());
      if (n <= 0)
        return;  // EAGAIN: drained
      std::size_t offset = 0;
      while (offset + sizeof(inotify_event) <= static_cast<std::size_t>(n)) {
        inotify_event event{};
        std::memcpy(&event, buffer.data() + offset, sizeof(event));
        const char* name = buffer.data() + offset + sizeof(inotify_event);
        dispatch(event, event.len > 0 ? std::string(name) : std::string());
        offset += sizeof(inotify_event) + event.len;
        if (closed_)
          return;
      }
    }
  }

  void dispatch(const inotify_event& event, std::string entry) {
    if ((event.mask & IN_Q_OVERFLOW) != 0) {
      on_change_(DirectoryChange{.overflow = true});
      return;
    }
    const auto it = tags_by_descriptor_.find(event.wd);
    if (it == tags_by_descriptor_.end())
      return;  // already unwatched
    DirectoryChange change{.tag = it->second, .entry = std::move(entry)};
    if ((event.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
      change.watched_directory_gone = true;
      if ((event.mask & IN_IGNORED) != 0) {
        descriptors_by_tag_.erase(it->second);
        tags_by_descriptor_.erase(it);
      }
    }
    on_change_(change);
  }

  asio::posix::stream_descriptor descriptor_;
  Callback on_change_;
  std::map<int, std::string> tags_by_descriptor_;
  std::map<std::string, int, std::less<>> descriptors_by_tag_;
  bool closed_ = false;
};

// The reading loop keeps the watcher alive through shared_from_this; the
// returned owner closes it when destroyed so the loop ends with it.
class WatcherOwner final : public DirectoryWatcher {
 public:
  explicit WatcherOwner(std::shared_ptr<InotifyWatcher> watcher) : watcher_(std::move(watcher)) {}
  ~WatcherOwner() override { watcher_->close(); }
  WatcherOwner(const WatcherOwner&) = delete;
  WatcherOwner& operator=(const WatcherOwner&) = delete;

  bool watch(const std::filesystem::path& dir, const std::string& tag) override {
    return watcher_->watch(dir, tag);
  }
  void unwatch(const std::string& tag) override { watcher_->unwatch(tag); }
  void close() override { watcher_->close(); }

 private:
  std::shared_ptr<InotifyWatcher> watcher_;
};

}  // namespace

std::unique_ptr<DirectoryWatcher> DirectoryWatcher::create(asio::io_context& io,
                                                           Callback on_change) {
  auto watcher = std::make_shared<InotifyWatcher>(io, std::move(on_change));
  watcher->start_reading();
  return std::make_unique<WatcherOwner>(std::move(watcher));
}

}  // namespace lanspread::platform
