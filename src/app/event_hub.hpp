#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace lanspread::app {

// Fans UI events out to every open event stream. Each subscriber has its own
// queue, so a slow browser tab never holds up the runtime or other tabs.
class EventHub {
 public:
  class Subscription;

  // `max_queued` bounds each subscriber's backlog: a tab that stops reading
  // is dropped rather than growing without limit.
  explicit EventHub(std::size_t max_queued = 4096);
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // `first` is queued before anything published afterwards (the snapshot a
  // new stream starts with).
  std::shared_ptr<Subscription> subscribe(std::string first);
  void publish(const std::string& message);
  // Ends every subscription; later subscriptions start closed.
  void close();

  class Subscription {
   public:
    // The next message; nullopt after `timeout` with nothing to say (the
    // caller sends a keep-alive) and also once closed (see closed()).
    std::optional<std::string> next(std::chrono::milliseconds timeout);
    bool closed() const;
    // Called when the stream's connection ends.
    void cancel();

   private:
    friend class EventHub;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::string> queue_;
    bool closed_ = false;
  };

 private:
  std::size_t max_queued_;
  std::mutex mutex_;
  std::set<std::shared_ptr<Subscription>> subscribers_;
  bool closed_ = false;
};

}  // namespace lanspread::app
