// The install events the runtime reports: progress while a real archive is
// unpacked, and what startup recovery did with an interrupted transaction.
#include <gtest/gtest.h>

#include <chrono>

#include "peer/catalog/catalog.hpp"
#include "peer/install/install_fixture.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/install/test_archives.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "support/test_child.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace peer;

constexpr auto kTimeout = 60s;

class RuntimeInstallEventsTest : public InstallFixture {
 protected:
  PeerRuntimeHandle start() {
    return start_peer(games(), events_.sink(), PeerGameDB{},
                      std::make_shared<install::LibarchiveUnpacker>(), Catalog::bundled(),
                      PeerOptions{.state_dir = state(),
                                  .listen = {asio::ip::address_v4::loopback(), 0},
                                  .rescan_delay = 10ms,
                                  .mdns = std::nullopt});
  }

  EventQueue events_;
};

TEST_F(RuntimeInstallEventsTest, InstallReportsMonotonicProgressThenFinished) {
  // 48 MiB that do not compress: unpacking takes long enough for several reports.
  std::vector<TestEntry> entries;
  for (unsigned i = 0; i < 12; ++i)
    entries.push_back({.path = "data/part" + std::to_string(i), .data = random_bytes(4 << 20, i)});
  fs::create_directories(root());
  write_archive(root() / "game.tar", entries);
  write_file(root() / "version.ini", "20240101");
  const auto archive_size = fs::file_size(root() / "game.tar");

  auto peer = start();
  ASSERT_TRUE(events_.wait_for<event::LocalLibraryChanged>(kTimeout));
  peer.send(command::InstallGame{"cs16"});
  ASSERT_TRUE(events_.wait_for<event::InstallGameBegin>(kTimeout));

  std::vector<event::InstallGameProgress> reports;
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  bool finished = false;
  while (!finished && std::chrono::steady_clock::now() < deadline) {
    auto next = events_.pop(1s);
    if (!next)
      continue;
    if (const auto* progress = std::get_if<event::InstallGameProgress>(&*next))
      reports.push_back(*progress);
    ASSERT_FALSE(std::holds_alternative<event::InstallGameFailed>(*next));
    finished = std::holds_alternative<event::InstallGameFinished>(*next);
  }
  ASSERT_TRUE(finished);
  ASSERT_FALSE(reports.empty());
  std::uint64_t previous = 0;
  for (const auto& report : reports) {
    EXPECT_EQ(report.game_id, "cs16");
    EXPECT_EQ(report.bytes_total, archive_size);
    EXPECT_GE(report.bytes_done, previous);
    EXPECT_LE(report.bytes_done, report.bytes_total);
    previous = report.bytes_done;
  }
  EXPECT_EQ(read_file(local() / "data/part3"), random_bytes(4 << 20, 3));
}

TEST_F(RuntimeInstallEventsTest, InterruptedUpdateIsReportedRolledBack) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_payload(2);
  // A real crash in the middle of the update: the new archives half unpacked.
  const auto child = run_in_child({&temp_}, [&] {
    (void)install([](install::Step step) {
      if (step == install::Step::ArchiveSetUnpacked)
        crash_here();
    });
  });
  ASSERT_TRUE(child.end && child.end->killed) << child.output;
  ASSERT_TRUE(fs::exists(root() / ".local.backup"));

  auto peer = start();
  const auto recovered = events_.wait_for<event::InstallTransactionRecovered>(kTimeout);
  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(recovered->game_id, "cs16");
  EXPECT_EQ(recovered->operation, install::Operation::Update);
  EXPECT_EQ(recovered->outcome, install::RecoveryAction::Outcome::RolledBack);
  EXPECT_FALSE(recovered->description.empty());
  EXPECT_EQ(snapshot(local()), expected_local(1));
  EXPECT_FALSE(fs::exists(root() / ".local.backup"));
}

TEST_F(RuntimeInstallEventsTest, InterruptedInstallPastItsCommitIsReportedCompleted) {
  write_payload(1);
  const auto child = run_in_child({&temp_}, [&] {
    (void)install([](install::Step step) {
      if (step == install::Step::NewLocalInPlace)
        crash_here();
    });
  });
  ASSERT_TRUE(child.end && child.end->killed) << child.output;

  auto peer = start();
  const auto recovered = events_.wait_for<event::InstallTransactionRecovered>(kTimeout);
  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(recovered->operation, install::Operation::Install);
  EXPECT_EQ(recovered->outcome, install::RecoveryAction::Outcome::Completed);
  EXPECT_EQ(snapshot(local()), expected_local(1));
}

}  // namespace
}  // namespace lanspread::test
