// Kills a child process at every crash point of install, update and
// uninstall, then runs startup recovery in the parent and checks that the
// old or the new install is complete, never a mix, and that nothing Lanspread
// did not make was deleted.
#include <gtest/gtest.h>

#include <optional>

#include "install_fixture.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/installed_files.hpp"
#include "peer/install/recovery.hpp"
#include "support/test_child.hpp"
#include "test_archives.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace peer::install;

enum class Txn { Install, Update, Uninstall };

struct CrashPoint {
  Txn txn;
  std::optional<Step> step;  // empty: in the middle of the first archive set
  int occurrence = 1;
};

const std::vector<Step> kInstallSteps = {
    Step::IntentRecorded,     Step::StagingCreated,     Step::StagingInPlace,
    Step::ArchiveSetUnpacked, Step::ArchiveSetUnpacked, Step::LooseFilesCopied,
    Step::NewLocalInPlace,    Step::NewLocalUnmarked,   Step::IntentCleared};
const std::vector<Step> kUpdateSteps = {
    Step::IntentRecorded,        Step::LocalMarked,      Step::BackupInPlace,
    Step::StagingCreated,        Step::StagingInPlace,   Step::ArchiveSetUnpacked,
    Step::ArchiveSetUnpacked,    Step::LooseFilesCopied, Step::UserFilesCarriedOver,
    Step::NewLocalInPlace,       Step::NewLocalRecorded, Step::NewLocalUnmarked,
    Step::OwnedDirPartlyRemoved, Step::BackupRemoved,    Step::IntentCleared};
const std::vector<Step> kUninstallSteps = {Step::IntentRecorded,  Step::LocalMarked,
                                           Step::LocalMovedAside, Step::OwnedDirPartlyRemoved,
                                           Step::AsideRemoved,    Step::IntentCleared};

const std::vector<Step>& steps_of(Txn txn) {
  return txn == Txn::Install ? kInstallSteps : txn == Txn::Update ? kUpdateSteps : kUninstallSteps;
}

std::vector<CrashPoint> all_points() {
  std::vector<CrashPoint> points;
  for (auto txn : {Txn::Install, Txn::Update, Txn::Uninstall}) {
    std::map<Step, int> seen;
    for (auto step : steps_of(txn))
      points.push_back({txn, step, ++seen[step]});
    if (txn != Txn::Uninstall)
      points.push_back({txn, std::nullopt, 1});
  }
  return points;
}

std::string point_name(const ::testing::TestParamInfo<CrashPoint>& info) {
  const auto& p = info.param;
  std::string name = p.txn == Txn::Install  ? "Install_"
                     : p.txn == Txn::Update ? "Update_"
                                            : "Uninstall_";
  std::string step = p.step ? std::string(to_string(*p.step)) : "mid-archive";
  for (auto& c : step)
    if (c == '-')
      c = '_';
  return name + step + "_" + std::to_string(p.occurrence);
}

// The regular files of a tree as snapshot() describes it.
FileList files_of(const std::map<std::string, std::string>& tree) {
  FileList files;
  for (const auto& [path, what] : tree) {
    if (what.starts_with("file:"))
      files.insert(path);
  }
  return files;
}

class CrashTest : public InstallFixture {
 protected:
  CrashTest() {
    write_payload(1);
    // A neighbour's folders with reserved names that a user made by hand.
    write_file(games() / "quake/version.ini", "1");
    write_file(games() / "quake/.local.installing/mine.txt", "user 1");
    write_file(games() / "quake/.local.backup/mine.txt", "user 2");
  }

  void prepare(Txn txn) {
    if (txn == Txn::Install)
      return;
    ASSERT_TRUE(install().has_value());
    if (txn == Txn::Update) {
      write_file(local() / "saves/slot1.sav", "my progress");
      write_payload(2);
    }
  }

  // Version 2 with the save a user made in version 1.
  static std::map<std::string, std::string> updated_with_save() {
    auto expected = expected_local(2);
    expected["saves"] = "dir";
    expected["saves/slot1.sav"] = "file:my progress";
    return expected;
  }

  Result<void> run(Txn txn, const StepHook& hook, const InstallProgressFn& progress = {}) {
    if (txn == Txn::Uninstall)
      return uninstall_game(env(hook), "cs16");
    return install_game(env(hook), "cs16", progress, {});
  }

  void expect_settled() {
    for (const char* name : {".local.installing", ".local.backup", ".lanspread.staging",
                             ".lanspread.removing", "local/.lanspread_owned"})
      EXPECT_FALSE(fs::exists(fs::symlink_status(root() / name))) << name;
    EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
    EXPECT_EQ(read_file(games() / "quake/.local.installing/mine.txt"), "user 1");
    EXPECT_EQ(read_file(games() / "quake/.local.backup/mine.txt"), "user 2");
    EXPECT_TRUE(fs::exists(root() / "version.ini"));
    EXPECT_TRUE(fs::exists(root() / "a_data.tar"));
  }
};

class CrashPointTest : public CrashTest, public ::testing::WithParamInterface<CrashPoint> {};

