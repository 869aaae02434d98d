#include "transport/endpoint.hpp"

#include <gtest/gtest.h>

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cstring>
#include <memory>
#include <optional>

#include "async/wakeup.hpp"
#include "support/run_coroutine.hpp"
#include "support/temp_dir.hpp"
#include "support/test_child.hpp"
#include "transport/errors.hpp"
#include "transport/identity.hpp"

namespace lanspread::transport {
namespace {
using namespace std::chrono_literals;
using asio::awaitable;
using asio::ip::udp;

const udp::endpoint kLoopback{asio::ip::address_v4::loopback(), 0};

EndpointOptions server_options() {
  EndpointOptions options;
  options.bind = kLoopback;
  options.idle_timeout = 2s;
  return options;
}

EndpointOptions client_options() {
  auto options = server_options();
  options.accept_incoming = false;
  return options;
}

// A deterministic byte pattern, so both sides can produce and check it.
std::vector<std::byte> pattern(std::size_t size, std::uint32_t seed) {
  std::vector<std::byte> bytes(size);
  std::uint64_t state = seed;
  for (auto& b : bytes) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // an LCG: cheap, varied
    b = static_cast<std::byte>(state >> 56);
  }
  return bytes;
}

// Request "echo": the reply is the request. Request "send <n>": the reply is
// pattern(n, n). Request "stall": sends 1 KiB, then waits forever.
awaitable<void> serve(Connection, Stream stream) {
  const auto request = co_await stream.read_all(1 << 20);
  if (request.starts_with("send ")) {
    const auto size = std::stoull(request.substr(5));
    const auto bytes = pattern(size, static_cast<std::uint32_t>(size));
    for (std::size_t offset = 0; offset < size; offset += 256 * 1024) {
      const auto n = std::min<std::size_t>(256 * 1024, size - offset);
      co_await stream.write(std::span(bytes).subspan(offset, n));
    }
  } else if (request == "stall") {
    const std::string first_kib(1024, 'x');
    co_await stream.write(first_kib);
    asio::steady_timer forever(co_await asio::this_coro::executor, 1h);
    co_await forever.async_wait(asio::use_awaitable);
  } else {
    co_await stream.write(request);
  }
  stream.finish();
}

awaitable<std::string> request(Connection connection, std::string text) {
  auto stream = co_await connection.open_stream();
  co_await stream.write(text);
  stream.finish();
  co_return co_await stream.read_all(1 << 30);
}

class EndpointTest : public ::testing::Test {
 protected:
  test::TempDir server_state_;
  test::TempDir client_state_;
  Identity server_identity_ = load_or_create_identity(server_state_.path()).value();
  Identity client_identity_ = load_or_create_identity(client_state_.path()).value();
  asio::io_context io_;
};

TEST_F(EndpointTest, HandshakeAuthenticatesBothSides) {
  std::string seen_by_server;
  Endpoint server(io_, server_identity_, server_options(),
                  [&](Connection c, Stream s) -> awaitable<void> {
                    seen_by_server = c.peer_fingerprint();
                    co_await serve(c, std::move(s));
                  });
  Endpoint client(io_, client_identity_, client_options());
  const auto reply = test::run_coroutine(io_, [&]() -> awaitable<std::string> {
    auto connection = co_await client.connect(server.local_endpoint());
    EXPECT_EQ(connection.peer_fingerprint(), server_identity_.fingerprint);
    co_return co_await request(connection, "hello");
  }());
  EXPECT_EQ(reply, "hello");
  EXPECT_EQ(seen_by_server, client_identity_.fingerprint);
}

TEST_F(EndpointTest, PinnedKeyMustMatch) {
  Endpoint server(io_, server_identity_, server_options(), serve);
  Endpoint client(io_, client_identity_, client_options());
  const auto wrong = client_identity_.fingerprint;  // any key but the server's
  try {
    test::run_coroutine(io_, [&]() -> awaitable<int> {
      co_await client.connect(server.local_endpoint(), wrong);
      co_return 0;
    }());
    FAIL() << "connected to a peer with the wrong key";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::error_code(TransportError::IdentityMismatch)) << e.what();
  }
  // The right pin connects.
  EXPECT_EQ(test::run_coroutine(io_,
                                [&]() -> awaitable<std::string> {
                                  auto c = co_await client.connect(server.local_endpoint(),
                                                                   server_identity_.fingerprint);
                                  co_return co_await request(c, "pinned");
                                }()),
            "pinned");
}

