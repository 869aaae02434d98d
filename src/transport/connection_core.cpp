#include "transport/connection_core.hpp"

#include <gnutls/crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <cstring>

#include "platform/path_mtu.hpp"
#include "platform/udp_batch.hpp"
#include "transport/endpoint_core.hpp"
#include "transport/errors.hpp"
#include "transport/identity.hpp"
#include "transport/tls.hpp"

namespace lanspread::transport {
namespace {

// Per-packet work (AEAD, header protection, ngtcp2's packet building, the
// kernel's per-datagram path) dominates QUIC's CPU cost, so datagrams are as
// large as the route allows: 1472 bytes on an IPv4 Ethernet LAN, 8972 with
// jumbo frames, 16 KiB (the receive slot, a TLS record's size) on loopback.
constexpr std::size_t kLargestUdpPayload = platform::UdpBatch::kMaxDatagramBytes;
constexpr std::size_t kEthernetMtu = 1500;  // when the OS knows no route
// Packets are gathered into runs the OS sends with one call (UDP GSO).
constexpr std::size_t kBatchBytes = platform::UdpBatch::kMaxRunBytes;
constexpr std::size_t kBatchPackets = platform::UdpBatch::kMaxSegments;
// How much may be written but unacknowledged before write() waits, per stream
// and per connection: enough to keep a LAN link busy, small enough to bound
// memory and to keep what is being sent in the CPU caches.
constexpr std::uint64_t kMaxStreamUnacknowledged = 4 * 1024 * 1024;
constexpr std::uint64_t kMaxConnectionUnacknowledged = 8 * 1024 * 1024;
// How many bytes of one stream the write loop sends before it turns to the
// next stream with data: a receive buffer block, so a reader gets whole
// blocks, and a small response waits behind at most one burst per stream.
constexpr std::size_t kStreamBurst = 256 * 1024;
// Receive windows (flow control). What the peer may send before we read:
// on a stream we opened (our request's answer, a block of a download), on a
// stream the peer opened (its request), and on the whole connection. ngtcp2
// grows a window that the reader keeps emptying up to the maximum.
constexpr std::uint64_t kAnswerStreamWindow = 4 * 1024 * 1024;
constexpr std::uint64_t kRequestStreamWindow = 1024 * 1024;
constexpr std::uint64_t kConnectionWindow = 16 * 1024 * 1024;
constexpr std::uint64_t kMaxStreamWindow = 16 * 1024 * 1024;
constexpr std::uint64_t kMaxConnectionWindow = 64 * 1024 * 1024;
// The shortest a connection sleeps (RFC 9002's kGranularity): see arm_timer().
constexpr std::uint64_t kTimerGranularity = NGTCP2_MILLISECONDS;
// Application error codes: a normal close or a normal stream end, and a
// stream this side abandoned on purpose (a cancelled or duplicate transfer).
constexpr std::uint64_t kNoError = 0;
constexpr std::uint64_t kStreamAbandoned = 1;
// TLS alert 120: the peer offered no protocol version we speak.
constexpr std::uint8_t kNoApplicationProtocolAlert = 120;

std::uint64_t to_ns(std::chrono::steady_clock::duration d) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

ConnectionCore* core_of(void* user_data) {
  return static_cast<ConnectionCore*>(user_data);
}

void random_bytes(std::uint8_t* dest, std::size_t length) {
  gnutls_rnd(GNUTLS_RND_RANDOM, dest, length);
}

ngtcp2_cid random_cid() {
  ngtcp2_cid cid{};
  cid.datalen = kConnectionIdLength;
  random_bytes(cid.data, cid.datalen);
  return cid;
}

// What one datagram may carry to `remote`: the route's MTU minus the IP and
// UDP headers, within QUIC's 1200-byte minimum and the receive slot, and
// within the endpoint's own cap when it has one.
std::size_t udp_payload_for(const asio::ip::udp::endpoint& remote, std::size_t cap) {
  const std::size_t headers = remote.address().is_v6() ? 40 + 8 : 20 + 8;
  const auto mtu = platform::route_mtu(remote).value_or(kEthernetMtu);
  auto payload =
      std::clamp<std::size_t>(mtu > headers ? mtu - headers : 0, 1200, kLargestUdpPayload);
  if (cap != 0)
    payload = std::clamp<std::size_t>(cap, 1200, payload);
  return payload;
}

}  // namespace

// ngtcp2's C callbacks, forwarding to the connection.
struct Callbacks {
  static void rand(std::uint8_t* dest, std::size_t length, const ngtcp2_rand_ctx*) {
    random_bytes(dest, length);
  }

