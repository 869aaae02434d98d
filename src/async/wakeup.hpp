#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <optional>

namespace lanspread::async {

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
    auto waiter = std::move(*waiter_);
    waiter_.reset();
    asio::post(executor_, std::move(waiter));
  }

  asio::awaitable<void> wait() {
    if (pending_) {
      pending_ = false;
      co_return;
    }
    co_await asio::async_initiate<const asio::use_awaitable_t<>, void()>(
        [this](Waiter waiter) { waiter_.emplace(std::move(waiter)); }, asio::use_awaitable);
  }

 private:
  // The suspended coroutine, held by value: a wait allocates nothing.
  using Waiter = asio::async_result<asio::use_awaitable_t<>, void()>::handler_type;

  asio::any_io_executor executor_;
  std::optional<Waiter> waiter_;
  bool pending_ = false;
};

}  // namespace lanspread::async
