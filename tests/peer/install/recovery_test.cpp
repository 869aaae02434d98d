#include "peer/install/recovery.hpp"

#include <gtest/gtest.h>

#include "install_fixture.hpp"
#include "peer/install/owned_dir.hpp"
#include "test_archives.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace peer::install;

class RecoveryTest : public InstallFixture {
 protected:
  void record(Operation operation, const fs::path& game_root) {
    ASSERT_TRUE(record_intent(state(),
                              {.operation = operation, .game_id = "cs16", .game_root = game_root}));
  }
};

TEST_F(RecoveryTest, UserBackupWithoutMarkerAndWithoutIntentSurvives) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_file(root() / ".local.backup/mine.txt", "user data");
  const auto actions = recover_interrupted_transactions(games(), state());
  EXPECT_EQ(read_file(root() / ".local.backup/mine.txt"), "user data");
  EXPECT_EQ(snapshot(local()), expected_local(1));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_NE(actions[0].description.find("left .local.backup alone"), std::string::npos)
      << actions[0].description;
}

TEST_F(RecoveryTest, UnmarkedStagingUnderAnInstallIntentSurvivesAndIntentIsCleared) {
  write_payload(1);
  write_file(root() / ".local.installing/mine.txt", "user data");
  record(Operation::Install, root());
  const auto actions = recover_interrupted_transactions(games(), state());
  EXPECT_EQ(read_file(root() / ".local.installing/mine.txt"), "user data");
  EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].operation, Operation::Install);
  EXPECT_EQ(actions[0].outcome, RecoveryAction::Outcome::RolledBack);
}

TEST_F(RecoveryTest, MarkedLeftoversWithoutIntentAreSettled) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  // A finished update whose backup removal never ran.
  write_file(root() / ".local.backup/old.txt", "old");
  ASSERT_TRUE(mark_owned(root() / ".local.backup"));
  write_file(root() / ".local.installing/partial.txt", "partial");
  ASSERT_TRUE(mark_owned(root() / ".local.installing"));
  const auto actions = recover_interrupted_transactions(games(), state());
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].outcome, RecoveryAction::Outcome::CleanedUp);
  EXPECT_FALSE(fs::exists(root() / ".local.backup"));
  EXPECT_FALSE(fs::exists(root() / ".local.installing"));
  EXPECT_EQ(snapshot(local()), expected_local(1));
}

TEST_F(RecoveryTest, MarkedBackupWithoutLocalIsRestored) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  fs::rename(local(), root() / ".local.backup");
  ASSERT_TRUE(mark_owned(root() / ".local.backup"));
  recover_interrupted_transactions(games(), state());
  EXPECT_EQ(snapshot(local()), expected_local(1));
  EXPECT_FALSE(fs::exists(root() / ".local.backup"));
}

TEST_F(RecoveryTest, UnreadableIntentIsClearedAndReported) {
  write_payload(1);
  write_file(intent_path(state(), "cs16"), "{not json");
  const auto actions = recover_interrupted_transactions(games(), state());
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_NE(actions[0].description.find("unreadable"), std::string::npos);
  EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
}

TEST_F(RecoveryTest, IntentFollowsTheRecordedRootAfterTheGameFolderMoved) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  fs::rename(local(), root() / ".local.backup");
  record(Operation::Update, root());
  const auto actions = recover_interrupted_transactions(temp_ / "another_game_dir", state());
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].outcome, RecoveryAction::Outcome::RolledBack);
  EXPECT_EQ(snapshot(local()), expected_local(1));
}

TEST_F(RecoveryTest, FirstStartWithoutStateFolderStillCleansLeftovers) {
  write_payload(1);
  write_file(root() / ".lanspread.staging/half", "x");
  fs::remove_all(state());
  const auto actions = recover_interrupted_transactions(games(), state());
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].outcome, RecoveryAction::Outcome::CleanedUp);
  EXPECT_FALSE(fs::exists(root() / ".lanspread.staging"));
}

TEST_F(RecoveryTest, NothingToDoReportsNothing) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  EXPECT_TRUE(recover_interrupted_transactions(games(), state()).empty());
}

}  // namespace
}  // namespace lanspread::test
