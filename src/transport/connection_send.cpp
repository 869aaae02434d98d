#include <asio/post.hpp>
#include <cstring>

#include "transport/connection_constants.hpp"
#include "transport/connection_core.hpp"
#include "transport/endpoint_core.hpp"
#include "transport/errors.hpp"

// The sending half of a ConnectionCore: the write loop that turns queued
// stream bytes into paced, batched datagrams, and the bookkeeping that bounds
// what writers may queue before the peer acknowledges it.
namespace lanspread::transport {

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
