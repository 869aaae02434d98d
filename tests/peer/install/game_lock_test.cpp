#include "peer/install/game_lock.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "install_fixture.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/owned_dir.hpp"
#include "peer/install/recovery.hpp"
#include "support/test_child.hpp"
#include "test_archives.hpp"

// A game another process works on (a `lanspread install` in a second
// terminal, the app downloading it) is left alone: its transaction is not
// refused by a mere intent check, and it is never "recovered" while it runs.
namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace peer::install;

class GameLockTest : public InstallFixture {
 protected:
  // A child process that holds cs16's lock until it is killed.
  void hold_in_another_process() {
    holder_ = std::make_unique<TestChild>(std::vector<TempDir*>{&temp_}, [this] {
      const auto attempt = GameLock::try_acquire(operation_lock_path(state(), "cs16"));
      tell_parent(attempt && *attempt ? "held" : "not held");
      for (;;)
        std::this_thread::sleep_for(std::chrono::seconds(1));
    });
    const auto held = holder_->next_message(std::chrono::seconds(60));
    ASSERT_EQ(held, "held") << "the child could not take the lock\n" << holder_->output();
  }

  void kill_holder() {
    if (!holder_)
      return;
    holder_->kill();
    const auto end = holder_->wait(std::chrono::seconds(30));
    ASSERT_TRUE(end && end->killed) << holder_->output();
    holder_.reset();
  }

  static peer::Catalog catalog() {
    return peer::Catalog::
        parse(R"({"id":"cs16","name":"CS","description":"d","genre":"g","max_players":32,"release_year":2003,"size_bytes":1})",
              "test")
            .value();
  }

  std::unique_ptr<TestChild> holder_;  // killed at the end of the test if still running
};

TEST_F(GameLockTest, OneHolderAtATimeEvenInOneProcess) {
  const auto file = operation_lock_path(state(), "cs16");
  auto first = GameLock::try_acquire(file);
  ASSERT_TRUE(first) << first.error();
  ASSERT_TRUE(*first);
  const auto second = GameLock::try_acquire(file);
  ASSERT_TRUE(second) << "busy is not an error: " << second.error();
  EXPECT_FALSE(*second) << "another holder has it";
  first->reset();
  const auto third = GameLock::try_acquire(file);
  ASSERT_TRUE(third) << third.error();
  EXPECT_TRUE(*third);
}

TEST_F(GameLockTest, TransactionsAreRefusedWhileAnotherProcessHoldsTheGame) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  hold_in_another_process();
  for (const auto& result : {install(), uninstall_game(env(), "cs16"),
                             remove_downloaded_game(env(), catalog(), "cs16", false)}) {
    EXPECT_FALSE(result.has_value());
    EXPECT_NE(result.error().message.find("another Lanspread process"), std::string::npos)
        << result.error();
  }
  EXPECT_EQ(snapshot(local()), expected_local(1));

  kill_holder();  // the kernel drops the lock of a killed holder
  EXPECT_TRUE(uninstall_game(env(), "cs16").has_value());
}

TEST_F(GameLockTest, RecoveryLeavesARunningTransactionOfAnotherProcessAlone) {
  write_payload(1);
  // The other process is halfway through its install.
  ASSERT_TRUE(record_intent(
      state(), {.operation = Operation::Install, .game_id = "cs16", .game_root = root()}));
  write_file(root() / ".local.installing/cs16.exe", "half");
  ASSERT_TRUE(mark_owned(root() / ".local.installing"));
  hold_in_another_process();

  EXPECT_TRUE(recover_interrupted_transactions(games(), state()).empty());
  EXPECT_TRUE(fs::exists(intent_path(state(), "cs16")));
  EXPECT_EQ(read_file(root() / ".local.installing/cs16.exe"), "half");

  // Killed: now it is an interrupted install.
  kill_holder();
  const auto actions = recover_interrupted_transactions(games(), state());
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].outcome, RecoveryAction::Outcome::RolledBack);
  EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
  EXPECT_FALSE(fs::exists(root() / ".local.installing"));
}

}  // namespace
}  // namespace lanspread::test
