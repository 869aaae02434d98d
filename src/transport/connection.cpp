#include "transport/connection.hpp"

#include <algorithm>
#include <cstring>

#include "transport/connection_core.hpp"
#include "transport/errors.hpp"
#include "transport/tls.hpp"

namespace lanspread::transport {
namespace {

void throw_if_failed(const StreamState& stream) {
  if (stream.error)
    throw std::system_error(stream.error);
}

// Returns once `state` has bytes to read or has ended (then nothing is
// buffered); throws when it failed.
asio::awaitable<void> wait_for_data(std::shared_ptr<StreamState> state) {
  while (state->received.size() == 0) {
    if (state->fin_received)
      co_return;
    throw_if_failed(*state);
    if (state->closed)
      throw std::system_error(TransportError::StreamReset);
    co_await state->wait_readable();
  }
}

// The connection to queue bytes on; throws if the stream cannot take more.
std::shared_ptr<ConnectionCore> writable_connection(const StreamState& state) {
  throw_if_failed(state);
  auto connection = state.connection.lock();
  if (!connection || state.closed)
    throw std::system_error(TransportError::ConnectionClosed);
  return connection;
}

// Returns once the stream may queue more: a fast writer is paced by the
// network. Throws when the stream fails meanwhile.
asio::awaitable<void> wait_for_acknowledgements(std::shared_ptr<StreamState> state,
                                                std::shared_ptr<ConnectionCore> connection) {
  while (connection->must_wait_to_write(*state)) {
    co_await state->wait_writable();
    throw_if_failed(*state);
    if (state->closed)
      throw std::system_error(TransportError::ConnectionClosed);
  }
}

// Drops the view the reader was last handed: its bytes were credited to the
// peer when handed out.
void release_held(StreamState& state) {
  state.received.pop(state.held);
  state.held = 0;
}

}  // namespace

Stream::Stream(std::shared_ptr<StreamState> state) : state_(std::move(state)) {}

std::int64_t Stream::id() const {
  return state_->id;
}

asio::awaitable<std::size_t> Stream::read_some(std::span<std::byte> buffer) {
  auto state = state_;
  release_held(*state);
  co_await wait_for_data(state);
  std::size_t n = 0;
  while (n < buffer.size()) {
    const auto piece = state->received.front(buffer.size() - n);
    if (piece.empty())
      break;
    std::memcpy(buffer.data() + n, piece.data(), piece.size());
    state->received.pop(piece.size());
    n += piece.size();
  }
  if (auto connection = state->connection.lock())
    connection->consume(*state, n);
  co_return n;
}

asio::awaitable<std::span<const std::byte>> Stream::read_view(std::size_t max) {
  auto state = state_;
  release_held(*state);
  co_await wait_for_data(state);
  const auto view = state->received.front(max);
  state->held = view.size();
  if (auto connection = state->connection.lock())
    connection->consume(*state, view.size());
  co_return std::as_bytes(view);
}

asio::awaitable<std::string> Stream::read_all(std::size_t limit) {
  std::string result;
  for (;;) {
    const auto view = co_await read_view();
    if (view.empty())
      co_return result;
    if (result.size() + view.size() > limit)
      throw std::system_error(TransportError::TooLarge);
    result.append(reinterpret_cast<const char*>(view.data()), view.size());
  }
}

asio::awaitable<void> Stream::write(std::span<const std::byte> data) {
  auto state = state_;
  auto connection = writable_connection(*state);
  connection->queue(*state, {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
  co_await wait_for_acknowledgements(std::move(state), std::move(connection));
}

asio::awaitable<void> Stream::write(std::vector<std::byte>&& data) {
  auto state = state_;
  auto connection = writable_connection(*state);
  connection->queue(*state, std::move(data));
  co_await wait_for_acknowledgements(std::move(state), std::move(connection));
}

std::vector<std::byte> Stream::take_buffer(std::size_t size) {
  if (auto connection = state_->connection.lock())
    return connection->take_buffer(size);
  return std::vector<std::byte>(size);
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

std::string Connection::export_keying_material(std::string_view label, std::string_view context,
                                               std::size_t size) const {
  if (!core_->established())
    throw std::runtime_error("the TLS handshake is not done");
  return transport::export_keying_material(core_->tls_session(), label, context, size);
}

std::uint64_t Connection::application_mark() const {
  return core_->application_mark;
}

void Connection::set_application_mark(std::uint64_t mark) {
  core_->application_mark = mark;
}

void Connection::close() {
  core_->close();
}

}  // namespace lanspread::transport
