#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace asio {
class io_context;
}

namespace lanspread::platform {

// What changed under a watched directory. `tag` is the caller's name for the
// watch; `entry` is the direct child that changed (empty when the watched
// directory itself changed). `overflow` means events were lost and the caller
// must rescan everything.
struct DirectoryChange {
  std::string tag;
  std::string entry;
  bool watched_directory_gone = false;
  bool overflow = false;
};

// Non-recursive directory watching (inotify on Linux). Callbacks run on the
// io_context the watcher was created with.
class DirectoryWatcher {
 public:
  using Callback = std::function<void(const DirectoryChange&)>;

  virtual ~DirectoryWatcher() = default;

  // Watches direct children of `dir`. Returns false when the directory cannot
  // be watched (gone, not a directory, watch limit reached).
  virtual bool watch(const std::filesystem::path& dir, const std::string& tag) = 0;
  virtual void unwatch(const std::string& tag) = 0;
  // Stops delivering callbacks and releases the OS handle.
  virtual void close() = 0;

  static std::unique_ptr<DirectoryWatcher> create(asio::io_context& io, Callback on_change);
};

}  // namespace lanspread::platform
