#include "peer/library/local_game_monitor.hpp"

#include <spdlog/spdlog.h>

#include "base/utf8_path.hpp"
#include "peer/catalog/catalog.hpp"
#include "platform/directory_watcher.hpp"

namespace lanspread::peer {
namespace {
// The watcher's tag for the game folder itself; game roots use their id,
// which is never empty.
const std::string kGameDirTag;
}  // namespace

LocalGameMonitor::LocalGameMonitor(asio::io_context& io, const Catalog& catalog,
                                   std::chrono::milliseconds fallback_interval,
                                   std::chrono::milliseconds delay, OnRescan on_rescan)
    : catalog_(catalog),
      fallback_interval_(fallback_interval),
      delay_(delay),
      on_rescan_(std::move(on_rescan)),
      watcher_(platform::DirectoryWatcher::create(
          io, [this](const platform::DirectoryChange& change) { on_change(change); })),
      delay_timer_(io),
      fallback_timer_(io) {
  schedule_fallback();
}

LocalGameMonitor::~LocalGameMonitor() {
  stop();
}

void LocalGameMonitor::watch(const std::filesystem::path& game_dir) {
  for (const auto& id : watched_roots_)
    watcher_->unwatch(id);
  watched_roots_.clear();
  game_dir_ = game_dir;
  if (!watcher_->watch(game_dir_, kGameDirTag)) {
    spdlog::warn("cannot watch game folder {}; relying on periodic rescans", utf8_of(game_dir_));
  }
  mark_everything();
}

void LocalGameMonitor::watch_roots(const std::vector<std::string>& game_ids) {
  const std::set<std::string, std::less<>> wanted(game_ids.begin(), game_ids.end());
  for (const auto& id : watched_roots_) {
    if (!wanted.contains(id))
      watcher_->unwatch(id);
  }
  std::erase_if(watched_roots_, [&](const std::string& id) { return !wanted.contains(id); });
  for (const auto& id : wanted) {
    if (!watched_roots_.contains(id) && watcher_->watch(game_dir_ / path_from_utf8(id), id)) {
      watched_roots_.insert(id);
    }
  }
}

void LocalGameMonitor::hold(const std::string& game_id) {
  held_.insert(game_id);
}

void LocalGameMonitor::release(const std::string& game_id) {
  held_.erase(game_id);
  mark(game_id);
}

void LocalGameMonitor::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  watcher_->close();
  delay_timer_.cancel();
  fallback_timer_.cancel();
}

void LocalGameMonitor::on_change(const platform::DirectoryChange& change) {
  if (change.overflow) {
    spdlog::info("file-system events were lost; rescanning the whole library");
    mark_everything();
  } else if (change.tag == kGameDirTag) {
    if (change.watched_directory_gone) {
      spdlog::warn("game folder {} disappeared", utf8_of(game_dir_));
      mark_everything();
    } else if (catalog_.contains(change.entry)) {
      // A root appeared, vanished or was renamed: (re)watch it and rescan it.
      if (watcher_->watch(game_dir_ / path_from_utf8(change.entry), change.entry)) {
        watched_roots_.insert(change.entry);
      } else {
        watcher_->unwatch(change.entry);
        watched_roots_.erase(change.entry);
      }
      mark(change.entry);
    }
  } else {
    if (change.watched_directory_gone)
      watched_roots_.erase(change.tag);
    mark(change.tag);
  }
}

void LocalGameMonitor::mark(const std::string& game_id) {
  pending_.insert(game_id);
  arm();
}

void LocalGameMonitor::mark_everything() {
  everything_pending_ = true;
  arm();
}

void LocalGameMonitor::arm() {
  if (armed_ || stopped_)
    return;
  armed_ = true;
  delay_timer_.expires_after(delay_);
  delay_timer_.async_wait([this](const std::error_code& ec) {
    if (ec || stopped_)
      return;
    armed_ = false;
    flush();
  });
}

void LocalGameMonitor::flush() {
  Rescan rescan{.everything = everything_pending_};
  everything_pending_ = false;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (held_.contains(*it)) {
      ++it;  // stays pending; release() rescans it
    } else {
      rescan.game_ids.push_back(*it);
      it = pending_.erase(it);
    }
  }
  if (rescan.everything)
    rescan.game_ids.clear();
  if (rescan.everything || !rescan.game_ids.empty())
    on_rescan_(std::move(rescan));
}

void LocalGameMonitor::schedule_fallback() {
  fallback_timer_.expires_after(fallback_interval_);
  fallback_timer_.async_wait([this](const std::error_code& ec) {
    if (ec || stopped_)
      return;
    mark_everything();
    schedule_fallback();
  });
}

}  // namespace lanspread::peer
