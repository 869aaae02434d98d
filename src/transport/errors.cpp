#include "transport/errors.hpp"

#include <string>

namespace lanspread::transport {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "lanspread.transport"; }
  std::string message(int value) const override {
    switch (static_cast<TransportError>(value)) {
      case TransportError::ConnectionClosed:
        return "the connection was closed";
      case TransportError::IdleTimeout:
        return "the peer stopped answering";
      case TransportError::StreamReset:
        return "the peer abandoned the stream";
      case TransportError::HandshakeFailed:
        return "the peer refused the connection";
      case TransportError::IdentityMismatch:
        return "the peer's key is not the one known for it";
      case TransportError::TooLarge:
        return "the peer sent more than allowed";
      case TransportError::EndpointClosed:
        return "the endpoint is closed";
    }
    return "unknown transport error";
  }
};

}  // namespace

const std::error_category& transport_category() {
  static const Category category;
  return category;
}

}  // namespace lanspread::transport
