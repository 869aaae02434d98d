#include "transport/endpoint.hpp"

#include "transport/connection_core.hpp"
#include "transport/endpoint_core.hpp"
#include "transport/errors.hpp"

namespace lanspread::transport {

Endpoint::Endpoint(asio::io_context& io, const Identity& identity, EndpointOptions options,
                   StreamHandler on_stream)
    : core_(
          std::make_shared<EndpointCore>(io, identity, std::move(options), std::move(on_stream))) {
  core_->start();
}

Endpoint::~Endpoint() {
  close();
}

asio::ip::udp::endpoint Endpoint::local_endpoint() const {
  return core_->local_endpoint();
}

asio::awaitable<Connection> Endpoint::connect(asio::ip::udp::endpoint remote,
                                              std::string expected_fingerprint) {
  if (core_->closed())
    throw std::system_error(TransportError::EndpointClosed);
  auto connection = ConnectionCore::connect(*core_, remote, std::move(expected_fingerprint));
  co_await connection->wait_until_established();
  co_return Connection(std::move(connection));
}

void Endpoint::close() {
  core_->close();
}

std::size_t Endpoint::connection_count() const {
  return core_->connection_count();
}

}  // namespace lanspread::transport
