#include "peer/runtime/event_queue.hpp"

namespace lanspread::peer {

std::function<void(PeerEvent)> EventQueue::sink() {
  return [this](PeerEvent event) { push(std::move(event)); };
}

void EventQueue::push(PeerEvent event) {
  {
    const std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  ready_.notify_one();
}

std::optional<PeerEvent> EventQueue::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!ready_.wait_for(lock, timeout, [&] { return !events_.empty(); }))
    return std::nullopt;
  auto event = std::move(events_.front());
  events_.pop_front();
  return event;
}

}  // namespace lanspread::peer
