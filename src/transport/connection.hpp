#pragma once

#include <asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lanspread::transport {

class ConnectionCore;
class StreamState;

// One bidirectional QUIC stream: a request goes one way, its response the
// other. All member functions must be called on the endpoint's executor.
class Stream {
 public:
  explicit Stream(std::shared_ptr<StreamState> state);

  // Reads what has arrived, waiting for at least one byte. Returns 0 at the
  // end of the stream; throws std::system_error when the stream or its
  // connection fails (reset, peer gone, idle timeout).
  asio::awaitable<std::size_t> read_some(std::span<std::byte> buffer);
  // Like read_some without the copy: a view of up to `max` bytes that arrived
  // in order, as large as is contiguous here (up to 256 KiB), so a reader can
  // hand big pieces to the disk. Empty at the end of the stream. The view
  // stays valid until the next read on this stream or stop_reading().
  asio::awaitable<std::span<const std::byte>> read_view(std::size_t max = SIZE_MAX);
  // Reads until the end of the stream; throws when more than `limit` bytes
  // arrive, so a peer cannot make us buffer without bound.
  asio::awaitable<std::string> read_all(std::size_t limit);

  // Queues `data` (copied) and waits while too much is unacknowledged, so a
  // fast writer is paced by the network. Throws like read_some.
  asio::awaitable<void> write(std::span<const std::byte> data);
  asio::awaitable<void> write(std::string_view text);
  // Like write(span), but takes `data` over instead of copying it: for bulk
  // senders, with buffers from take_buffer().
  asio::awaitable<void> write(std::vector<std::byte>&& data);
  // A buffer of `size` bytes (contents unspecified) to fill and hand to
  // write(std::vector&&); it reuses the memory of blocks the peer has
  // acknowledged, so a long response does not allocate per block.
  std::vector<std::byte> take_buffer(std::size_t size);
  // Ends our side of the stream.
  void finish();
  // Tells the peer to stop sending; what it sends is discarded.
  void stop_reading();
  // Abandons the stream in both directions.
  void reset();

  std::int64_t id() const;

 private:
  std::shared_ptr<StreamState> state_;
};

// A QUIC connection to one peer. Obtained from Endpoint::connect or handed to
// the endpoint's stream handler.
class Connection {
 public:
  explicit Connection(std::shared_ptr<ConnectionCore> core);

  // Opens a new bidirectional stream, waiting while the peer's stream limit
  // is reached.
  asio::awaitable<Stream> open_stream();
  // The peer's identity: the SHA-256 fingerprint of its certificate key.
  const std::string& peer_fingerprint() const;
  bool is_open() const;
  // Keying material exported from this connection's TLS session (RFC 8446
  // section 7.5): the peer derives the same bytes, nobody else can, so a
  // proof built on them cannot be replayed on another connection. Throws
  // std::runtime_error before the handshake is done.
  std::string export_keying_material(std::string_view label, std::string_view context,
                                     std::size_t size) const;
  // A number the application keeps with this connection, 0 until set (the
  // peer server records there which party key the peer proved it knows).
  std::uint64_t application_mark() const;
  void set_application_mark(std::uint64_t mark);
  // Closes gracefully; open streams fail.
  void close();

 private:
  std::shared_ptr<ConnectionCore> core_;
};

}  // namespace lanspread::transport
