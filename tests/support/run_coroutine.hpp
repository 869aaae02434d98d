#pragma once

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace lanspread::test {

// Runs `task` on `io` until it finishes (or `timeout` passes, which throws)
// and returns its result; exceptions from the task are rethrown.
template <class T>
T run_coroutine(asio::io_context& io, asio::awaitable<T> task,
                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  std::optional<T> result;
  std::exception_ptr error;
  bool done = false;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e)
      result.emplace(std::move(value));
    done = true;
    io.stop();
  });
  io.restart();
  io.run_for(timeout);
  if (!done)
    throw std::runtime_error("the task did not finish in time");
  if (error)
    std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace lanspread::test
