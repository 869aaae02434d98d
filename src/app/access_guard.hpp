#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace lanspread::app {

// Decides whether an HTTP request may reach the app. The API listens on
// loopback, but loopback is shared with every web page the browser shows
// (through DNS rebinding or cross-site requests) and with every other user
// of the machine, so each request must prove it comes from the page this run
// opened: the right Host, the right Origin when a browser names one, and the
// per-run token.
class AccessGuard {
 public:
  AccessGuard(std::string token, std::uint16_t port);

  // A fresh token: 32 bytes from the system's random source, hex-encoded.
  static std::string generate_token();

  const std::string& token() const { return token_; }
  std::uint16_t port() const { return port_; }

  // "127.0.0.1:<port>" or "localhost:<port>" exactly: any other name may be
  // a rebinding attacker's domain resolving to 127.0.0.1.
  bool host_allowed(std::string_view host) const;
  // "http://127.0.0.1:<port>" or "http://localhost:<port>".
  bool origin_allowed(std::string_view origin) const;
  // Constant-time comparison with the run's token.
  bool token_matches(std::string_view candidate) const;

  struct Request {
    std::string_view host;
    std::optional<std::string_view> origin;  // absent when the client sent none
    // Sec-Fetch-Site, for API calls only: the page itself may be opened from
    // anywhere (a terminal link, the launcher file).
    std::optional<std::string_view> fetch_site;
    std::optional<std::string_view> token;  // header or query parameter
    bool needs_token = true;                // false for the UI's static files
  };
  // Whether the request may reach the app; the error says why not (for the
  // 403 body and the log).
  Result<void> admit(const Request& request) const;

 private:
  std::string token_;
  std::uint16_t port_;
};

}  // namespace lanspread::app
