#pragma once

#include <asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace lanspread::platform {
class DirectoryWatcher;
struct DirectoryChange;
}  // namespace lanspread::platform

namespace lanspread::peer {

class Catalog;

// Decides when the local library must be rescanned, and how much of it. It
// watches the game folder and each game root non-recursively, folds bursts of
// changes into one rescan per game id, holds back games with an operation in
// flight, and asks for a full rescan periodically and whenever events were
// lost. It does no disk work itself: the runtime scans on its disk thread.
class LocalGameMonitor {
 public:
  struct Rescan {
    bool everything = false;
    std::vector<std::string> game_ids;  // when not everything
  };
  using OnRescan = std::function<void(Rescan)>;

  LocalGameMonitor(asio::io_context& io, const Catalog& catalog,
                   std::chrono::milliseconds fallback_interval, std::chrono::milliseconds delay,
                   OnRescan on_rescan);
  ~LocalGameMonitor();
  LocalGameMonitor(const LocalGameMonitor&) = delete;
  LocalGameMonitor& operator=(const LocalGameMonitor&) = delete;

  // Starts (or moves) watching `game_dir` and asks for a full rescan.
  void watch(const std::filesystem::path& game_dir);
  // Watches exactly these game roots (the ones the last full scan found).
  void watch_roots(const std::vector<std::string>& game_ids);

  // While held, changes to the game are remembered but not rescanned;
  // release asks for one rescan of it.
  void hold(const std::string& game_id);
  void release(const std::string& game_id);

  void stop();

 private:
  void on_change(const platform::DirectoryChange& change);
  void mark(const std::string& game_id);
  void mark_everything();
  void arm();
  void flush();
  void schedule_fallback();

  const Catalog& catalog_;
  std::chrono::milliseconds fallback_interval_;
  std::chrono::milliseconds delay_;
  OnRescan on_rescan_;
  std::unique_ptr<platform::DirectoryWatcher> watcher_;
  asio::steady_timer delay_timer_;
  asio::steady_timer fallback_timer_;
  std::filesystem::path game_dir_;
  std::set<std::string, std::less<>> watched_roots_;
  std::set<std::string, std::less<>> pending_;
  std::set<std::string, std::less<>> held_;
  bool everything_pending_ = false;
  bool armed_ = false;
  bool stopped_ = false;
};

}  // namespace lanspread::peer
