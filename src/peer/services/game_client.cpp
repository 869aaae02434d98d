#include "peer/services/game_client.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "async/on_pool.hpp"
#include "proto/codec.hpp"
#include "proto/framing.hpp"

namespace lanspread::peer {
namespace {

// Below this an answer decodes in well under a millisecond: not worth two
// thread hops.
constexpr std::size_t kDecodeOnPoolBytes = 64 * 1024;

// An answer that does not decode ends the exchange as a transport failure
// does, by throwing: the callers catch both in one place.
proto::Response checked(Result<proto::Response> decoded) {
  if (!decoded)
    throw std::runtime_error("malformed answer from the peer: " + decoded.error().message);
  return std::move(decoded).value();
}

}  // namespace

asio::awaitable<void> read_exactly(transport::Stream& stream, std::span<std::byte> buffer) {
  std::size_t done = 0;
  while (done < buffer.size()) {
    const auto n = co_await stream.read_some(buffer.subspan(done));
    if (n == 0)
      throw std::runtime_error("the peer's answer ended early");
    done += n;
  }
}

asio::awaitable<proto::Response> read_response(transport::Stream& stream,
                                               asio::thread_pool* decode_pool) {
  std::array<std::byte, proto::kFrameHeaderBytes> header{};
  co_await read_exactly(stream, header);
  const auto length =
      proto::frame_length({reinterpret_cast<const char*>(header.data()), header.size()});
  if (length > proto::kMaxResponseBytes) {
    stream.reset();
    throw std::runtime_error("the peer's answer is larger than " +
                             std::to_string(proto::kMaxResponseBytes) + " bytes");
  }
  std::string json(length, '\0');
  co_await read_exactly(stream, std::as_writable_bytes(std::span(json.data(), json.size())));
  if (decode_pool != nullptr && json.size() >= kDecodeOnPoolBytes) {
    auto decoded =
        co_await async::on_pool(*decode_pool, [&json] { return proto::decode_response(json); });
    co_return checked(std::move(decoded));
  }
  co_return checked(proto::decode_response(json));
}

asio::awaitable<Reply> send_request(transport::Connection& connection,
                                    const proto::Request& request, asio::thread_pool* decode_pool) {
  auto stream = co_await connection.open_stream();
  const auto encoded = proto::encode(request);
  co_await stream.write(encoded);
  stream.finish();
  auto response = co_await read_response(stream, decode_pool);
  co_return Reply{std::move(response), std::move(stream)};
}

}  // namespace lanspread::peer
