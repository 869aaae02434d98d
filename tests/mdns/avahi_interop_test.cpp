// Interoperability with avahi, an independent mDNS implementation: avahi-
// daemon runs in the second namespace with its own D-Bus, our Discovery in
// the first.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>

#include "event_log.hpp"
#include "mdns/discovery.hpp"
#include "namespace_pair.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::mdns {
namespace {

using namespace std::chrono_literals;
using lanspread::test::ChildProcess;
using test::EventLog;
using test::NamespacePair;

const std::string kOurId = "0123456789abcdef" + std::string(48, 'e');

class MdnsAvahiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto why = test::namespace_tests_unavailable())
      GTEST_SKIP() << *why;
    for (const char* tool : {"/usr/bin/dbus-daemon", "/usr/sbin/avahi-daemon",
                             "/usr/bin/avahi-browse", "/usr/bin/avahi-publish"}) {
      if (access(tool, X_OK) != 0)
        GTEST_SKIP() << tool << " is missing (scripts/install-deps.sh installs avahi)";
    }
    namespaces_ = std::make_unique<NamespacePair>();
    const auto bus = (temp_ / "bus").string();
    bus_address_ = "unix:path=" + bus;
    lanspread::test::write_file(temp_ / "bus.conf", R"(<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>)" + bus_address_ + R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
)");
    lanspread::test::write_file(temp_ / "avahi.conf", "[server]\nhost-name=lsavahi-" +
                                                          std::to_string(getpid()) +
                                                          "\nuse-ipv4=yes\nuse-ipv6=no\n"
                                                          "allow-interfaces=eth0\nenable-dbus=yes\n"
                                                          "[wide-area]\nenable-wide-area=no\n"
                                                          "[publish]\npublish-hinfo=no\n"
                                                          "publish-workstation=no\n");
    dbus_ = std::make_unique<ChildProcess>(NamespacePair::exec_in(
        namespaces_->second(),
        {"/usr/bin/dbus-daemon", "--config-file=" + (temp_ / "bus.conf").string(), "--nofork",
         "--print-address"}));
    ASSERT_TRUE(dbus_->wait_for_output(bus, 10s)) << dbus_->err();
    // avahi-daemon insists on /run/avahi-daemon; a private /run in the mount
    // namespace `ip netns exec` creates keeps it away from the host's.
    avahi_ = std::make_unique<ChildProcess>(in_second_with_bus(
        {"/usr/bin/sh", "-c",
         "mount -t tmpfs tmpfs /run && mkdir /run/avahi-daemon && exec /usr/sbin/avahi-daemon "
         "--no-drop-root --no-chroot --no-rlimits -f " +
             (temp_ / "avahi.conf").string()}));
    ASSERT_TRUE(avahi_->wait_for_output("Server startup complete", 15s)) << avahi_->err();
  }

  std::vector<std::string> in_second_with_bus(std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"/usr/bin/env", "DBUS_SYSTEM_BUS_ADDRESS=" + bus_address_});
    return NamespacePair::exec_in(namespaces_->second(), std::move(argv));
  }

  std::unique_ptr<Discovery> start_discovery(EventLog& log) {
    return NamespacePair::run_in(namespaces_->first(), [&] {
      return std::make_unique<Discovery>(Advertisement{kOurId, 7, 7001}, Options{}, log.on_found(),
                                         log.on_lost());
    });
  }

  lanspread::test::TempDir temp_;
  // Declaration order: processes die before the namespaces go.
  std::unique_ptr<NamespacePair> namespaces_;
  std::string bus_address_;
  std::unique_ptr<ChildProcess> dbus_;
  std::unique_ptr<ChildProcess> avahi_;
};

TEST_F(MdnsAvahiTest, AvahiBrowseResolvesOurService) {
  EventLog log;
  auto discovery = start_discovery(log);
  const std::string expected =
      "=;eth0;IPv4;lanspread-0123456789abcdef;_lanspread._udp;local;"
      "lanspread-0123456789abcdef.local;10.77.0.1;7001;";
  // Without -t avahi-browse keeps browsing and prints the resolved service
  // when avahi has it: waiting on its output is the synchronisation.
  ChildProcess browse(in_second_with_bus({"/usr/bin/avahi-browse", "-rp", "_lanspread._udp"}));
  ASSERT_TRUE(browse.wait_for_output(expected, 15s)) << browse.out() << browse.err();
  // The TXT record ends the same line.
  ASSERT_TRUE(browse.wait_for_output("\"v=7\"", 5s)) << browse.out();
  EXPECT_NE(browse.out().find("\"id=" + kOurId + "\""), std::string::npos) << browse.out();
}

TEST_F(MdnsAvahiTest, OurBrowserFindsAServicePublishedByAvahi) {
  const std::string avahi_id(64, 'c');
  ChildProcess publish(in_second_with_bus({"/usr/bin/avahi-publish", "-s", "avahi published peer",
                                           "_lanspread._udp", "7123", "id=" + avahi_id, "v=3"}));
  EventLog log;
  auto discovery = start_discovery(log);
  const auto found = log.wait_found(avahi_id, 10s);
  ASSERT_TRUE(found) << publish.err() << avahi_->err();
  EXPECT_EQ(found->protocol_version, 3u);
  ASSERT_FALSE(found->endpoints.empty());
  EXPECT_EQ(found->endpoints[0],
            asio::ip::udp::endpoint(asio::ip::make_address(NamespacePair::kSecondAddress), 7123));

  // avahi-publish sends goodbyes when it ends.
  publish.send_signal(SIGTERM);
  EXPECT_TRUE(log.wait_lost(avahi_id, 5s));
}

}  // namespace
}  // namespace lanspread::mdns
