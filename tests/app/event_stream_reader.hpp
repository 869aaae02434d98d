#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lanspread::test {

// Reads the app's event stream over real HTTP in the background and keeps
// every event, so a test can wait for the one it expects.
class EventStreamReader {
 public:
  EventStreamReader(std::uint16_t port, const std::string& token);
  ~EventStreamReader();

  // How many events arrived so far: pass it as `from` to wait only for
  // events that come after this moment.
  std::size_t mark();
  // The first event from index `from` on that satisfies `accept`; nullopt
  // after `timeout`.
  std::optional<nlohmann::json> wait_for(const std::function<bool(const nlohmann::json&)>& accept,
                                         std::chrono::milliseconds timeout, std::size_t from = 0);
  std::optional<nlohmann::json> wait_for_event(const std::string& name,
                                               std::chrono::milliseconds timeout,
                                               std::size_t from = 0);
  std::vector<nlohmann::json> events();

 private:
  httplib::Client client_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<nlohmann::json> events_;
  std::string buffer_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace lanspread::test
