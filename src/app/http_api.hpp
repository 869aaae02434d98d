#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/access_guard.hpp"
#include "app/event_hub.hpp"
#include "app/ui_files.hpp"

namespace httplib {
class Server;
}

namespace lanspread::app {

class AppController;

// The local HTTP API and the UI's files, on 127.0.0.1 only (docs/app.md lists
// every endpoint and the security rules).
class HttpApi {
 public:
  struct Options {
    // The UI's files: a built UI folder's when set (--ui-dir, for UI work),
    // else `ui_files` (the UI built into the program), which must outlive
    // the HttpApi.
    std::filesystem::path ui_dir;
    std::span<const UiFile> ui_files;
    std::uint16_t port = 0;         // 0 picks a free one
    std::string token;              // empty: a fresh random one
    std::function<void()> on_quit;  // the UI's quit button
  };

  // Binds the port (throws std::runtime_error when it cannot) and serves in
  // the background.
  HttpApi(AppController& controller, Options options);
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  std::uint16_t port() const { return guard_.port(); }
  const std::string& token() const { return guard_.token(); }
  // The address to open: the UI with this run's token.
  std::string url() const;

  // Stops serving and ends open event streams. Idempotent.
  void stop();

 private:
  void add_routes();
  void add_ui_routes();
  void add_event_stream();
  // Tracks open streams so stop() can end them at once.
  void remember(const std::shared_ptr<EventHub::Subscription>& stream);

  AppController& controller_;
  Options options_;
  // options_.ui_files by path, when they are what is served.
  std::unordered_map<std::string_view, std::string_view> ui_files_;
  std::unique_ptr<httplib::Server> server_;
  AccessGuard guard_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  std::mutex streams_mutex_;
  std::vector<std::weak_ptr<EventHub::Subscription>> streams_;
  bool stopped_ = false;
};

}  // namespace lanspread::app
