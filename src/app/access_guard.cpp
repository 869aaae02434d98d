#include "app/access_guard.hpp"

#include <fmt/format.h>

#include <random>
#include <stdexcept>

namespace lanspread::app {

AccessGuard::AccessGuard(std::string token, std::uint16_t port)
    : token_(std::move(token)), port_(port) {
  if (token_.empty())
    throw std::invalid_argument("the access token must not be empty");
}

std::string AccessGuard::generate_token() {
  // std::random_device reads the kernel's random source on Linux.
  std::random_device source;
  std::string token;
  for (int i = 0; i < 8; ++i)
    token += fmt::format("{:08x}", source());
  return token;
}

bool AccessGuard::host_allowed(std::string_view host) const {
  return host == fmt::format("127.0.0.1:{}", port_) || host == fmt::format("localhost:{}", port_);
}

bool AccessGuard::origin_allowed(std::string_view origin) const {
  return origin == fmt::format("http://127.0.0.1:{}", port_) ||
         origin == fmt::format("http://localhost:{}", port_);
}

bool AccessGuard::token_matches(std::string_view candidate) const {
  if (candidate.size() != token_.size())
    return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < token_.size(); ++i)
    difference |= static_cast<unsigned char>(token_[i] ^ candidate[i]);
  return difference == 0;
}

Result<void> AccessGuard::admit(const Request& request) const {
  if (!host_allowed(request.host))
    return Error{fmt::format("Host '{}' is not this app's address", request.host)};
  if (request.origin && !origin_allowed(*request.origin))
    return Error{fmt::format("Origin '{}' is not this app's page", *request.origin)};
  // Browsers that send Sec-Fetch-Site say where a request comes from even when
  // they omit Origin; API calls must come from the app's own page.
  if (request.fetch_site && *request.fetch_site != "same-origin" && *request.fetch_site != "none")
    return Error{fmt::format("a '{}' request is not from this app's page", *request.fetch_site)};
  if (request.needs_token && (!request.token || !token_matches(*request.token)))
    return Error{request.token ? "wrong access token" : "missing access token"};
  return {};
}

}  // namespace lanspread::app
