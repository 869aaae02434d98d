#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "peer/runtime/events.hpp"

namespace lanspread::peer {

// A thread-safe queue of events for consumers that want to block on them (the
// CLI, tests). `sink()` is what start_peer takes.
class EventQueue {
 public:
  std::function<void(PeerEvent)> sink();

  void push(PeerEvent event);
  // The next event, or nullopt once `timeout` passes without one.
  std::optional<PeerEvent> pop(std::chrono::milliseconds timeout);

  // Pops events until one of type T satisfies `accept`; the events before it
  // are dropped. nullopt on timeout.
  template <class T>
  std::optional<T> wait_for(
      std::chrono::milliseconds timeout,
      const std::function<bool(const T&)>& accept = [](const T&) { return true; }) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return std::nullopt;
      auto next = pop(left);
      if (!next)
        return std::nullopt;
      if (auto* typed = std::get_if<T>(&*next); typed != nullptr && accept(*typed)) {
        return std::move(*typed);
      }
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<PeerEvent> events_;
};

}  // namespace lanspread::peer
