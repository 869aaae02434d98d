#pragma once

#include <asio/awaitable.hpp>

#include "proto/request.hpp"
#include "proto/response.hpp"
#include "transport/connection.hpp"

namespace asio {
class thread_pool;
}

namespace lanspread::peer {

// A response frame and, after a FileDataResponse, the stream its raw bytes
// follow on (exactly `length` of them).
struct Reply {
  proto::Response response;
  transport::Stream stream;
};

// Sends `request` on a new stream of `connection` and reads the response
// frame. Throws std::system_error on transport failure and
// std::runtime_error when the peer's answer is malformed: like the
// transport's awaitables it builds on, so a caller catches one exception
// around a whole exchange (docs/decisions.md, Errors). A large answer (a
// game's manifest is megabytes of JSON) is decoded on `decode_pool` when one
// is given, so the network thread does not stall for the tens of
// milliseconds that takes.
asio::awaitable<Reply> send_request(transport::Connection& connection,
                                    const proto::Request& request,
                                    asio::thread_pool* decode_pool = nullptr);

// Reads one response frame from `stream`.
asio::awaitable<proto::Response> read_response(transport::Stream& stream,
                                               asio::thread_pool* decode_pool = nullptr);

// Reads exactly `buffer.size()` bytes; throws when the stream ends first.
asio::awaitable<void> read_exactly(transport::Stream& stream, std::span<std::byte> buffer);

}  // namespace lanspread::peer
