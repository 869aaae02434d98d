#include "event_stream_reader.hpp"

namespace lanspread::test {

EventStreamReader::EventStreamReader(std::uint16_t port, const std::string& token)
    : client_("127.0.0.1", port) {
  client_.set_read_timeout(std::chrono::seconds(60));
  thread_ = std::thread([this, token] {
    client_.Get("/api/events?token=" + token, [this](const char* data, std::size_t size) {
      const std::scoped_lock lock(mutex_);
      buffer_.append(data, size);
      for (auto end = buffer_.find("\n\n"); end != std::string::npos; end = buffer_.find("\n\n")) {
        const auto message = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        if (message.starts_with("data: "))
          events_.push_back(nlohmann::json::parse(message.substr(6)));
      }
      arrived_.notify_all();
      return !stopping_;
    });
  });
}

EventStreamReader::~EventStreamReader() {
  {
    const std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  client_.stop();
  thread_.join();
}

std::size_t EventStreamReader::mark() {
  const std::scoped_lock lock(mutex_);
  return events_.size();
}

std::optional<nlohmann::json> EventStreamReader::wait_for(
    const std::function<bool(const nlohmann::json&)>& accept, std::chrono::milliseconds timeout,
    std::size_t from) {
  std::unique_lock lock(mutex_);
  std::optional<nlohmann::json> found;
  arrived_.wait_for(lock, timeout, [&] {
    for (auto i = from; i < events_.size(); ++i) {
      if (accept(events_[i])) {
        found = events_[i];
        return true;
      }
    }
    return false;
  });
  return found;
}

std::optional<nlohmann::json> EventStreamReader::wait_for_event(const std::string& name,
                                                                std::chrono::milliseconds timeout,
                                                                std::size_t from) {
  return wait_for([&](const nlohmann::json& event) { return event["event"] == name; }, timeout,
                  from);
}

std::vector<nlohmann::json> EventStreamReader::events() {
  const std::scoped_lock lock(mutex_);
  return events_;
}

}  // namespace lanspread::test
