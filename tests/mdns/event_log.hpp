#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mdns/discovery.hpp"

namespace lanspread::mdns::test {

// Collects a Discovery's callbacks (called on its thread) for a test to wait
// on with a deadline.
class EventLog {
 public:
  Discovery::FoundCallback on_found() {
    return [this](DiscoveredPeer peer) {
      std::lock_guard lock(mutex_);
      found_.push_back(std::move(peer));
      changed_.notify_all();
    };
  }
  Discovery::LostCallback on_lost() {
    return [this](std::string peer_id) {
      std::lock_guard lock(mutex_);
      lost_.push_back(std::move(peer_id));
      changed_.notify_all();
    };
  }

  std::optional<DiscoveredPeer> wait_found(const std::string& peer_id,
                                           std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<DiscoveredPeer> result;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& peer : found_) {
        if (peer.peer_id == peer_id)
          result = peer;
      }
      return result.has_value();
    });
    return result;
  }

  bool wait_lost(const std::string& peer_id, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      return std::find(lost_.begin(), lost_.end(), peer_id) != lost_.end();
    });
  }

  std::size_t lost_count() {
    std::lock_guard lock(mutex_);
    return lost_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<DiscoveredPeer> found_;
  std::vector<std::string> lost_;
};

}  // namespace lanspread::mdns::test
