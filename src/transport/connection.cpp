#include "transport/connection.hpp"

#include <algorithm>
#include <cstring>

#include "transport/connection_core.hpp"
#include "transport/errors.hpp"

namespace lanspread::transport {
namespace {

// How much one stream may have written but unacknowledged before write()
// waits: enough to keep a LAN link busy, small enough to bound memory.
constexpr std::uint64_t kMaxUnacknowledged = 4 * 1024 * 1024;

void throw_if_failed(const StreamState& stream) {
  if (stream.error)
    throw std::system_error(stream.error);
}

}  // namespace

Stream::Stream(std::shared_ptr<StreamState> state) : state_(std::move(state)) {}

std::int64_t Stream::id() const {
  return state_->id;
}

asio::awaitable<std::size_t> Stream::read_some(std::span<std::byte> buffer) {
  auto state = state_;
  for (;;) {
    const auto available = state->received.size() - state->read_offset;
    if (available > 0) {
      const auto n = std::min(available, buffer.size());
      std::memcpy(buffer.data(), state->received.data() + state->read_offset, n);
      state->read_offset += n;
      if (auto connection = state->connection.lock())
        connection->consume(*state, n);
      co_return n;
    }
    if (state->fin_received)
      co_return 0;
    throw_if_failed(*state);
    if (state->closed)
      throw std::system_error(TransportError::StreamReset);
    co_await state->wait_readable();
  }
}

asio::awaitable<std::string> Stream::read_all(std::size_t limit) {
  std::string result;
  std::array<std::byte, 16 * 1024> buffer{};
  for (;;) {
    const auto n = co_await read_some(buffer);
    if (n == 0)
      co_return result;
    if (result.size() + n > limit)
      throw std::system_error(TransportError::TooLarge);
    result.append(reinterpret_cast<const char*>(buffer.data()), n);
  }
}

asio::awaitable<void> Stream::write(std::span<const std::byte> data) {
  auto state = state_;
  throw_if_failed(*state);
  auto connection = state->connection.lock();
  if (!connection || state->closed)
    throw std::system_error(TransportError::ConnectionClosed);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  state->chunks.emplace_back(bytes, bytes + data.size());
  state->queued += data.size();
  connection->schedule_flush();
  while (state->queued - state->acked > kMaxUnacknowledged) {
    co_await state->wait_writable();
    throw_if_failed(*state);
    if (state->closed)
      throw std::system_error(TransportError::ConnectionClosed);
  }
}

asio::awaitable<void> Stream::write(std::string_view text) {
  co_await write(std::as_bytes(std::span(text.data(), text.size())));
}

void Stream::finish() {
  if (state_->fin_queued)
    return;
  state_->fin_queued = true;
  if (auto connection = state_->connection.lock())
    connection->schedule_flush();
}

void Stream::stop_reading() {
  if (auto connection = state_->connection.lock())
    connection->stop_reading(*state_);
}

void Stream::reset() {
  if (auto connection = state_->connection.lock())
    connection->shutdown_stream(*state_);
}

Connection::Connection(std::shared_ptr<ConnectionCore> core) : core_(std::move(core)) {}

asio::awaitable<Stream> Connection::open_stream() {
  co_return Stream(co_await core_->open_stream());
}

const std::string& Connection::peer_fingerprint() const {
  return core_->peer_fingerprint();
}

bool Connection::is_open() const {
  return core_->is_open();
}

void Connection::close() {
  core_->close();
}

}  // namespace lanspread::transport
