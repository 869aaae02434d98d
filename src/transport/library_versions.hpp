#pragma once

#include <string>

namespace lanspread::transport {

// The QUIC and TLS libraries this program runs with, as they report
// themselves at run time: "ngtcp2 1.11.0, GnuTLS 3.7.9".
std::string library_versions();

}  // namespace lanspread::transport