  static int get_new_connection_id(ngtcp2_conn*, ngtcp2_cid* cid, std::uint8_t* token,
                                   std::size_t length, void* user_data) {
    auto* self = core_of(user_data);
    cid->datalen = length;
    random_bytes(cid->data, length);
    if (!self->endpoint_.stateless_reset_token(*cid, token))
      return NGTCP2_ERR_CALLBACK_FAILURE;
    self->endpoint_.route(*cid, self->shared_from_this());
    return 0;
  }

  static int remove_connection_id(ngtcp2_conn*, const ngtcp2_cid* cid, void* user_data) {
    core_of(user_data)->endpoint_.unroute(*cid);
    return 0;
  }

  static int handshake_completed(ngtcp2_conn*, void* user_data) {
    auto* self = core_of(user_data);
    self->established_ = true;
    self->state_changed_.cancel();
    return 0;
  }

  static int stream_open(ngtcp2_conn*, std::int64_t stream_id, void* user_data) {
    auto* self = core_of(user_data);
    // Only the peer's bidirectional streams are requests for us to serve.
    if (!ngtcp2_is_bidi_stream(stream_id))
      return 0;
    auto stream = self->add_stream(stream_id);
    self->endpoint_.incoming_stream(self->shared_from_this(), std::move(stream));
    return 0;
  }

  static int recv_stream_data(ngtcp2_conn*, std::uint32_t flags, std::int64_t, std::uint64_t,
                              const std::uint8_t* data, std::size_t length, void*,
                              void* stream_user_data) {
    auto* stream = static_cast<StreamState*>(stream_user_data);
    if (stream == nullptr)
      return 0;
    stream->received.append({data, length});
    if ((flags & NGTCP2_STREAM_DATA_FLAG_FIN) != 0)
      stream->fin_received = true;
    stream->notify_readable();
    return 0;
  }

  static int acked_stream_data_offset(ngtcp2_conn*, std::int64_t, std::uint64_t offset,
                                      std::uint64_t length, void* user_data,
                                      void* stream_user_data) {
    auto* stream = static_cast<StreamState*>(stream_user_data);
    if (stream == nullptr)
      return 0;
    auto* self = core_of(user_data);
    const auto before = stream->outgoing.unacknowledged();
    stream->outgoing.acknowledge_to(offset + length, self->chunk_pool_);
    self->unacknowledged_ -= before - stream->outgoing.unacknowledged();
    if (self->unacknowledged_ == 0)
      self->chunk_pool_.clear();  // nothing in flight: no writer is busy
    if (stream->writer_waiting && !self->must_wait_to_write(*stream)) {
      stream->writer_waiting = false;
      stream->notify_writable();
    }
    if (self->writers_waiting_ && self->unacknowledged_ <= kMaxConnectionUnacknowledged)
      self->wake_writers();
    return 0;
  }

  static int stream_close(ngtcp2_conn* conn, std::uint32_t flags, std::int64_t stream_id,
                          std::uint64_t app_error_code, void* user_data, void* stream_user_data) {
    auto* self = core_of(user_data);
    if (auto* stream = static_cast<StreamState*>(stream_user_data)) {
      self->forget_unacknowledged(*stream);
      stream->closed = true;
      const bool reset =
          (flags & NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET) != 0 && app_error_code != kNoError;
      if (reset || !stream->fin_received)
        stream->error = TransportError::StreamReset;
      stream->notify();
    }
    self->streams_.erase(stream_id);
    // Keep the peer's allowance of concurrent streams constant.
    if (!ngtcp2_conn_is_local_stream(conn, stream_id) && ngtcp2_is_bidi_stream(stream_id)) {
      ngtcp2_conn_extend_max_streams_bidi(conn, 1);
    }
    return 0;
  }

