#include "peer/install/transactions.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "install_fixture.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/installed_files.hpp"
#include "peer/install/recovery.hpp"
#include "peer/install/verify.hpp"
#include "support/wine.hpp"
#include "test_archives.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace peer::install;

const fs::path kSamples = LANSPREAD_TEST_ARCHIVES;

peer::Catalog catalog() {
  return peer::Catalog::parse(
             R"({"id":"cs16","name":"CS","description":"d","genre":"g","max_players":32,"release_year":2003,"size_bytes":1}
{"id":"quake","name":"Quake","description":"d","genre":"g","max_players":16,"release_year":1996,"size_bytes":1})",
             "test")
      .value();
}

class TransactionsTest : public InstallFixture {
 protected:
  void expect_only_payload_and_local() const {
    for (const char* name : {".local.installing", ".local.backup", ".lanspread.staging",
                             ".lanspread.removing", "local/.lanspread_owned"})
      EXPECT_FALSE(fs::exists(fs::symlink_status(root() / name))) << name;
    EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
  }
};

TEST_F(TransactionsTest, InstallUnpacksEverySetAndCopiesLooseFiles) {
  write_payload(1);
  std::vector<InstallProgress> seen;
  const auto result =
      install_game(env(), "cs16", [&](const InstallProgress& p) { seen.push_back(p); }, {});
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(snapshot(local()), expected_local(1));
  expect_only_payload_and_local();
  EXPECT_TRUE(fs::exists(root() / "a_data.tar"));  // the payload stays for peers
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().done, seen.back().total);
  for (std::size_t i = 1; i < seen.size(); ++i)
    EXPECT_GE(seen[i].done, seen[i - 1].done);
}

TEST_F(TransactionsTest, SecondInstallIsAnUpdate) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_payload(2);
  const auto result = install();
  ASSERT_TRUE(result.has_value()) << result.error();
  // data/v1.txt, which only version 1 shipped, is gone.
  EXPECT_EQ(snapshot(local()), expected_local(2));
  expect_only_payload_and_local();
}

TEST_F(TransactionsTest, UpdateKeepsTheFilesTheUserAdded) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_file(local() / "saves/slot1.sav", "my progress");
  write_file(local() / "bin/user.cfg", "sensitivity 3");
  write_file(local() / "data/v2.txt", "mine");  // a name version 2 ships: the new file wins
  write_file(local() / "data/v1.txt",
             "edited");  // the old version's file, edited: still the game's
  write_payload(2);
  ASSERT_TRUE(install().has_value());
  auto expected = expected_local(2);
  expected["saves"] = "dir";
  expected["saves/slot1.sav"] = "file:my progress";
  expected["bin/user.cfg"] = "file:sensitivity 3";
  EXPECT_EQ(snapshot(local()), expected);
  expect_only_payload_and_local();

  // Kept files stay the user's in the next update too.
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  EXPECT_EQ(read_file(local() / "saves/slot1.sav"), "my progress");
  EXPECT_FALSE(fs::exists(local() / "data/v2.txt"));
}

TEST_F(TransactionsTest, UpdateDoesNotFollowSymlinksOutOfLocal) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_file(temp_ / "elsewhere/secret.txt", "not the game's");
  test::create_symlink(temp_ / "elsewhere", local() / "linked_dir");
  test::create_symlink(temp_ / "elsewhere/secret.txt", local() / "linked_file");
  write_payload(2);
  ASSERT_TRUE(install().has_value());
  EXPECT_EQ(snapshot(local()), expected_local(2));
  EXPECT_EQ(read_file(temp_ / "elsewhere/secret.txt"), "not the game's");
}

// A link the user made in local/ (to a saves folder elsewhere, say) goes with
// local/; what it leads to stays. mingw's remove_all would follow it.
TEST_F(TransactionsTest, UninstallRemovesLinksNotWhatTheyLeadTo) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_file(temp_ / "elsewhere/secret.txt", "not the game's");
  test::create_symlink(temp_ / "elsewhere", local() / "linked_dir");
  test::create_symlink(temp_ / "elsewhere/secret.txt", local() / "linked_file");
  const auto result = uninstall_game(env(), "cs16");
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_FALSE(fs::exists(fs::symlink_status(local())));
  EXPECT_EQ(read_file(temp_ / "elsewhere/secret.txt"), "not the game's");
}

