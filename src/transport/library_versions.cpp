#include "transport/library_versions.hpp"

#include <gnutls/gnutls.h>
#include <ngtcp2/ngtcp2.h>

namespace lanspread::transport {

std::string library_versions() {
  return std::string("ngtcp2 ") + ngtcp2_version(0)->version_str + ", GnuTLS " +
         gnutls_check_version(nullptr);
}

}  // namespace lanspread::transport