  static int stream_reset(ngtcp2_conn*, std::int64_t, std::uint64_t, std::uint64_t, void*,
                          void* stream_user_data) {
    if (auto* stream = static_cast<StreamState*>(stream_user_data)) {
      stream->error = TransportError::StreamReset;
      stream->notify();
    }
    return 0;
  }

  static int extend_max_stream_data(ngtcp2_conn*, std::int64_t, std::uint64_t, void*,
                                    void* stream_user_data) {
    if (auto* stream = static_cast<StreamState*>(stream_user_data))
      stream->blocked = false;
    return 0;
  }

  static int extend_max_local_streams_bidi(ngtcp2_conn*, std::uint64_t, void* user_data) {
    core_of(user_data)->state_changed_.cancel();
    return 0;
  }

  static ngtcp2_callbacks make(bool server) {
    ngtcp2_callbacks callbacks{};
    if (server) {
      callbacks.recv_client_initial = ngtcp2_crypto_recv_client_initial_cb;
    } else {
      callbacks.client_initial = ngtcp2_crypto_client_initial_cb;
      callbacks.recv_retry = ngtcp2_crypto_recv_retry_cb;
    }
    callbacks.recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb;
    callbacks.encrypt = ngtcp2_crypto_encrypt_cb;
    callbacks.decrypt = ngtcp2_crypto_decrypt_cb;
    callbacks.hp_mask = ngtcp2_crypto_hp_mask_cb;
    callbacks.update_key = ngtcp2_crypto_update_key_cb;
    callbacks.delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb;
    callbacks.delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
    callbacks.get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb;
    callbacks.version_negotiation = ngtcp2_crypto_version_negotiation_cb;
    callbacks.rand = rand;
    callbacks.get_new_connection_id = get_new_connection_id;
    callbacks.remove_connection_id = remove_connection_id;
    callbacks.handshake_completed = handshake_completed;
    callbacks.stream_open = stream_open;
    callbacks.recv_stream_data = recv_stream_data;
    callbacks.acked_stream_data_offset = acked_stream_data_offset;
    callbacks.stream_close = stream_close;
    callbacks.stream_reset = stream_reset;
    callbacks.extend_max_stream_data = extend_max_stream_data;
    callbacks.extend_max_local_streams_bidi = extend_max_local_streams_bidi;
    return callbacks;
  }

