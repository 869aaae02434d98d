// Pulls one large file over loopback with Lanspread's QUIC (one stream, and
// 16 concurrent chunk streams; with the datagrams loopback allows and with
// Ethernet-size ones) next to a plain TCP copy and a TLS 1.3 over
// TCP copy with the same GnuTLS, interleaved over several rounds, and prints
// medians: MB/s, CPU seconds per GiB (client and server together: both run
// in this process) and the ratio to each baseline.
//
//   build/release/bench/transport_bench [--size-mib 2048] [--rounds 3] [--only QUIC]

#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "peer/catalog/catalog.hpp"
#include "peer/services/game_client.hpp"
#include "peer/services/game_server.hpp"
#include "transport/endpoint.hpp"
#include "transport/identity.hpp"

namespace fs = std::filesystem;
using namespace lanspread;
using asio::awaitable;

namespace {

constexpr const char* kGame = "cs16";
constexpr const char* kFile = "payload.bin";
constexpr std::size_t kEthernetPayload = 1500 - 20 - 8;  // IPv4 and UDP headers

struct Figures {
  double seconds = 0;
  double cpu_seconds = 0;
};

double cpu_now() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto tv = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

template <class F>
Figures measure(F&& run) {
  const auto cpu = cpu_now();
  const auto start = std::chrono::steady_clock::now();
  run();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          cpu_now() - cpu};
}

void make_file(const fs::path& file, std::uint64_t size) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  std::vector<char> block(1 << 20);
  std::uint64_t state = 42;
  for (std::uint64_t done = 0; done < size; done += block.size()) {
    for (auto& c : block) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      c = static_cast<char>(state >> 56);
    }
    out.write(block.data(),
              static_cast<std::streamsize>(std::min<std::uint64_t>(block.size(), size - done)));
  }
}

// --- QUIC: the real server component and client ---------------------------

class QuicRig {
 public:
  QuicRig(const fs::path& games, const transport::Identity& identity)
      : server_(
            catalog_,
            [games, announced = std::make_shared<const std::vector<proto::Game>>(
                        1, proto::Game{.id = kGame, .name = "bench", .version = "1"})] {
              return peer::GameServer::Library{games, announced};
            },
            reads_),
        endpoint_(server_io_, identity, {.bind = {asio::ip::address_v4::loopback(), 0}},
                  [this](transport::Connection c, transport::Stream s) {
                    return server_.serve(std::move(c), std::move(s));
                  }),
        guard_(asio::make_work_guard(server_io_)),
        thread_([this] { server_io_.run(); }) {}

  ~QuicRig() {
    asio::post(server_io_, [this] { endpoint_.close(); });
    guard_.reset();
    server_io_.stop();
    thread_.join();
  }

  // Pulls [0, size) as `streams` equal ranges at once; returns bytes received.
  // A `max_udp_payload` other than 0 caps the datagrams both ways (the
  // client tells the server its limit).
  std::uint64_t pull(const transport::Identity& identity, std::uint64_t size, int streams,
                     std::size_t max_udp_payload = 0) {
    asio::io_context io;
    transport::Endpoint client(io, identity,
                               {.bind = {asio::ip::address_v4::loopback(), 0},
                                .accept_incoming = false,
                                .max_udp_payload = max_udp_payload});
    std::uint64_t received = 0;
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          auto connection = co_await client.connect(endpoint_.local_endpoint());
          int finished = 0;
          asio::steady_timer done(co_await asio::this_coro::executor, std::chrono::hours(1));
          const auto part = size / static_cast<std::uint64_t>(streams);
          for (int i = 0; i < streams; ++i) {
            const auto offset = part * static_cast<std::uint64_t>(i);
            const auto length = i + 1 == streams ? size - offset : part;
            asio::co_spawn(
                io,
                [&, offset, length]() -> awaitable<void> {
                  const proto::Request request{
                      .body = proto::GetGameFileChunkRequest{kGame, kFile, offset, length}};
                  auto reply = co_await peer::send_request(connection, request);
                  // What a downloader does: take large views, no copy.
                  for (;;) {
                    const auto piece = co_await reply.stream.read_view();
                    if (piece.empty())
                      break;
                    received += piece.size();
                  }
                  if (++finished == streams)
                    done.cancel();
                },
                asio::detached);
          }
          std::error_code ignored;
          co_await done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
          client.close();
        },
        asio::detached);
    io.run();
    return received;
  }

 private:
  peer::Catalog catalog_ = peer::Catalog::bundled();
  asio::io_context server_io_;
  asio::thread_pool reads_{2};
  peer::GameServer server_;
  transport::Endpoint endpoint_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

