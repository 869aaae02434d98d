#include "platform/network_interfaces.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lanspread::platform {
namespace {

// Every host has a loopback interface with 127.0.0.1/8: the one interface a
// test can count on, on Linux (lo) as on Windows.
TEST(NetworkInterfacesTest, ListTheLoopbackInterfaceUpWithItsAddress) {
  const auto interfaces = list_network_interfaces();
  ASSERT_TRUE(interfaces) << interfaces.error().message;
  const auto loopback = std::find_if(interfaces->begin(), interfaces->end(),
                                     [](const NetworkInterface& i) { return i.loopback; });
  ASSERT_NE(loopback, interfaces->end());
  EXPECT_FALSE(loopback->name.empty());
  EXPECT_NE(loopback->index, 0u);
  EXPECT_TRUE(loopback->up);
  const InterfaceAddress expected{asio::ip::make_address("127.0.0.1"), 8};
  EXPECT_NE(std::find(loopback->addresses.begin(), loopback->addresses.end(), expected),
            loopback->addresses.end());
  for (const auto& listed : *interfaces)
    EXPECT_FALSE(listed.name.empty()) << "index " << listed.index;
}

}  // namespace
}  // namespace lanspread::platform