  static int verify(gnutls_session_t session) {
    auto* ref = static_cast<ngtcp2_crypto_conn_ref*>(gnutls_session_get_ptr(session));
    return static_cast<ConnectionCore*>(ref->user_data)->verify_peer(session);
  }
};

std::uint64_t now_ns() {
  return to_ns(std::chrono::steady_clock::now().time_since_epoch());
}

StreamState::StreamState(std::weak_ptr<ConnectionCore> owner, std::int64_t stream_id,
                         const asio::any_io_executor& executor)
    : connection(std::move(owner)), id(stream_id), readable_(executor), writable_(executor) {}

ConnectionCore::ConnectionCore(EndpointCore& endpoint, const asio::ip::udp::endpoint& remote,
                               bool server, std::string expected_fingerprint)
    : endpoint_(endpoint),
      remote_(remote),
      local_(endpoint.local_endpoint()),
      server_(server),
      expected_fingerprint_(std::move(expected_fingerprint)),
      timer_(endpoint.executor()),
      state_changed_(endpoint.executor()),
      max_udp_payload_(udp_payload_for(remote, endpoint.options().max_udp_payload)),
      batch_(std::make_unique_for_overwrite<std::uint8_t[]>(kBatchBytes)) {}

ConnectionCore::~ConnectionCore() {
  if (conn_ != nullptr)
    ngtcp2_conn_del(conn_);
  if (tls_ != nullptr)
    gnutls_deinit(tls_);
}

ngtcp2_path ConnectionCore::path() {
  return ngtcp2_path{
      {const_cast<sockaddr*>(local_.data()), static_cast<ngtcp2_socklen>(local_.size())},
      {const_cast<sockaddr*>(remote_.data()), static_cast<ngtcp2_socklen>(remote_.size())},
      nullptr};
}

void ConnectionCore::create(const ngtcp2_cid& dcid, const ngtcp2_cid& scid,
                            const ngtcp2_pkt_hd* header) {
  const auto& options = endpoint_.options();
  ngtcp2_settings settings;
  ngtcp2_settings_default(&settings);
  settings.initial_ts = now_ns();
  settings.cc_algo = options.congestion_control == CongestionControl::Cubic ? NGTCP2_CC_ALGO_CUBIC
                                                                            : NGTCP2_CC_ALGO_BBR;
  settings.max_tx_udp_payload_size = max_udp_payload_;
  settings.no_tx_udp_payload_size_shaping = 1;
  settings.max_window = kMaxConnectionWindow;
  settings.max_stream_window = kMaxStreamWindow;
  settings.handshake_timeout = to_ns(options.handshake_timeout);

  ngtcp2_transport_params params;
  ngtcp2_transport_params_default(&params);
  params.initial_max_streams_bidi = options.max_streams_per_connection;
  params.initial_max_streams_uni = 0;
  params.initial_max_stream_data_bidi_local = kAnswerStreamWindow;
  params.initial_max_stream_data_bidi_remote = kRequestStreamWindow;
  params.initial_max_data = kConnectionWindow;
  params.max_udp_payload_size = max_udp_payload_;
  params.max_idle_timeout = to_ns(options.idle_timeout);

  auto callbacks = Callbacks::make(server_);
  auto network_path = path();
  int rv = 0;
  if (server_) {
    // No Retry or NEW_TOKEN: the client's token was not validated, so none
    // is passed on (1.x treats a set token as validated).
    params.original_dcid = header->dcid;
    params.original_dcid_present = 1;
    params.stateless_reset_token_present = 1;
    endpoint_.stateless_reset_token(scid, params.stateless_reset_token);
    rv = ngtcp2_conn_server_new(&conn_, &dcid, &scid, &network_path, header->version, &callbacks,
                                &settings, &params, nullptr, this);
  } else {
    rv = ngtcp2_conn_client_new(&conn_, &dcid, &scid, &network_path, NGTCP2_PROTO_VER_V1,
                                &callbacks, &settings, &params, nullptr, this);
  }
  if (rv != 0)
    throw std::runtime_error(std::string("ngtcp2 connection: ") + ngtcp2_strerror(rv));

  conn_ref_.get_conn = [](ngtcp2_crypto_conn_ref* ref) {
    return static_cast<ConnectionCore*>(ref->user_data)->conn_;
  };
  conn_ref_.user_data = this;
  tls_ = make_tls_session(server_, endpoint_.credentials(), options.alpn, &conn_ref_,
                          &Callbacks::verify);
  ngtcp2_conn_set_tls_native_handle(conn_, tls_);
}

std::shared_ptr<ConnectionCore> ConnectionCore::connect(EndpointCore& endpoint,
                                                        const asio::ip::udp::endpoint& remote,
                                                        std::string expected_fingerprint) {
  auto core =
      std::make_shared<ConnectionCore>(endpoint, remote, false, std::move(expected_fingerprint));
  const auto dcid = random_cid();
  const auto scid = random_cid();
  core->create(dcid, scid, nullptr);
  endpoint.route(scid, core);
  core->flush();
  return core;
}

std::shared_ptr<ConnectionCore> ConnectionCore::accept(EndpointCore& endpoint,
                                                       const asio::ip::udp::endpoint& remote,
                                                       const ngtcp2_pkt_hd& header) {
  auto core = std::make_shared<ConnectionCore>(endpoint, remote, true, std::string{});
  const auto scid = random_cid();
  core->create(header.scid, scid, &header);
  endpoint.route(scid, core);
  // The client keeps addressing us by the id it chose until it hears ours.
  endpoint.route(header.dcid, core);
  return core;
}

int ConnectionCore::verify_peer(gnutls_session_t session) {
  const auto fingerprint = certificate_fingerprint(peer_certificate_der(session));
  if (fingerprint.empty()) {
    spdlog::warn("refusing {}: it presented no usable certificate", remote_.address().to_string());
    return -1;
  }
  if (!expected_fingerprint_.empty() && fingerprint != expected_fingerprint_) {
    spdlog::warn("refusing {}: its key {} is not the key {} known for this peer",
                 remote_.address().to_string(), fingerprint, expected_fingerprint_);
    error_ = TransportError::IdentityMismatch;
    return -1;
  }
  peer_fingerprint_ = fingerprint;
  return 0;
}

std::shared_ptr<StreamState> ConnectionCore::add_stream(std::int64_t id) {
  auto stream = std::make_shared<StreamState>(weak_from_this(), id, endpoint_.executor());
  ngtcp2_conn_set_stream_user_data(conn_, id, stream.get());
  streams_.emplace(id, stream);
  return stream;
}

void ConnectionCore::on_datagram(std::span<const std::uint8_t> datagram,
                                 const ngtcp2_pkt_info& info) {
  if (terminated_)
    return;
  auto network_path = path();
  const int rv =
      ngtcp2_conn_read_pkt(conn_, &network_path, &info, datagram.data(), datagram.size(), now_ns());
  if (rv == NGTCP2_ERR_DRAINING) {
    terminate(established_ ? std::error_code(TransportError::ConnectionClosed)
                           : std::error_code(TransportError::HandshakeFailed),
              established_ ? "the peer closed the connection"
                           : "the peer refused the handshake (it may speak another protocol "
                             "version than " +
                                 endpoint_.options().alpn + ")");
    return;
  }
  if (rv != 0) {
    ngtcp2_ccerr error{};
    if (rv == NGTCP2_ERR_CRYPTO) {
      const auto alert = ngtcp2_conn_get_tls_alert(conn_);
      ngtcp2_ccerr_set_tls_alert(&error, alert, nullptr, 0);
      if (alert == kNoApplicationProtocolAlert) {
        spdlog::warn("refused {}: it does not speak {}", remote_.address().to_string(),
                     endpoint_.options().alpn);
      }
    } else {
      ngtcp2_ccerr_set_liberr(&error, rv, nullptr, 0);
    }
    send_connection_close(error);
    const auto code = error_ ? error_ : std::error_code(TransportError::HandshakeFailed);
    terminate(code, std::string("connection failed: ") + ngtcp2_strerror(rv));
    return;
  }
}

void ConnectionCore::schedule_flush() {
  if (flush_scheduled_ || terminated_)
    return;
  flush_scheduled_ = true;
  asio::post(endpoint_.executor(), [self = shared_from_this()] {
    self->flush_scheduled_ = false;
    self->flush();
  });
}

void ConnectionCore::flush() {
  if (terminated_)
    return;
  for (auto& [id, stream] : streams_)
    stream->blocked = false;
  if (!write_packets())
    return;
  arm_timer();
}

bool ConnectionCore::ready_to_write(const StreamState& stream) {
  const bool has_data = stream.outgoing.has_unsent() || (stream.fin_queued && !stream.fin_sent);
  return has_data && !stream.blocked && !stream.closed;
}

StreamState* ConnectionCore::stream_with_data() {
  // Round robin, a burst at a time: one large response cannot starve the
  // others, and the peer receives runs of one stream rather than a packet of
  // each in turn, so it wakes fewer readers per batch of packets.
  if (streams_.empty())
    return nullptr;
  if (burst_left_ > 0) {
    const auto current = streams_.find(write_cursor_);
    if (current != streams_.end() && ready_to_write(*current->second))
      return current->second.get();
  }
  auto it = streams_.upper_bound(write_cursor_);
  for (std::size_t visited = 0; visited < streams_.size(); ++visited) {
    if (it == streams_.end())
      it = streams_.begin();
    if (ready_to_write(*it->second)) {
      write_cursor_ = it->first;
      burst_left_ = kStreamBurst;
      return it->second.get();
    }
    ++it;
  }
  return nullptr;
}

bool ConnectionCore::write_packets() {
  ngtcp2_pkt_info info{};
  auto network_path = path();
  std::size_t budget = std::max<std::size_t>(ngtcp2_conn_get_send_quantum(conn_), max_udp_payload_);
  // The run being gathered in batch_: `packets` datagrams of `segment` bytes,
  // the last possibly shorter (which ends the run).
  std::size_t used = 0;
  std::size_t segment = 0;
  std::size_t packets = 0;
  bool socket_full = false;
  const auto send_run = [&] {
    if (packets > 0 && !send_batch(used, segment))
      socket_full = true;
    used = 0;
    packets = 0;
  };
  // Keep writing until ngtcp2 has nothing more it may send now: its pacing
  // deadline (the connection's expiry, which the timer waits for), its
  // congestion window, or no data.
  while (!socket_full) {
    if (used + max_udp_payload_ > kBatchBytes || packets == kBatchPackets)
      send_run();
    auto* stream = stream_with_data();
    std::array<ngtcp2_vec, 16> vectors{};
    std::size_t vector_count = 0;
    std::uint32_t flags = NGTCP2_WRITE_STREAM_FLAG_MORE;
    std::int64_t stream_id = -1;
    if (stream != nullptr) {
      stream_id = stream->id;
      vector_count = stream->outgoing.unsent(vectors);
      if (stream->fin_queued)
        flags |= NGTCP2_WRITE_STREAM_FLAG_FIN;
    }
    ngtcp2_ssize consumed = -1;
    const auto written = ngtcp2_conn_writev_stream(conn_, &network_path, &info, batch_.get() + used,
                                                   max_udp_payload_, &consumed, flags, stream_id,
                                                   vectors.data(), vector_count, now_ns());
    if (stream != nullptr && consumed >= 0) {
      stream->outgoing.mark_sent(static_cast<std::uint64_t>(consumed));
      burst_left_ -= std::min(burst_left_, static_cast<std::size_t>(consumed));
      if (stream->fin_queued && !stream->outgoing.has_unsent() &&
          (flags & NGTCP2_WRITE_STREAM_FLAG_FIN) != 0) {
        stream->fin_sent = true;
      }
    }
    if (written == NGTCP2_ERR_WRITE_MORE)
      continue;
    if (written == NGTCP2_ERR_STREAM_DATA_BLOCKED || written == NGTCP2_ERR_STREAM_SHUT_WR ||
        written == NGTCP2_ERR_STREAM_NOT_FOUND) {
      if (stream != nullptr)
        stream->blocked = true;
      continue;
    }
    if (written < 0) {
      send_run();
      ngtcp2_ccerr error{};
      ngtcp2_ccerr_set_liberr(&error, static_cast<int>(written), nullptr, 0);
      send_connection_close(error);
      terminate(TransportError::ConnectionClosed,
                std::string("cannot write: ") + ngtcp2_strerror(static_cast<int>(written)));
      return false;
    }
    if (written == 0)
      break;
    const auto size = static_cast<std::size_t>(written);
    if (packets > 0 && size > segment) {
      // Only the last datagram of a run may differ in size: send the run and
      // start a new one with this packet.
      const auto start = used;
      send_run();
      std::memmove(batch_.get(), batch_.get() + start, size);
    }
    if (packets == 0)
      segment = size;
    used += size;
    ++packets;
    if (size < segment)
      send_run();
    if (budget <= size) {
      // A full quantum went out: let ngtcp2 pace, then continue at once.
      ngtcp2_conn_update_pkt_tx_time(conn_, now_ns());
      budget = std::max<std::size_t>(ngtcp2_conn_get_send_quantum(conn_), max_udp_payload_);
    } else {
      budget -= size;
    }
  }
  if (!socket_full)
    send_run();
  ngtcp2_conn_update_pkt_tx_time(conn_, now_ns());
  return true;
}

bool ConnectionCore::send_batch(std::size_t bytes, std::size_t segment_size) {
  if (endpoint_.send(remote_, {batch_.get(), bytes}, segment_size) == platform::SendOutcome::Sent)
    return true;
  // What did not fit is lost to the network as far as QUIC knows; it
  // retransmits. Write again once the socket has room.
  endpoint_.flush_when_writable(shared_from_this());
  return false;
}

void ConnectionCore::arm_timer() {
  auto expiry = ngtcp2_conn_get_expiry(conn_);
  const auto now = now_ns();
  // ngtcp2 paces through this expiry, a send quantum at a time: at a gigabit
  // a deadline every half millisecond, each wake-up a timer and an epoll
  // round (hypervisor exits on a VM). A deadline closer than the timer
  // granularity is met at the granularity instead; ngtcp2 counts the
  // lateness and lets the next sends catch up, so the rate holds, in bursts
  // of about a millisecond. Loss and ACK timers lose nothing: RFC 9002
  // already gives them this granularity.
  if (expiry > now)
    expiry = std::max(expiry, now + kTimerGranularity);
  // Re-arming costs a syscall, and ngtcp2 moves its expiry on nearly every
  // packet. A timer that fires early finds nothing due and re-arms for the
  // real expiry, so only moving it earlier is urgent.
  if (expiry >= armed_expiry_)
    return;
  if (expiry <= now) {
    // Due already: no timer (and no syscall) needed to run it.
    if (!expiry_posted_) {
      expiry_posted_ = true;
      asio::post(endpoint_.executor(), [self = shared_from_this()] {
        self->expiry_posted_ = false;
        self->handle_timer();
      });
    }
    return;
  }
  armed_expiry_ = expiry;
  timer_.expires_after(std::chrono::nanoseconds(expiry - now));
  timer_.async_wait([weak = weak_from_this()](const std::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self)
      return;
    self->armed_expiry_ = UINT64_MAX;
    self->handle_timer();
  });
}

