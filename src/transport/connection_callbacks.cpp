#include "transport/connection_callbacks.hpp"

#include <gnutls/crypto.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>

#include "transport/connection_constants.hpp"
#include "transport/connection_core.hpp"
#include "transport/endpoint_core.hpp"
#include "transport/errors.hpp"

namespace lanspread::transport {
namespace {

ConnectionCore* core_of(void* user_data) {
  return static_cast<ConnectionCore*>(user_data);
}

}  // namespace

void random_bytes(std::uint8_t* dest, std::size_t length) {
  gnutls_rnd(GNUTLS_RND_RANDOM, dest, length);
}

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

ngtcp2_callbacks connection_callbacks(bool server) {
  return Callbacks::make(server);
}

int verify_peer_certificate(gnutls_session_t session) {
  return Callbacks::verify(session);
}

}  // namespace lanspread::transport
