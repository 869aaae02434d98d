#include "transport/endpoint_core.hpp"

#include <gnutls/crypto.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <spdlog/spdlog.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <cstring>

#include "transport/connection_core.hpp"
#include "transport/identity.hpp"

namespace lanspread::transport {
namespace {

// Socket buffers large enough to absorb a burst at LAN speed.
constexpr int kSocketBufferBytes = 8 * 1024 * 1024;

std::string key_of(const ngtcp2_cid& cid) {
  return {reinterpret_cast<const char*>(cid.data), cid.datalen};
}

std::string key_of(const std::uint8_t* data, std::size_t length) {
  return {reinterpret_cast<const char*>(data), length};
}

}  // namespace

EndpointCore::EndpointCore(asio::io_context& io, const Identity& identity, EndpointOptions options,
                           StreamHandler on_stream)
    : options_(std::move(options)),
      credentials_(identity),
      on_stream_(std::move(on_stream)),
      socket_(io, options_.bind),
      batch_(socket_.native_handle(), options_.segmentation_offload) {
  local_ = socket_.local_endpoint();
  socket_.non_blocking(true);
  socket_.set_option(asio::socket_base::receive_buffer_size(kSocketBufferBytes));
  socket_.set_option(asio::socket_base::send_buffer_size(kSocketBufferBytes));
  // Reset tokens must survive restarts, so derive the secret from the
  // install's private key rather than from fresh randomness.
  const std::string input = "lanspread stateless reset\n" + identity.private_key_pem;
  gnutls_hash_fast(GNUTLS_DIG_SHA256, input.data(), input.size(), reset_secret_.data());
}

void EndpointCore::start() {
  asio::co_spawn(
      executor(), [self = shared_from_this()] { return self->receive_loop(); }, asio::detached);
}

void EndpointCore::close() {
  if (closed_)
    return;
  // Closing a connection removes its routes; copy the set first.
  std::vector<std::shared_ptr<ConnectionCore>> connections;
  for (const auto& [cid, connection] : routes_) {
    if (std::find(connections.begin(), connections.end(), connection) == connections.end()) {
      connections.push_back(connection);
    }
  }
  // Before the socket is marked closed, so every peer gets its
  // CONNECTION_CLOSE and notices at once instead of at its idle timeout.
  for (const auto& connection : connections)
    connection->close();
  closed_ = true;
  routes_.clear();
  write_blocked_.clear();
  std::error_code ignored;
  socket_.close(ignored);
}

std::size_t EndpointCore::connection_count() const {
  std::vector<const ConnectionCore*> seen;
  for (const auto& [cid, connection] : routes_) {
    if (std::find(seen.begin(), seen.end(), connection.get()) == seen.end()) {
      seen.push_back(connection.get());
    }
  }
  return seen.size();
}

asio::awaitable<void> EndpointCore::receive_loop() {
  auto self = shared_from_this();
  asio::ip::udp::endpoint from;
  while (!closed_) {
    std::error_code ec;
    // One batch (up to ~1 MiB), then flush each touched connection once:
    // flushing per datagram would re-arm timers and send ACKs per packet.
    const auto datagrams = batch_.receive(ec);
    if (datagrams.empty()) {
      // Nothing queued (or an ICMP error from a vanished peer, which is no
      // reason to stop): wait until the socket is readable.
      co_await socket_.async_wait(asio::ip::udp::socket::wait_read,
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted)
        break;
      continue;
    }
    for (const auto& datagram : datagrams) {
      if (closed_)
        break;
      if (static_cast<std::size_t>(datagram.from_length) > from.capacity())
        continue;
      std::memcpy(from.data(), datagram.from, datagram.from_length);
      from.resize(datagram.from_length);
      if (auto connection = dispatch(datagram.bytes, from))
        touch(std::move(connection));
    }
    flush_touched();
    // Let the streams and timers run before the next batch; try it without
    // a poll first, since under load more is usually queued.
    co_await asio::post(executor(), asio::use_awaitable);
  }
}

void EndpointCore::flush_touched() {
  for (auto& connection : touched_)
    connection->flush();
  touched_.clear();
}

void EndpointCore::touch(std::shared_ptr<ConnectionCore> connection) {
  if (std::find(touched_.begin(), touched_.end(), connection) == touched_.end()) {
    touched_.push_back(std::move(connection));
  }
}

std::shared_ptr<ConnectionCore> EndpointCore::dispatch(std::span<const std::uint8_t> datagram,
                                                       const asio::ip::udp::endpoint& from) {
  ngtcp2_version_cid version_cid{};
  const int rv = ngtcp2_pkt_decode_version_cid(&version_cid, datagram.data(), datagram.size(),
                                               kConnectionIdLength);
  if (rv == NGTCP2_ERR_VERSION_NEGOTIATION) {
    send_version_negotiation(version_cid, from);
    return nullptr;
  }
  if (rv != 0)
    return nullptr;  // not QUIC: drop

  const auto route = routes_.find(key_of(version_cid.dcid, version_cid.dcidlen));
  if (route != routes_.end()) {
    auto connection = route->second;  // it may unroute itself while handling
    connection->on_datagram(datagram, ngtcp2_pkt_info{});
    return connection;
  }
  if (version_cid.version == 0) {
    ngtcp2_cid dcid{};
    ngtcp2_cid_init(&dcid, version_cid.dcid, version_cid.dcidlen);
    send_stateless_reset(datagram, dcid, from);
    return nullptr;
  }
  if (!options_.accept_incoming)
    return nullptr;
  ngtcp2_pkt_hd header{};
  if (ngtcp2_accept(&header, datagram.data(), datagram.size()) != 0)
    return nullptr;
  if (connection_count() >= options_.max_connections) {
    spdlog::warn("refusing a connection from {}: {} connections already open",
                 from.address().to_string(), options_.max_connections);
    return nullptr;
  }
  try {
    auto connection = ConnectionCore::accept(*this, from, header);
    connection->on_datagram(datagram, ngtcp2_pkt_info{});
    return connection;
  } catch (const std::exception& e) {
    spdlog::warn("cannot accept a connection from {}: {}", from.address().to_string(), e.what());
    return nullptr;
  }
}

void EndpointCore::send(const asio::ip::udp::endpoint& to, std::span<const std::uint8_t> datagram) {
  // A lost datagram is QUIC's business: it retransmits.
  send(to, datagram, datagram.size());
}

platform::SendOutcome EndpointCore::send(const asio::ip::udp::endpoint& to,
                                         std::span<const std::uint8_t> payload,
                                         std::size_t segment_size) {
  if (closed_)
    return platform::SendOutcome::Sent;
  const bool offload = batch_.send_offload();
  const auto outcome =
      batch_.send(to.data(), static_cast<socklen_t>(to.size()), payload, segment_size);
  if (offload && !batch_.send_offload())
    spdlog::info("UDP segmentation offload refused here; sending datagrams one by one");
  return outcome;
}

void EndpointCore::flush_when_writable(std::shared_ptr<ConnectionCore> connection) {
  if (std::find(write_blocked_.begin(), write_blocked_.end(), connection) == write_blocked_.end())
    write_blocked_.push_back(std::move(connection));
  if (waiting_writable_ || closed_)
    return;
  waiting_writable_ = true;
  socket_.async_wait(asio::ip::udp::socket::wait_write,
                     [self = shared_from_this()](const std::error_code& ec) {
                       self->waiting_writable_ = false;
                       auto blocked = std::move(self->write_blocked_);
                       self->write_blocked_.clear();
                       if (ec || self->closed_)
                         return;
                       for (auto& waiting : blocked)
                         waiting->flush();
                     });
}

void EndpointCore::route(const ngtcp2_cid& cid, const std::shared_ptr<ConnectionCore>& connection) {
  routes_[key_of(cid)] = connection;
}

void EndpointCore::unroute(const ngtcp2_cid& cid) {
  routes_.erase(key_of(cid));
}

void EndpointCore::forget(const ConnectionCore& connection) {
  std::erase_if(routes_, [&](const auto& item) { return item.second.get() == &connection; });
}

bool EndpointCore::stateless_reset_token(const ngtcp2_cid& cid, std::uint8_t* token) const {
  return ngtcp2_crypto_generate_stateless_reset_token(token, reset_secret_.data(),
                                                      reset_secret_.size(), &cid) == 0;
}

void EndpointCore::send_stateless_reset(std::span<const std::uint8_t> datagram,
                                        const ngtcp2_cid& dcid, const asio::ip::udp::endpoint& to) {
  // A reset must be smaller than what provoked it, so resets cannot loop.
  constexpr std::size_t kMinResetLength =
      NGTCP2_MIN_STATELESS_RESET_RANDLEN + 1 + NGTCP2_STATELESS_RESET_TOKENLEN;
  if (datagram.size() <= kMinResetLength + 1)
    return;
  std::array<std::uint8_t, NGTCP2_STATELESS_RESET_TOKENLEN> token{};
  if (!stateless_reset_token(dcid, token.data()))
    return;
  std::array<std::uint8_t, NGTCP2_MIN_STATELESS_RESET_RANDLEN> random{};
  gnutls_rnd(GNUTLS_RND_NONCE, random.data(), random.size());
  std::array<std::uint8_t, kMinResetLength> packet{};
  const auto written = ngtcp2_pkt_write_stateless_reset(packet.data(), packet.size(), token.data(),
                                                        random.data(), random.size());
  if (written > 0)
    send(to, {packet.data(), static_cast<std::size_t>(written)});
}

void EndpointCore::send_version_negotiation(const ngtcp2_version_cid& version_cid,
                                            const asio::ip::udp::endpoint& to) {
  std::array<std::uint8_t, 256> packet{};
  const std::uint32_t versions[] = {NGTCP2_PROTO_VER_V1};
  std::uint8_t unused_bits = 0;
  gnutls_rnd(GNUTLS_RND_NONCE, &unused_bits, 1);
  const auto written = ngtcp2_pkt_write_version_negotiation(
      packet.data(), packet.size(), unused_bits, version_cid.scid, version_cid.scidlen,
      version_cid.dcid, version_cid.dcidlen, versions, 1);
  if (written > 0)
    send(to, {packet.data(), static_cast<std::size_t>(written)});
}

void EndpointCore::incoming_stream(std::shared_ptr<ConnectionCore> connection,
                                   std::shared_ptr<StreamState> stream) {
  if (!on_stream_) {
    connection->shutdown_stream(*stream);
    return;
  }
  asio::co_spawn(
      executor(),
      [handler = on_stream_, connection = std::move(connection),
       stream = std::move(stream)]() mutable {
        return handler(Connection(std::move(connection)), Stream(std::move(stream)));
      },
      [](const std::exception_ptr& error) {
        if (!error)
          return;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::debug("stream handler ended: {}", e.what());
        }
      });
}

}  // namespace lanspread::transport