void ConnectionCore::handle_timer() {
  if (terminated_)
    return;
  const int rv = ngtcp2_conn_handle_expiry(conn_, now_ns());
  if (rv == NGTCP2_ERR_IDLE_CLOSE) {
    terminate(TransportError::IdleTimeout, "the peer stopped answering");
    return;
  }
  if (rv != 0) {
    ngtcp2_ccerr error{};
    ngtcp2_ccerr_set_liberr(&error, rv, nullptr, 0);
    send_connection_close(error);
    terminate(TransportError::HandshakeFailed,
              established_ ? std::string("connection failed: ") + ngtcp2_strerror(rv)
                           : "the peer did not complete the handshake in time");
    return;
  }
  flush();
}

void ConnectionCore::send_connection_close(const ngtcp2_ccerr& error) {
  if (conn_ == nullptr || ngtcp2_conn_in_closing_period(conn_) ||
      ngtcp2_conn_in_draining_period(conn_)) {
    return;
  }
  ngtcp2_pkt_info info{};
  auto network_path = path();
  const auto written = ngtcp2_conn_write_connection_close(conn_, &network_path, &info, batch_.get(),
                                                          max_udp_payload_, &error, now_ns());
  if (written > 0)
    send_batch(static_cast<std::size_t>(written), static_cast<std::size_t>(written));
}

