#pragma once

#include <asio/awaitable.hpp>
#include <asio/bind_executor.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <optional>

namespace lanspread::async {

// Runs `work` on `pool` and resumes the coroutine back on its own executor,
// so blocking disk work never runs on the network thread.
template <class Work>
auto on_pool(asio::thread_pool& pool, Work work) -> asio::awaitable<decltype(work())> {
  auto home = co_await asio::this_coro::executor;
  // While the work runs nothing else may be queued at home: without this its
  // io_context::run() could return and the coroutine would never resume.
  const auto keep_home_running = asio::make_work_guard(home);
  // Bound to the pool: a plain post(pool, use_awaitable) runs on the pool
  // only to dispatch the resumption back to the coroutine's own executor,
  // and the work would run on the network thread after all.
  co_await asio::post(asio::bind_executor(pool, asio::use_awaitable));
  // A throwing work must not unwind the caller on the pool's thread.
  std::optional<decltype(work())> result;
  std::exception_ptr error;
  try {
    result.emplace(work());
  } catch (...) {
    error = std::current_exception();
  }
  co_await asio::post(home, asio::use_awaitable);
  if (error)
    std::rethrow_exception(error);
  co_return std::move(*result);
}

}  // namespace lanspread::async