// --- TCP baselines: one connection, the server sends the file --------------

int listen_socket(std::uint16_t& port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  listen(fd, 1);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

int connect_socket(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    std::abort();
  return fd;
}

std::uint64_t tcp_copy(const fs::path& file, std::uint64_t size) {
  std::uint16_t port = 0;
  const int listener = listen_socket(port);
  std::thread server([&] {
    const int connection = accept(listener, nullptr, nullptr);
    const int in = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    off_t offset = 0;
    while (static_cast<std::uint64_t>(offset) < size) {
      if (sendfile(connection, in, &offset, size - static_cast<std::uint64_t>(offset)) <= 0)
        break;
    }
    close(in);
    close(connection);
  });
  const int fd = connect_socket(port);
  std::vector<char> buffer(256 * 1024);
  std::uint64_t received = 0;
  for (ssize_t n; (n = read(fd, buffer.data(), buffer.size())) > 0;)
    received += static_cast<std::uint64_t>(n);
  close(fd);
  server.join();
  close(listener);
  return received;
}

void check(int rv, const char* what) {
  if (rv < 0) {
    std::fprintf(stderr, "%s: %s\n", what, gnutls_strerror(rv));
    std::abort();
  }
}

constexpr const char* kTlsPriority =
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519";

// A TLS 1.3 session on connected socket `fd`, handshake done.
gnutls_session_t tls_handshake(unsigned role, gnutls_certificate_credentials_t credentials,
                               int fd) {
  gnutls_session_t session = nullptr;
  check(gnutls_init(&session, role), "gnutls_init");
  check(gnutls_priority_set_direct(session, kTlsPriority, nullptr), "priority");
  check(gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, credentials), "credentials");
  gnutls_transport_set_int(session, fd);
  check(gnutls_handshake(session), "handshake");
  return session;
}