TEST_F(EndpointTest, ManyConcurrentStreamsOnOneConnection) {
  Endpoint server(io_, server_identity_, server_options(), serve);
  Endpoint client(io_, client_identity_, client_options());
  const auto replies = test::run_coroutine(io_, [&]() -> awaitable<std::vector<std::string>> {
    auto connection = co_await client.connect(server.local_endpoint());
    constexpr int kStreams = 200;  // more than the 64 the server allows at once
    std::vector<std::string> results(kStreams);
    int finished = 0;
    asio::steady_timer all_done(co_await asio::this_coro::executor, 1h);
    for (int i = 0; i < kStreams; ++i) {
      asio::co_spawn(
          co_await asio::this_coro::executor,
          [&, i]() -> awaitable<void> {
            auto text = "stream " + std::to_string(i);
            results[static_cast<std::size_t>(i)] = co_await request(connection, std::move(text));
            if (++finished == kStreams)
              all_done.cancel();
          },
          asio::detached);
    }
    std::error_code ignored;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    co_return results;
  }());
  for (std::size_t i = 0; i < replies.size(); ++i) {
    EXPECT_EQ(replies[i], "stream " + std::to_string(i));
  }
}

TEST_F(EndpointTest, LargeTransferIsByteIdentical) {
  Endpoint server(io_, server_identity_, server_options(), serve);
  Endpoint client(io_, client_identity_, client_options());
  constexpr std::size_t kSize = 64 * 1024 * 1024 + 12345;
  const auto reply = test::run_coroutine(io_, [&]() -> awaitable<std::string> {
    auto connection = co_await client.connect(server.local_endpoint());
    co_return co_await request(connection, "send " + std::to_string(kSize));
  }());
  ASSERT_EQ(reply.size(), kSize);
  const auto expected = pattern(kSize, static_cast<std::uint32_t>(kSize));
  EXPECT_EQ(std::memcmp(reply.data(), expected.data(), kSize), 0);
}

// A plain UDP relay between one client and a server, on loopback: it
// forwards every datagram and records the largest one the server sent.
// Datagrams from anyone else (other tests run in parallel on loopback) are
// dropped: the server side is a connected socket, the client is the first
// sender heard.
//
// The receives still pending when the relay goes complete later, and not
// always with operation_aborted (under wine, with another error), so they
// own the sockets and buffers rather than point into the relay: the next
// relay may be built at the same address, and a late handler must not
// receive into it.
class Relay {
 public:
  Relay(asio::io_context& io, udp::endpoint server) : state_(std::make_shared<State>(io)) {
    state_->back.connect(server);
    from_client(state_);
    from_server(state_);
  }
  ~Relay() {
    std::error_code ignored;
    state_->front.close(ignored);
    state_->back.close(ignored);
  }
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  udp::endpoint address() const { return state_->front.local_endpoint(); }
  std::size_t largest_from_server() const { return state_->largest_from_server; }

 private:
  struct State {
    explicit State(asio::io_context& io) : front(io, kLoopback), back(io, kLoopback) {}
    udp::socket front;
    udp::socket back;
    udp::endpoint sender;
    std::optional<udp::endpoint> client;
    std::array<std::byte, 65536> up{};
    std::array<std::byte, 65536> down{};
    std::size_t largest_from_server = 0;
  };

  static void from_client(std::shared_ptr<State> state) {
    auto& s = *state;
    s.front.async_receive_from(asio::buffer(s.up), s.sender,
                               [state](std::error_code e, std::size_t n) {
                                 if (e)
                                   return;
                                 if (!state->client)
                                   state->client = state->sender;
                                 std::error_code ignored;
                                 if (state->sender == *state->client)
                                   state->back.send(asio::buffer(state->up.data(), n), 0, ignored);
                                 from_client(state);
                               });
  }
  static void from_server(std::shared_ptr<State> state) {
    auto& s = *state;
    s.back.async_receive(asio::buffer(s.down), [state](std::error_code e, std::size_t n) {
      if (e == asio::error::operation_aborted || !state->back.is_open())
        return;
      if (!e && state->client) {
        state->largest_from_server = std::max(state->largest_from_server, n);
        std::error_code ignored;
        state->front.send_to(asio::buffer(state->down.data(), n), *state->client, 0, ignored);
      }
      from_server(state);
    });
  }

