#pragma once

#include <gnutls/gnutls.h>
#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>

#include <asio/awaitable.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "async/wakeup.hpp"
#include "transport/chunk_pool.hpp"
#include "transport/receive_buffer.hpp"
#include "transport/send_queue.hpp"

namespace lanspread::transport {

class EndpointCore;

// The state of one stream, shared by the connection (which feeds it from
// ngtcp2 callbacks) and the Stream handle the application holds.
class StreamState {
 public:
  StreamState(std::weak_ptr<class ConnectionCore> connection, std::int64_t id,
              const asio::any_io_executor& executor);

  // Wake the coroutine waiting to read (or to write) so it re-checks the
  // stream's state; notify() wakes both. A wake with no waiter is kept for
  // the next wait, which then returns at once and re-checks.
  void notify_readable() { readable_.notify(); }
  void notify_writable() { writable_.notify(); }
  void notify() {
    notify_readable();
    notify_writable();
  }
  asio::awaitable<void> wait_readable() { return readable_.wait(); }
  asio::awaitable<void> wait_writable() { return writable_.wait(); }

  const std::weak_ptr<ConnectionCore> connection;
  const std::int64_t id;

  // Received bytes not yet read; flow control bounds their amount.
  ReceiveBuffer received;
  // Bytes at the front of `received` the reader holds a view of; dropped at
  // its next read.
  std::size_t held = 0;
  bool fin_received = false;

  SendQueue outgoing;
  bool fin_queued = false;
  bool fin_sent = false;
  bool blocked = false;         // flow-control blocked in the current write pass
  bool writer_waiting = false;  // a write() waits for acknowledgements

  bool closed = false;
  std::error_code error;

 private:
  async::Wakeup readable_;
  async::Wakeup writable_;
};

// One QUIC connection: ngtcp2 state, the TLS session and the streams. Lives
// on the endpoint's executor; every method must be called there.
class ConnectionCore : public std::enable_shared_from_this<ConnectionCore> {
 public:
  // Outgoing connection; `expected_fingerprint` pins the peer's key (empty:
  // accept any and report it).
  static std::shared_ptr<ConnectionCore> connect(EndpointCore& endpoint,
                                                 const asio::ip::udp::endpoint& remote,
                                                 std::string expected_fingerprint);
  // Incoming connection for the Initial packet whose header is `header`.
  static std::shared_ptr<ConnectionCore> accept(EndpointCore& endpoint,
                                                const asio::ip::udp::endpoint& remote,
                                                const ngtcp2_pkt_hd& header);

  ConnectionCore(EndpointCore& endpoint, const asio::ip::udp::endpoint& remote, bool server,
                 std::string expected_fingerprint);
  ~ConnectionCore();
  ConnectionCore(const ConnectionCore&) = delete;
  ConnectionCore& operator=(const ConnectionCore&) = delete;

  // Feeds one datagram to ngtcp2. The caller flushes once per batch of
  // datagrams: flushing per datagram would re-arm the timer per packet.
  void on_datagram(std::span<const std::uint8_t> datagram, const ngtcp2_pkt_info& info);
  // Writes everything ngtcp2 is willing to send now and re-arms the timer.
  void flush();
  // Runs flush() soon, once, however many callers ask.
  void schedule_flush();

  asio::awaitable<void> wait_until_established();
  asio::awaitable<std::shared_ptr<StreamState>> open_stream();
  void close();

  void consume(StreamState& stream, std::size_t bytes);
  // Queues bytes to send on `stream` (copied).
  void queue(StreamState& stream, std::span<const std::uint8_t> bytes);
  // Queues `chunk` to send on `stream` (taken over, not copied).
  void queue(StreamState& stream, std::vector<std::byte>&& chunk);
  // A buffer of `size` bytes to fill and queue, from the memory of chunks
  // the peer acknowledged when there is some.
  std::vector<std::byte> take_buffer(std::size_t size);
  // Whether a writer on `stream` must wait for acknowledgements before
  // queueing more (then its stream is notified writable when it may go on):
  // this bounds the memory of a stream and of the connection.
  bool must_wait_to_write(StreamState& stream);
  void shutdown_stream(StreamState& stream);
  void stop_reading(StreamState& stream);

  bool is_open() const { return !terminated_; }
  bool established() const { return established_; }
  const std::string& peer_fingerprint() const { return peer_fingerprint_; }
  const asio::ip::udp::endpoint& remote() const { return remote_; }
  const std::string& failure_reason() const { return failure_reason_; }
  gnutls_session_t tls_session() const { return tls_; }
  // Kept for the application (Connection::application_mark).
  std::uint64_t application_mark = 0;

 private:
  friend struct Callbacks;

  void create(const ngtcp2_cid& dcid, const ngtcp2_cid& scid, const ngtcp2_pkt_hd* header);
  int verify_peer(gnutls_session_t session);
  std::shared_ptr<StreamState> add_stream(std::int64_t id);
  static bool ready_to_write(const StreamState& stream);
  StreamState* stream_with_data();
  bool write_packets();
  // Sends `bytes` of batch_ as datagrams of `segment_size`; false when the
  // socket is full (the endpoint flushes us again once it drains).
  bool send_batch(std::size_t bytes, std::size_t segment_size);
  void forget_unacknowledged(StreamState& stream);
  void wake_writers();
  void send_connection_close(const ngtcp2_ccerr& error);
  void handle_timer();
  void arm_timer();
  void terminate(std::error_code error, const std::string& reason);
  ngtcp2_path path();

  EndpointCore& endpoint_;
  asio::ip::udp::endpoint remote_;
  asio::ip::udp::endpoint local_;
  const bool server_;
  std::string expected_fingerprint_;
  std::string peer_fingerprint_;
  ngtcp2_conn* conn_ = nullptr;
  gnutls_session_t tls_ = nullptr;
  ngtcp2_crypto_conn_ref conn_ref_{};
  std::map<std::int64_t, std::shared_ptr<StreamState>> streams_;
  std::int64_t write_cursor_ = -1;  // the stream written last, for round robin
  std::size_t burst_left_ = 0;      // what it may still send before the next one's turn
  asio::steady_timer timer_;
  std::uint64_t armed_expiry_ = UINT64_MAX;  // when timer_ fires; UINT64_MAX: not armed
  asio::steady_timer state_changed_;         // wakes handshake and stream-credit waiters
  bool established_ = false;
  bool terminated_ = false;
  bool flush_scheduled_ = false;
  bool expiry_posted_ = false;  // handle_timer() is posted: the expiry was due
  std::error_code error_;
  std::string failure_reason_;
  // The largest datagram payload sent to this peer (route MTU, endpoint cap).
  std::size_t max_udp_payload_;
  // Packets written but not sent yet: a run of equal-size datagrams the
  // endpoint hands to the OS in one call.
  std::unique_ptr<std::uint8_t[]> batch_;
  std::uint64_t unacknowledged_ = 0;  // over all streams
  ChunkPool chunk_pool_;
  bool writers_waiting_ = false;  // some write() waits for the connection's limit
};

std::uint64_t now_ns();

}  // namespace lanspread::transport
