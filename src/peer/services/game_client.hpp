#pragma once

#include <asio/awaitable.hpp>

#include "proto/request.hpp"
#include "proto/response.hpp"
#include "transport/connection.hpp"

namespace lanspread::peer {

// A response frame and, after a FileDataResponse, the stream its raw bytes
// follow on (exactly `length` of them).
struct Reply {
  proto::Response response;
  transport::Stream stream;
};

// Sends `request` on a new stream of `connection` and reads the response
// frame. Throws std::system_error on transport failure and
// std::runtime_error when the peer's answer is malformed.
asio::awaitable<Reply> send_request(transport::Connection& connection,
                                    const proto::Request& request);

// Reads one response frame from `stream`.
asio::awaitable<proto::Response> read_response(transport::Stream& stream);

// Reads exactly `buffer.size()` bytes; throws when the stream ends first.
asio::awaitable<void> read_exactly(transport::Stream& stream, std::span<std::byte> buffer);

}  // namespace lanspread::peer
