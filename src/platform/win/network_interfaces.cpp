#include "platform/network_interfaces.hpp"

#include <string>

#include "platform/socket_address.hpp"
#include "platform/win/adapter_list.hpp"

namespace lanspread::platform {
namespace {

// The name people know the adapter by ("Ethernet", "Wi-Fi"), in UTF-8.
std::string name_of(const IP_ADAPTER_ADDRESSES& adapter) {
  const wchar_t* wide = adapter.FriendlyName;
  if (wide == nullptr || *wide == L'\0')
    return adapter.AdapterName != nullptr ? adapter.AdapterName : "";
  const int size = ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, nullptr, 0, nullptr, nullptr);
  if (size <= 1)
    return {};
  std::string name(static_cast<std::size_t>(size), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, name.data(), size, nullptr, nullptr);
  name.resize(static_cast<std::size_t>(size - 1));  // the terminating NUL
  return name;
}

}  // namespace

// GetAdaptersAddresses: one entry per adapter, with its unicast addresses.
Result<std::vector<NetworkInterface>> list_network_interfaces() {
  constexpr ULONG kFlags =
      GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  const auto adapters = win::AdapterList::fetch(kFlags);
  if (!adapters) {
    return Error{"GetAdaptersAddresses: " +
                 std::system_category().message(static_cast<int>(adapters.error()))};
  }
  std::vector<NetworkInterface> interfaces;
  for (const auto* adapter = adapters->first(); adapter != nullptr; adapter = adapter->Next) {
    NetworkInterface entry;
    entry.name = name_of(*adapter);
    // The IPv4 index (what IP_MULTICAST_IF and IP_PKTINFO name); the IPv6
    // one on an adapter without IPv4.
    entry.index = adapter->IfIndex != 0 ? adapter->IfIndex : adapter->Ipv6IfIndex;
    entry.up = adapter->OperStatus == IfOperStatusUp;
    entry.loopback = adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
    entry.multicast = (adapter->Flags & IP_ADAPTER_NO_MULTICAST) == 0;
    for (const auto* unicast = adapter->FirstUnicastAddress; unicast != nullptr;
         unicast = unicast->Next) {
      if (const auto address = address_of(unicast->Address.lpSockaddr))
        entry.addresses.push_back({*address, unicast->OnLinkPrefixLength});
    }
    interfaces.push_back(std::move(entry));
  }
  return interfaces;
}

}  // namespace lanspread::platform
