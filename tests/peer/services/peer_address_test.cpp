#include "peer/services/peer_address.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer {
namespace {

TEST(PeerAddress, AcceptsHostsAndAddresses) {
  const auto v4 = parse_peer_address("192.168.1.20:40000");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "192.168.1.20");
  EXPECT_EQ(v4->port, 40000);
  const auto v6 = parse_peer_address("[fe80::1%eth0]:5000");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "fe80::1%eth0");
  EXPECT_EQ(v6->port, 5000);
  const auto name = parse_peer_address("seedbox.lan:65535");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "seedbox.lan");
}

TEST(PeerAddress, RefusesWhatIsNotHostColonPort) {
  for (const char* bad : {"", "host", "host:", ":80", "host:0", "host:65536", "host:80x",
                          "fe80::1:5000", "[]:80", "[fe80::1:80", "host:-1"}) {
    EXPECT_FALSE(parse_peer_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace lanspread::peer
