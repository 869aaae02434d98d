#pragma once

// winsock2.h before windows.h (asio's headers pull both in that order).
#include <winsock2.h>
#include <ws2tcpip.h>
// After winsock2.h:
#include <iphlpapi.h>

#include <cstddef>
#include <vector>

#include "base/result.hpp"

namespace lanspread::platform::win {

// The host's adapters as GetAdaptersAddresses lists them (`flags` choose
// what each carries), in storage the list owns.
class AdapterList {
 public:
  // The Win32 error code when the call fails.
  static Result<AdapterList, unsigned long> fetch(ULONG flags);

  const IP_ADAPTER_ADDRESSES* first() const {
    return buffer_.empty() ? nullptr
                           : reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buffer_.data());
  }

 private:
  explicit AdapterList(std::vector<std::byte> buffer) : buffer_(std::move(buffer)) {}
  std::vector<std::byte> buffer_;
};

}  // namespace lanspread::platform::win