TEST_F(TransactionsTest, UpdateOfAnInstallWithoutFileListKeepsNothing) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  // As an earlier Lanspread left it.
  fs::remove(game_state_dir(state(), "cs16") / path_from_utf8(kInstalledFilesFile));
  write_file(local() / "saves/slot1.sav", "my progress");
  write_payload(2);
  ASSERT_TRUE(install().has_value());
  EXPECT_EQ(snapshot(local()), expected_local(2));
}

TEST_F(TransactionsTest, InstallKeepsNonAsciiNames) {
  fs::create_directories(root());
  write_archive(root() / "spiel.zip",
                {{.path = "Übung/größe.txt", .data = "ü"}, {.path = "日本語.dat", .data = "j"}},
                TestFormat::Zip);
  write_file(root() / path_from_utf8("lisez-moi-é.txt"), "é");
  write_file(root() / "version.ini", "1");
  const auto result = install();
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(snapshot(local()), (std::map<std::string, std::string>{{"Übung", "dir"},
                                                                   {"Übung/größe.txt", "file:ü"},
                                                                   {"日本語.dat", "file:j"},
                                                                   {"lisez-moi-é.txt", "file:é"}}));
  EXPECT_EQ(read_installed_files(state(), "cs16"),
            (FileList{"Übung/größe.txt", "lisez-moi-é.txt", "日本語.dat"}));
  expect_only_payload_and_local();
  const auto verified = verify_game(env(), "cs16", {});
  EXPECT_TRUE(verified.problems.empty()) << verified.problems.front();
}

// Windows does not rename a folder while a file in it is open (the game
// running): the uninstall rolls back and says why. Wine renames it, as POSIX
// does, but deletes no file open without delete sharing, as Windows does:
// the uninstall stops past its commit point and the next start finishes it.
TEST_F(TransactionsTest, UninstallWhileAFileInLocalIsOpen) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  std::ifstream running(local() / "bin/game.exe");
  ASSERT_TRUE(running.is_open());
  const auto result = uninstall_game(env(), "cs16");
#ifdef _WIN32
  ASSERT_FALSE(result.has_value());
  if (!running_under_wine()) {
    EXPECT_NE(result.error().message.find("close the game"), std::string::npos) << result.error();
    EXPECT_EQ(snapshot(local()), expected_local(1));
    expect_only_payload_and_local();
    return;
  }
  EXPECT_NE(result.error().message.find("cannot remove"), std::string::npos) << result.error();
  EXPECT_FALSE(fs::exists(local()));
  EXPECT_TRUE(fs::exists(intent_path(state(), "cs16")));
  running.close();
  const auto actions = recover_interrupted_transactions(games(), state());
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].outcome, RecoveryAction::Outcome::Completed) << actions[0].description;
  EXPECT_FALSE(fs::exists(root() / ".lanspread.removing"));
  expect_only_payload_and_local();
#else
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_FALSE(fs::exists(local()));
#endif
}

TEST_F(TransactionsTest, UninstallForgetsTheInstalledFiles) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  const auto list = game_state_dir(state(), "cs16") / path_from_utf8(kInstalledFilesFile);
  ASSERT_TRUE(fs::exists(list));
  EXPECT_EQ(read_installed_files(state(), "cs16"),
            (FileList{"bin/game.exe", "data/map.dat", "data/v1.txt", "readme.txt"}));
  ASSERT_TRUE(uninstall_game(env(), "cs16").has_value());
  EXPECT_FALSE(fs::exists(list));
}

TEST_F(TransactionsTest, FailedUpdateRestoresThePreviousInstall) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_payload(2);
  write_file(root() / "c_broken.zip", random_bytes(4000, 9));
  const auto result = install();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("c_broken.zip"), std::string::npos) << result.error();
  EXPECT_EQ(snapshot(local()), expected_local(1));
  expect_only_payload_and_local();
}

// The payload's good sets unpack first; the bad sample comes last ("c_").
TEST_F(TransactionsTest, FailedInstallLeavesNothingHalfUnpacked) {
  for (const auto& [sample, reason] :
       {std::pair{"test_read_format_rar5_encrypted.rar", "encrypted archive"},
        std::pair{"test_read_format_rar5_bad_tables.rar", "corrupt"}}) {
    SCOPED_TRACE(sample);
    fs::remove_all(root());
    write_payload(1);
    fs::copy_file(kSamples / sample, root() / "c_bad.rar");
    const auto result = install();
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message.find(reason), std::string::npos) << result.error();
    EXPECT_FALSE(fs::exists(local()));
    expect_only_payload_and_local();
  }
}

