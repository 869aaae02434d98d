#include "app/event_hub.hpp"

namespace lanspread::app {

EventHub::EventHub(std::size_t max_queued) : max_queued_(max_queued) {}

EventHub::~EventHub() {
  close();
}

std::shared_ptr<EventHub::Subscription> EventHub::subscribe(std::string first) {
  auto subscription = std::make_shared<Subscription>();
  subscription->queue_.push_back(std::move(first));
  const std::scoped_lock lock(mutex_);
  if (closed_) {
    subscription->closed_ = true;
  } else {
    subscribers_.insert(subscription);
  }
  return subscription;
}

void EventHub::publish(const std::string& message) {
  const std::scoped_lock lock(mutex_);
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    auto& subscription = **it;
    bool keep = true;
    {
      const std::scoped_lock queue_lock(subscription.mutex_);
      if (subscription.closed_ || subscription.queue_.size() >= max_queued_) {
        subscription.closed_ = true;
        keep = false;
      } else {
        subscription.queue_.push_back(message);
      }
    }
    subscription.ready_.notify_all();
    it = keep ? std::next(it) : subscribers_.erase(it);
  }
}

void EventHub::close() {
  const std::scoped_lock lock(mutex_);
  closed_ = true;
  for (const auto& subscription : subscribers_)
    subscription->cancel();
  subscribers_.clear();
}

std::optional<std::string> EventHub::Subscription::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, timeout, [this] { return closed_ || !queue_.empty(); });
  if (closed_ || queue_.empty())
    return std::nullopt;
  auto message = std::move(queue_.front());
  queue_.pop_front();
  return message;
}

bool EventHub::Subscription::closed() const {
  const std::scoped_lock lock(mutex_);
  return closed_;
}

void EventHub::Subscription::cancel() {
  {
    const std::scoped_lock lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

}  // namespace lanspread::app