  std::shared_ptr<State> state_;
};

std::size_t largest_datagram_of_a_transfer(asio::io_context& io, const Identity& server_identity,
                                           const Identity& client_identity,
                                           std::size_t client_cap) {
  Endpoint server(io, server_identity, server_options(), serve);
  Relay relay(io, server.local_endpoint());
  auto options = client_options();
  options.max_udp_payload = client_cap;
  Endpoint client(io, client_identity, options);
  constexpr std::size_t kSize = 4 * 1024 * 1024;
  const auto reply = test::run_coroutine(io, [&]() -> awaitable<std::string> {
    auto connection = co_await client.connect(relay.address());
    co_return co_await request(connection, "send " + std::to_string(kSize));
  }());
  EXPECT_EQ(reply.size(), kSize);
  return relay.largest_from_server();
}

// Datagrams are as large as the route allows (loopback: the 16 KiB cap), and
// a peer's own limit, sent in its transport parameters, holds for the other.
TEST_F(EndpointTest, DatagramsAreAsLargeAsTheRouteAndThePeerAllow) {
  EXPECT_EQ(largest_datagram_of_a_transfer(io_, server_identity_, client_identity_, 0), 16u * 1024);
  EXPECT_EQ(largest_datagram_of_a_transfer(io_, server_identity_, client_identity_, 1472), 1472u);
}

// Both ends without segmentation offload: the fallback path moves the same
// bytes, and views still span many packets.
TEST_F(EndpointTest, ViewsAndTheFallbackPathDeliverEveryByteInOrder) {
  auto without_offload = server_options();
  without_offload.segmentation_offload = false;
  Endpoint server(io_, server_identity_, without_offload, serve);
  without_offload.accept_incoming = false;
  Endpoint client(io_, client_identity_, without_offload);
  constexpr std::size_t kSize = 8 * 1024 * 1024 + 777;
  std::vector<std::byte> received;
  std::size_t largest_view = 0;
  test::run_coroutine(io_, [&]() -> awaitable<int> {
    auto connection = co_await client.connect(server.local_endpoint());
    auto stream = co_await connection.open_stream();
    const auto request_text = "send " + std::to_string(kSize);
    co_await stream.write(request_text);
    stream.finish();
    for (;;) {
      const auto view = co_await stream.read_view();
      if (view.empty())
        break;
      largest_view = std::max(largest_view, view.size());
      received.insert(received.end(), view.begin(), view.end());
    }
    co_return 0;
  }());
  ASSERT_EQ(received.size(), kSize);
  EXPECT_TRUE(received == pattern(kSize, static_cast<std::uint32_t>(kSize)));
  // Far more than one packet's payload at a time.
  EXPECT_GT(largest_view, 16u * 1452);
}

TEST_F(EndpointTest, ClientOfAnotherProtocolVersionIsRefusedQuickly) {
  Endpoint server(io_, server_identity_, server_options(), serve);
  auto options = client_options();
  options.alpn = "lanspread/999";
  Endpoint client(io_, client_identity_, options);
  const auto start = std::chrono::steady_clock::now();
  try {
    test::run_coroutine(io_, [&]() -> awaitable<int> {
      co_await client.connect(server.local_endpoint());
      co_return 0;
    }());
    FAIL() << "a client of another version connected";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::error_code(TransportError::HandshakeFailed)) << e.what();
    EXPECT_NE(std::string(e.what()).find("another protocol version"), std::string::npos)
        << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(EndpointTest, ManyClientsAtOnce) {
  Endpoint server(io_, server_identity_, server_options(), serve);
  constexpr int kClients = 24;
  std::vector<std::unique_ptr<Endpoint>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Endpoint>(io_, client_identity_, client_options()));
  }
  const auto ok = test::run_coroutine(io_, [&]() -> awaitable<int> {
    int finished = 0;
    int correct = 0;
    asio::steady_timer all_done(co_await asio::this_coro::executor, 1h);
    for (int i = 0; i < kClients; ++i) {
      asio::co_spawn(
          co_await asio::this_coro::executor,
          [&, i]() -> awaitable<void> {
            auto c =
                co_await clients[static_cast<std::size_t>(i)]->connect(server.local_endpoint());
            const auto text = "client " + std::to_string(i);
            if (co_await request(c, text) == text)
              ++correct;
            if (++finished == kClients)
              all_done.cancel();
          },
          asio::detached);
    }
    std::error_code ignored;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    co_return correct;
  }());
  EXPECT_EQ(ok, kClients);
  EXPECT_EQ(server.connection_count(), static_cast<std::size_t>(kClients));
}