std::uint64_t tls_copy(const fs::path& file, std::uint64_t size,
                       const transport::Identity& identity) {
  gnutls_certificate_credentials_t credentials = nullptr;
  check(gnutls_certificate_allocate_credentials(&credentials), "credentials");
  gnutls_datum_t cert{
      reinterpret_cast<unsigned char*>(const_cast<char*>(identity.certificate_pem.data())),
      static_cast<unsigned>(identity.certificate_pem.size())};
  gnutls_datum_t key{
      reinterpret_cast<unsigned char*>(const_cast<char*>(identity.private_key_pem.data())),
      static_cast<unsigned>(identity.private_key_pem.size())};
  check(gnutls_certificate_set_x509_key_mem(credentials, &cert, &key, GNUTLS_X509_FMT_PEM), "key");

  std::uint16_t port = 0;
  const int listener = listen_socket(port);
  std::thread server([&] {
    const int connection = accept(listener, nullptr, nullptr);
    gnutls_session_t session = tls_handshake(GNUTLS_SERVER, credentials, connection);
    const int in = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    std::vector<char> block(256 * 1024);
    std::uint64_t offset = 0;
    while (offset < size) {
      const auto n = pread(in, block.data(), block.size(), static_cast<off_t>(offset));
      if (n <= 0)
        break;
      for (ssize_t sent = 0; sent < n;) {
        const auto rv =
            gnutls_record_send(session, block.data() + sent, static_cast<std::size_t>(n - sent));
        if (rv < 0)
          std::abort();
        sent += rv;
      }
      offset += static_cast<std::uint64_t>(n);
    }
    gnutls_bye(session, GNUTLS_SHUT_WR);
    close(in);
    gnutls_deinit(session);
    close(connection);
  });
  const int fd = connect_socket(port);
  gnutls_session_t session = tls_handshake(GNUTLS_CLIENT, credentials, fd);
  std::vector<char> buffer(256 * 1024);
  std::uint64_t received = 0;
  for (ssize_t n; (n = gnutls_record_recv(session, buffer.data(), buffer.size())) > 0;) {
    received += static_cast<std::uint64_t>(n);
  }
  gnutls_deinit(session);
  close(fd);
  server.join();
  close(listener);
  gnutls_certificate_free_credentials(credentials);
  return received;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t size_mib = 2048;
  int rounds = 3;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--size-mib")
      size_mib = std::stoull(argv[i + 1]);
    if (flag == "--rounds")
      rounds = std::stoi(argv[i + 1]);
    if (flag == "--only")  // runs the configurations whose name holds this text (profiling)
      only = argv[i + 1];
  }
  const auto size = size_mib * 1024 * 1024;
  // Per process: two benches running at once must not share the payload.
  const auto dir =
      fs::temp_directory_path() / ("lanspread-transport-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const auto games = dir / "games";
  const auto file = games / kGame / kFile;
  std::printf("writing a %llu MiB file ...\n", static_cast<unsigned long long>(size_mib));
  make_file(file, size);
  const auto server_identity = transport::load_or_create_identity(dir / "server").value();
  const auto client_identity = transport::load_or_create_identity(dir / "client").value();
  QuicRig rig(games, server_identity);
  std::printf("load average before: %s\n", load_average().c_str());

  const std::vector<std::pair<std::string, std::function<std::uint64_t()>>> configs = {
      {"QUIC, 1 stream", [&] { return rig.pull(client_identity, size, 1); }},
      {"QUIC, 16 chunk streams", [&] { return rig.pull(client_identity, size, 16); }},
      // What a 1500-byte-MTU Ethernet LAN allows (loopback allows 16 KiB).
      {"QUIC, 1 stream, 1472 B datagrams",
       [&] { return rig.pull(client_identity, size, 1, kEthernetPayload); }},
      {"QUIC, 16 streams, 1472 B datagrams",
       [&] { return rig.pull(client_identity, size, 16, kEthernetPayload); }},
      {"TCP, 1 connection (sendfile)", [&] { return tcp_copy(file, size); }},
      {"TLS 1.3/TCP, 1 connection", [&] { return tls_copy(file, size, server_identity); }},
  };
  std::map<std::string, std::vector<double>> rate;
  std::map<std::string, std::vector<double>> cpu;
  for (int round = 0; round < rounds; ++round) {
    for (const auto& [name, run] : configs) {
      if (name.find(only) == std::string::npos)
        continue;
      std::uint64_t received = 0;
      const auto figures = measure([&] { received = run(); });
      if (received != size) {
        std::fprintf(stderr, "%s received %llu of %llu bytes\n", name.c_str(),
                     static_cast<unsigned long long>(received),
                     static_cast<unsigned long long>(size));
        fs::remove_all(dir);
        return 1;
      }
      const double gib = static_cast<double>(size) / (1024.0 * 1024 * 1024);
      rate[name].push_back(static_cast<double>(size) / 1e6 / figures.seconds);
      cpu[name].push_back(figures.cpu_seconds / gib);
      std::printf("  round %d  %-34s %8.0f MB/s\n", round + 1, name.c_str(), rate[name].back());
    }
  }
  const double tcp = median(rate["TCP, 1 connection (sendfile)"]);
  const double tls = median(rate["TLS 1.3/TCP, 1 connection"]);
  std::printf("\n%llu MiB over loopback, %d rounds, medians (load average after: %s)\n",
              static_cast<unsigned long long>(size_mib), rounds, load_average().c_str());
  std::printf("%-34s %10s %14s %8s %8s\n", "", "MB/s", "CPU-s/GiB", "vs TCP", "vs TLS");
  for (const auto& [name, run] : configs) {
    if (rate[name].empty())
      continue;
    const double r = median(rate[name]);
    std::printf("%-34s %10.0f %14.2f %7.2fx %7.2fx\n", name.c_str(), r, median(cpu[name]), r / tcp,
                r / tls);
  }
  fs::remove_all(dir);
  return 0;
}