TEST_P(CrashPointTest, RecoveryLeavesOldOrNewInstall) {
  const auto point = GetParam();
  prepare(point.txn);
  const auto old_state = fs::exists(local()) ? std::optional(snapshot(local())) : std::nullopt;

  const auto child = run_in_child({&temp_}, [&] {
    int count = 0;
    const auto hook = [&](Step step) {
      if (point.step == step && ++count == point.occurrence)
        crash_here();
    };
    const auto progress = [&](const InstallProgress& p) {
      if (!point.step && p.done > 0)
        crash_here();
    };
    const auto result = run(point.txn, hook, progress);
    EXPECT_TRUE(result.has_value()) << result.error();
  });
  ASSERT_TRUE(child.end && child.end->killed)
      << "the child finished without reaching the crash point\n"
      << child.output;

  // Past the rename of the new local/ the transaction is finished forward;
  // before it, the previous state comes back.
  const auto& steps = steps_of(point.txn);
  const auto committing =
      point.txn == Txn::Uninstall ? Step::LocalMovedAside : Step::NewLocalInPlace;
  const auto commit_at = std::find(steps.begin(), steps.end(), committing) - steps.begin();
  std::map<Step, int> seen;
  std::ptrdiff_t crash_at = -1;
  for (std::size_t i = 0; i < steps.size() && point.step; ++i) {
    if (steps[i] == *point.step && ++seen[steps[i]] == point.occurrence)
      crash_at = static_cast<std::ptrdiff_t>(i);
  }
  const bool committed = crash_at >= commit_at;

  // What the UI is told must match what is on disk.
  const auto actions = recover_interrupted_transactions(games(), state());
  bool cs16_reported = false;
  for (const auto& action : actions) {
    EXPECT_NE(action.outcome, RecoveryAction::Outcome::Failed) << action.description;
    if (action.game_id != "cs16")
      continue;
    cs16_reported = true;
    EXPECT_EQ(action.outcome,
              committed ? RecoveryAction::Outcome::Completed : RecoveryAction::Outcome::RolledBack)
        << action.description;
  }
  if (point.step != Step::IntentCleared) {
    EXPECT_TRUE(cs16_reported);
  }
  expect_settled();
  const auto now = fs::exists(local()) ? std::optional(snapshot(local())) : std::nullopt;
  const auto listed = read_installed_files(state(), "cs16");
  switch (point.txn) {
    case Txn::Install:
      EXPECT_EQ(now, committed ? std::optional(expected_local(1)) : std::nullopt);
      EXPECT_EQ(listed, committed ? std::optional(files_of(expected_local(1))) : std::nullopt);
      break;
    case Txn::Update:
      EXPECT_EQ(now, committed ? updated_with_save() : *old_state);
      EXPECT_EQ(listed, files_of(expected_local(committed ? 2 : 1)));
      break;
    case Txn::Uninstall:
      EXPECT_EQ(now, committed ? std::nullopt : old_state);
      EXPECT_EQ(listed, committed ? std::nullopt : std::optional(files_of(expected_local(1))));
      break;
  }
  EXPECT_FALSE(
      fs::exists(game_state_dir(state(), "cs16") / path_from_utf8(kPendingInstalledFilesFile)));
  // And the game can be worked on again.
  const auto again =
      point.txn == Txn::Uninstall && !committed ? uninstall_game(env(), "cs16") : install();
  EXPECT_TRUE(again.has_value()) << again.error();
}

INSTANTIATE_TEST_SUITE_P(EveryStep, CrashPointTest, ::testing::ValuesIn(all_points()), point_name);

TEST_F(CrashTest, StepsAreTheDocumentedSequence) {
  for (auto txn : {Txn::Install, Txn::Update, Txn::Uninstall}) {
    fs::remove_all(root());
    fs::remove_all(state());
    write_payload(1);
    prepare(txn);
    std::vector<Step> recorded;
    const auto result = run(txn, [&](Step step) { recorded.push_back(step); });
    ASSERT_TRUE(result.has_value()) << result.error();
    EXPECT_EQ(recorded, steps_of(txn));
  }
}

TEST_F(CrashTest, CrashDuringRecoveryIsRecoveredNextTime) {
  prepare(Txn::Update);
  const auto child = run_in_child({&temp_}, [&] {
    (void)run(Txn::Update, [](Step step) {
      if (step == Step::NewLocalUnmarked)
        crash_here();
    });
  });
  ASSERT_TRUE(child.end && child.end->killed) << child.output;
  // Recovery removes the backup; kill it halfway through that.
  const auto recoverer = run_in_child({&temp_}, [&] {
    const auto intent = read_intent(intent_path(state(), "cs16"), root()).value();
    (void)recover_game_root(root(), "cs16", state(), intent, [](Step step) {
      if (step == Step::OwnedDirPartlyRemoved)
        crash_here();
    });
  });
  ASSERT_TRUE(recoverer.end && recoverer.end->killed) << recoverer.output;
  EXPECT_TRUE(fs::exists(root() / ".local.backup/.lanspread_owned"));
  recover_interrupted_transactions(games(), state());
  EXPECT_EQ(snapshot(local()), updated_with_save());
  expect_settled();
}

}  // namespace
}  // namespace lanspread::test
