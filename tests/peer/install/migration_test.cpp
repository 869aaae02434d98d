#include "peer/install/migration.hpp"

#include <gtest/gtest.h>

#include "install_fixture.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/recovery.hpp"
#include "test_archives.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace peer::install;

peer::Catalog catalog() {
  return peer::Catalog::
      parse(R"({"id":"cs16","name":"CS","description":"d","genre":"g","max_players":32,"release_year":2003,"size_bytes":1})",
            "test")
          .value();
}

class MigrationTest : public InstallFixture {};

TEST_F(MigrationTest, MovesLegacyFilesIntoTheStateDirectoryOnce) {
  write_payload(1);
  write_file(root() / ".lanspread.json", R"({"played":3})");
  write_file(games() / "notacatalogid/.lanspread.json", "{}");
  auto report = migrate_legacy_files(games(), state(), catalog());
  EXPECT_TRUE(report.problems.empty());
  ASSERT_EQ(report.moved.size(), 1u);
  EXPECT_FALSE(fs::exists(root() / ".lanspread.json"));
  EXPECT_EQ(read_file(state() / "games/cs16/lanspread.json"), R"({"played":3})");
  EXPECT_TRUE(fs::exists(games() / "notacatalogid/.lanspread.json"));

  report = migrate_legacy_files(games(), state(), catalog());
  EXPECT_TRUE(report.moved.empty());
  EXPECT_EQ(read_file(state() / "games/cs16/lanspread.json"), R"({"played":3})");
}

TEST_F(MigrationTest, InterruptedMigrationFinishesWithoutDuplicates) {
  write_payload(1);
  write_file(root() / ".lanspread.json", "same");
  write_file(state() / "games/cs16/lanspread.json", "same");  // copied, not yet deleted
  const auto report = migrate_legacy_files(games(), state(), catalog());
  EXPECT_EQ(report.moved.size(), 1u);
  EXPECT_FALSE(fs::exists(root() / ".lanspread.json"));
  EXPECT_FALSE(fs::exists(state() / "games/cs16/lanspread.json.legacy"));
}

TEST_F(MigrationTest, ConflictKeepsBoth) {
  write_payload(1);
  write_file(root() / ".lanspread.json", "old");
  write_file(state() / "games/cs16/lanspread.json", "new");
  migrate_legacy_files(games(), state(), catalog());
  EXPECT_EQ(read_file(state() / "games/cs16/lanspread.json"), "new");
  EXPECT_EQ(read_file(state() / "games/cs16/lanspread.json.legacy"), "old");
  EXPECT_FALSE(fs::exists(root() / ".lanspread.json"));
}

TEST_F(MigrationTest, LegacyIntentIsRecoveredFromItsNewPlace) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  // An earlier layout's interrupted update: intent in the root, no game_root.
  fs::rename(local(), root() / ".local.backup");
  write_file(root() / ".lanspread_install_intent.json", R"({"operation":"update"})");
  migrate_legacy_files(games(), state(), catalog());
  EXPECT_FALSE(fs::exists(root() / ".lanspread_install_intent.json"));
  ASSERT_TRUE(fs::exists(intent_path(state(), "cs16")));
  const auto actions = recover_interrupted_transactions(games(), state());
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].operation, Operation::Update);
  EXPECT_EQ(snapshot(local()), expected_local(1));
  EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
}

}  // namespace
}  // namespace lanspread::test