TEST_F(TransactionsTest, UpdateWithACorruptArchiveRestoresThePreviousInstall) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_payload(2);
  fs::copy_file(kSamples / "test_read_format_rar5_bad_tables.rar", root() / "c_bad.rar");
  const auto result = install();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("corrupt"), std::string::npos) << result.error();
  EXPECT_EQ(snapshot(local()), expected_local(1));
  expect_only_payload_and_local();
}

TEST_F(TransactionsTest, CancelledUpdateRestoresThePreviousInstall) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  write_payload(2);
  std::stop_source stop;
  const auto result = install_game(
      env(), "cs16", [&](const InstallProgress&) { stop.request_stop(); }, stop.get_token());
  EXPECT_TRUE(result.was_cancelled());
  EXPECT_EQ(snapshot(local()), expected_local(1));
  expect_only_payload_and_local();
}

TEST_F(TransactionsTest, InstallRefusedWhenNotDownloaded) {
  write_payload(1);
  fs::remove(root() / "version.ini");
  const auto result = install();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("not downloaded"), std::string::npos) << result.error();
  EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
}

TEST_F(TransactionsTest, UserFolderInTheWayIsKeptAndReported) {
  write_payload(1);
  write_file(root() / ".local.backup/mine.txt", "user data");
  const auto result = install();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find(".local.backup"), std::string::npos) << result.error();
  EXPECT_EQ(read_file(root() / ".local.backup/mine.txt"), "user data");
  EXPECT_FALSE(fs::exists(local()));
}

TEST_F(TransactionsTest, UninstallRemovesLocalAndKeepsPayload) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  const auto result = uninstall_game(env(), "cs16");
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_FALSE(fs::exists(local()));
  EXPECT_TRUE(fs::exists(root() / "version.ini"));
  EXPECT_TRUE(fs::exists(root() / "a_data.tar"));
  expect_only_payload_and_local();
  EXPECT_FALSE(uninstall_game(env(), "cs16").has_value());  // nothing left to uninstall
}

TEST_F(TransactionsTest, RemoveDownloadedGameRefusals) {
  write_payload(1);
  const auto cat = catalog();
  EXPECT_FALSE(remove_downloaded_game(env(), cat, "../cs16", false).has_value());
  EXPECT_FALSE(
      remove_downloaded_game(env(), cat, "halflife", false).has_value());        // not in catalog
  EXPECT_FALSE(remove_downloaded_game(env(), cat, "quake", false).has_value());  // no folder
  const auto busy = remove_downloaded_game(env(), cat, "cs16", true);
  EXPECT_FALSE(busy.has_value());
  EXPECT_NE(busy.error().message.find("running"), std::string::npos) << busy.error();
  ASSERT_TRUE(install().has_value());
  const auto installed = remove_downloaded_game(env(), cat, "cs16", false);
  EXPECT_NE(installed.error().message.find("installed"), std::string::npos) << installed.error();
  EXPECT_TRUE(fs::exists(root() / "a_data.tar"));
}

TEST_F(TransactionsTest, RemoveRequiresARegularVersionIni) {
  write_payload(1);
  const auto cat = catalog();
  fs::remove(root() / "version.ini");
  fs::create_directory(root() / "version.ini");
  EXPECT_FALSE(remove_downloaded_game(env(), cat, "cs16", false).has_value());
  fs::remove(root() / "version.ini");
  write_file(temp_ / "elsewhere.ini", "1");
  test::create_symlink(temp_ / "elsewhere.ini", root() / "version.ini");
  EXPECT_FALSE(remove_downloaded_game(env(), cat, "cs16", false).has_value());
  EXPECT_TRUE(fs::exists(root() / "a_data.tar"));
}

TEST_F(TransactionsTest, RemoveDownloadedGameDeletesTheRoot) {
  write_payload(1);
  fs::create_directories(games() / "quake");  // a neighbour stays
  const auto result = remove_downloaded_game(env(), catalog(), "cs16", false);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_FALSE(fs::exists(root()));
  EXPECT_TRUE(fs::exists(games() / "quake"));
}

TEST_F(TransactionsTest, RemoveDoesNotFollowASymlinkedRoot) {
  write_payload(1);
  fs::rename(root(), temp_ / "real_cs16");
  test::create_symlink(temp_ / "real_cs16", root());
  EXPECT_FALSE(remove_downloaded_game(env(), catalog(), "cs16", false).has_value());
  EXPECT_TRUE(fs::exists(temp_ / "real_cs16/version.ini"));
}

}  // namespace
}  // namespace lanspread::test
