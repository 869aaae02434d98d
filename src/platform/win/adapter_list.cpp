#include "platform/win/adapter_list.hpp"

#include <utility>

namespace lanspread::platform::win {

Result<AdapterList, unsigned long> AdapterList::fetch(ULONG flags) {
  ULONG size = 16 * 1024;
  std::vector<std::byte> buffer;
  ULONG result = ERROR_BUFFER_OVERFLOW;
  // The list may grow between the call that sizes it and the one that fills it.
  for (int attempt = 0; attempt < 3 && result == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buffer.resize(size);
    result = ::GetAdaptersAddresses(AF_UNSPEC, flags, nullptr,
                                    reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
  }
  if (result == ERROR_NO_DATA)
    return AdapterList({});
  if (result != NO_ERROR)
    return result;
  return AdapterList(std::move(buffer));
}

}  // namespace lanspread::platform::win