void ConnectionCore::close() {
  if (terminated_)
    return;
  ngtcp2_ccerr error{};
  ngtcp2_ccerr_set_application_error(&error, kNoError, nullptr, 0);
  send_connection_close(error);
  terminate(TransportError::ConnectionClosed, "the connection was closed");
}

void ConnectionCore::terminate(std::error_code error, const std::string& reason) {
  if (terminated_)
    return;
  terminated_ = true;
  if (!error_)
    error_ = error;
  failure_reason_ = reason;
  timer_.cancel();
  state_changed_.cancel();
  unacknowledged_ = 0;
  chunk_pool_.clear();
  for (auto& [id, stream] : streams_) {
    stream->outgoing.clear();
    if (!stream->error)
      stream->error = error_;
    stream->closed = true;
    stream->notify();
  }
  streams_.clear();
  endpoint_.forget(*this);
}

asio::awaitable<void> ConnectionCore::wait_until_established() {
  auto self = shared_from_this();
  while (!established_ && !terminated_) {
    state_changed_.expires_at(asio::steady_timer::time_point::max());
    std::error_code ignored;
    co_await state_changed_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (terminated_)
    throw std::system_error(error_, failure_reason_);
}

asio::awaitable<std::shared_ptr<StreamState>> ConnectionCore::open_stream() {
  auto self = shared_from_this();
  co_await wait_until_established();
  for (;;) {
    if (terminated_)
      throw std::system_error(error_, failure_reason_);
    std::int64_t id = -1;
    const int rv = ngtcp2_conn_open_bidi_stream(conn_, &id, nullptr);
    if (rv == 0)
      co_return add_stream(id);
    if (rv != NGTCP2_ERR_STREAM_ID_BLOCKED) {
      throw std::system_error(TransportError::ConnectionClosed,
                              std::string("cannot open a stream: ") + ngtcp2_strerror(rv));
    }
    state_changed_.expires_at(asio::steady_timer::time_point::max());
    std::error_code ignored;
    co_await state_changed_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

void ConnectionCore::consume(StreamState& stream, std::size_t bytes) {
  if (terminated_ || bytes == 0)
    return;
  ngtcp2_conn_extend_max_stream_offset(conn_, stream.id, bytes);
  ngtcp2_conn_extend_max_offset(conn_, bytes);
  schedule_flush();
}

void ConnectionCore::queue(StreamState& stream, std::span<const std::uint8_t> bytes) {
  stream.outgoing.push(bytes, chunk_pool_);
  unacknowledged_ += bytes.size();
  schedule_flush();
}

std::vector<std::byte> ConnectionCore::take_buffer(std::size_t size) {
  return chunk_pool_.take(size);
}

void ConnectionCore::queue(StreamState& stream, std::vector<std::byte>&& chunk) {
  unacknowledged_ += chunk.size();
  stream.outgoing.push(std::move(chunk));
  schedule_flush();
}

bool ConnectionCore::must_wait_to_write(StreamState& stream) {
  if (terminated_ || stream.closed || stream.error)
    return false;  // the writer finds the failure itself
  if (stream.outgoing.unacknowledged() > kMaxStreamUnacknowledged) {
    stream.writer_waiting = true;
    return true;
  }
  if (unacknowledged_ > kMaxConnectionUnacknowledged) {
    stream.writer_waiting = true;
    writers_waiting_ = true;
    return true;
  }
  return false;
}

void ConnectionCore::wake_writers() {
  writers_waiting_ = false;
  for (auto& [id, stream] : streams_) {
    if (stream->writer_waiting && stream->outgoing.unacknowledged() <= kMaxStreamUnacknowledged) {
      stream->writer_waiting = false;
      stream->notify_writable();
    }
  }
}

void ConnectionCore::forget_unacknowledged(StreamState& stream) {
  unacknowledged_ -= stream.outgoing.unacknowledged();
  stream.outgoing.clear();
  if (unacknowledged_ == 0)
    chunk_pool_.clear();
  if (writers_waiting_ && unacknowledged_ <= kMaxConnectionUnacknowledged)
    wake_writers();
}

void ConnectionCore::stop_reading(StreamState& stream) {
  if (terminated_ || stream.closed)
    return;
  ngtcp2_conn_shutdown_stream_read(conn_, 0, stream.id, kStreamAbandoned);
  stream.received.clear();
  stream.held = 0;
  schedule_flush();
}

void ConnectionCore::shutdown_stream(StreamState& stream) {
  if (terminated_ || stream.closed)
    return;
  ngtcp2_conn_shutdown_stream(conn_, 0, stream.id, kStreamAbandoned);
  // Our own reader and writer stop now, not when the peer acknowledges: the
  // stream was abandoned on purpose (a cancelled or duplicate transfer).
  if (!stream.error)
    stream.error = TransportError::StreamReset;
  stream.notify();
  schedule_flush();
}

}  // namespace lanspread::transport
