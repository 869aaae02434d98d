#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <functional>
#include <memory>

namespace lanspread::transport {

// Lets one coroutine sleep until another part of the same executor says
// something changed. A wake with nobody waiting is kept, so the next wait
// returns at once (callers re-check their condition after waking anyway).
// Unlike a timer used as a condition, waking costs no syscall.
class Wakeup {
 public:
  explicit Wakeup(asio::any_io_executor executor) : executor_(std::move(executor)) {}

  void notify() {
    if (!waiter_) {
      pending_ = true;
      return;
    }
    auto waiter = std::move(waiter_);
    waiter_ = nullptr;
    asio::post(executor_, std::move(waiter));
  }

  asio::awaitable<void> wait() {
    if (pending_) {
      pending_ = false;
      co_return;
    }
    co_await asio::async_initiate<const asio::use_awaitable_t<>, void()>(
        [this](auto handler) {
          // std::function needs a copyable target; the handler is move-only.
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          waiter_ = [shared] { std::move (*shared)(); };
        },
        asio::use_awaitable);
  }

 private:
  asio::any_io_executor executor_;
  std::function<void()> waiter_;
  bool pending_ = false;
};

}  // namespace lanspread::transport
