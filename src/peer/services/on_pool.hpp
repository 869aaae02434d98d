#pragma once

#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>

namespace lanspread::peer {

// Runs `work` on `pool` and resumes the coroutine back on its own executor,
// so blocking disk work never runs on the network thread.
template <class Work>
auto on_pool(asio::thread_pool& pool, Work work) -> asio::awaitable<decltype(work())> {
  auto home = co_await asio::this_coro::executor;
  co_await asio::post(pool, asio::use_awaitable);
  auto result = work();
  co_await asio::post(home, asio::use_awaitable);
  co_return result;
}

}  // namespace lanspread::peer
