#include "transport/connection_core.hpp"

#include <ngtcp2/ngtcp2_crypto_gnutls.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>

#include "platform/path_mtu.hpp"
#include "platform/udp_batch.hpp"
#include "transport/connection_callbacks.hpp"
#include "transport/connection_constants.hpp"
#include "transport/endpoint_core.hpp"
#include "transport/errors.hpp"
#include "transport/identity.hpp"
#include "transport/tls.hpp"

namespace lanspread::transport {
namespace {

std::uint64_t to_ns(std::chrono::steady_clock::duration d) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
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

  auto callbacks = connection_callbacks(server_);
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
                          &verify_peer_certificate);
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

void ConnectionCore::arm_timer() {
  const auto expiry = ngtcp2_conn_get_expiry(conn_);
  const auto now = now_ns();
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

}  // namespace lanspread::transport