// The server runs in a child process that is killed mid-stream: no goodbye
// reaches the client, which must still fail in bounded time.
TEST_F(EndpointTest, AbandoningAStreamWakesItsOwnReaderAtOnce) {
  Endpoint server(io_, server_identity_, server_options(), serve);
  Endpoint client(io_, client_identity_, client_options());
  std::error_code error;
  test::run_coroutine(io_, [&]() -> awaitable<int> {
    auto connection = co_await client.connect(server.local_endpoint());
    auto stream = co_await connection.open_stream();
    co_await stream.write(std::string_view("stall"));
    stream.finish();
    std::array<std::byte, 1024> buffer{};
    co_await stream.read_some(buffer);  // the server now sends nothing more
    const auto executor = co_await asio::this_coro::executor;
    async::Wakeup reader_done(executor);
    auto reader = [&error, &reader_done](Stream waiting) -> awaitable<void> {
      std::array<std::byte, 1024> more{};
      try {
        co_await waiting.read_some(more);
      } catch (const std::system_error& e) {
        error = e.code();
      }
      reader_done.notify();
    };
    asio::co_spawn(executor, reader(stream), asio::detached);
    co_await asio::post(executor, asio::use_awaitable);  // the reader is waiting now
    stream.reset();
    co_await reader_done.wait();
    co_return 0;
  }());
  EXPECT_EQ(error, std::error_code(TransportError::StreamReset));
}

TEST_F(EndpointTest, VanishedPeerFailsTheStreamInBoundedTime) {
  // The server's process is killed: no goodbye, no reset, only silence.
  test::TestChild server_process({&server_state_}, [this] {
    asio::io_context io;
    Endpoint server(io, load_or_create_identity(server_state_.path()).value(), server_options(),
                    serve);
    test::tell_parent(std::to_string(server.local_endpoint().port()));
    io.run();
  });
  const auto port = server_process.next_message(60s);
  ASSERT_TRUE(port.has_value()) << server_process.output();

  Endpoint client(io_, client_identity_, client_options());
  const udp::endpoint server_address{asio::ip::address_v4::loopback(),
                                     static_cast<std::uint16_t>(std::stoi(*port))};
  std::chrono::steady_clock::time_point killed_at;
  std::error_code error;
  test::run_coroutine(io_, [&]() -> awaitable<int> {
    auto connection = co_await client.connect(server_address);
    EXPECT_EQ(connection.peer_fingerprint(), server_identity_.fingerprint);
    auto stream = co_await connection.open_stream();
    co_await stream.write(std::string_view("stall"));
    stream.finish();
    std::array<std::byte, 1024> buffer{};
    co_await stream.read_some(buffer);  // the server is mid-stream now
    server_process.kill();
    killed_at = std::chrono::steady_clock::now();
    try {
      while (co_await stream.read_some(buffer) > 0) {
      }
    } catch (const std::system_error& e) {
      error = e.code();
    }
    co_return 0;
  }());
  const auto end = server_process.wait(30s);
  ASSERT_TRUE(end.has_value());
  EXPECT_TRUE(end->killed) << server_process.output();
  EXPECT_EQ(error, std::error_code(TransportError::IdleTimeout));
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 5s);
}

}  // namespace
}  // namespace lanspread::transport
