#include "platform/user_folders.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "base/utf8_path.hpp"

#ifdef _WIN32
#include <windows.h>
#endif

namespace lanspread::platform {
namespace {

Environment environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end())
      return std::nullopt;
    return found->second;
  };
}

#ifndef _WIN32

TEST(UserFoldersTest, StateAndGamesLiveUnderHomeByDefault) {
  const auto folders = user_folders(environment({{"HOME", "/home/jürgen"}}));
  EXPECT_EQ(folders.home, path_from_utf8("/home/jürgen"));
  EXPECT_EQ(utf8_of(folders.state), "/home/jürgen/.local/state/lanspread");
  EXPECT_EQ(utf8_of(folders.games), "/home/jürgen/.local/share/lanspread/games");
}

TEST(UserFoldersTest, TheXdgFoldersWinWhenAbsolute) {
  const auto folders = user_folders(environment(
      {{"HOME", "/home/ana"}, {"XDG_STATE_HOME", "/var/state"}, {"XDG_DATA_HOME", "/data"}}));
  EXPECT_EQ(folders.state, "/var/state/lanspread");
  EXPECT_EQ(folders.games, "/data/lanspread/games");
}

TEST(UserFoldersTest, RelativeXdgFoldersAreIgnored) {
  const auto folders = user_folders(
      environment({{"HOME", "/home/ana"}, {"XDG_STATE_HOME", "state"}, {"XDG_DATA_HOME", "data"}}));
  EXPECT_EQ(folders.state, "/home/ana/.local/state/lanspread");
  EXPECT_EQ(folders.games, "/home/ana/.local/share/lanspread/games");
}

TEST(UserFoldersTest, WithoutAHomeTheFoldersAreUnderTheWorkingDirectory) {
  const auto folders = user_folders(environment({}));
  EXPECT_EQ(folders.home, std::nullopt);
  EXPECT_EQ(folders.state, "./.local/state/lanspread");
}

TEST(UserFoldersTest, TheProcessEnvironmentIsReadAsUtf8) {
  ASSERT_EQ(::setenv("LANSPREAD_TEST_VARIABLE", "Spiele für alle", 1), 0);
  EXPECT_EQ(environment_variable("LANSPREAD_TEST_VARIABLE"), "Spiele für alle");
  ::unsetenv("LANSPREAD_TEST_VARIABLE");
  EXPECT_EQ(environment_variable("LANSPREAD_TEST_VARIABLE"), std::nullopt);
}

#else

TEST(UserFoldersTest, StateIsInLocalAppDataAndGamesInTheProfile) {
  const auto folders =
      user_folders(environment({{"USERPROFILE", "C:\\Users\\Jürgen"},
                                {"LOCALAPPDATA", "C:\\Users\\Jürgen\\AppData\\Local"}}));
  EXPECT_EQ(folders.home, path_from_utf8("C:\\Users\\Jürgen"));
  EXPECT_EQ(utf8_of(folders.state), "C:\\Users\\Jürgen\\AppData\\Local\\Lanspread");
  EXPECT_EQ(utf8_of(folders.games), "C:\\Users\\Jürgen\\Lanspread Games");
}

TEST(UserFoldersTest, WithoutLocalAppDataStateIsWhereItUsuallyIs) {
  const auto folders = user_folders(environment({{"USERPROFILE", "D:\\Profiles\\ana"}}));
  EXPECT_EQ(utf8_of(folders.state), "D:\\Profiles\\ana\\AppData\\Local\\Lanspread");
}

TEST(UserFoldersTest, RelativeFoldersAreIgnored) {
  const auto folders =
      user_folders(environment({{"USERPROFILE", "ana"}, {"LOCALAPPDATA", "AppData"}}));
  EXPECT_EQ(folders.home, std::nullopt);
  EXPECT_EQ(utf8_of(folders.state), ".\\AppData\\Local\\Lanspread");
  EXPECT_EQ(utf8_of(folders.games), ".\\Lanspread Games");
}

TEST(UserFoldersTest, TheProcessEnvironmentIsReadAsUtf8) {
  ASSERT_NE(::SetEnvironmentVariableW(L"LANSPREAD_TEST_VARIABLE", L"Spiele f\u00fcr alle"), 0);
  EXPECT_EQ(environment_variable("LANSPREAD_TEST_VARIABLE"), "Spiele für alle");
  ASSERT_NE(::SetEnvironmentVariableW(L"LANSPREAD_TEST_VARIABLE", L""), 0);
  EXPECT_EQ(environment_variable("LANSPREAD_TEST_VARIABLE"), "");
  ASSERT_NE(::SetEnvironmentVariableW(L"LANSPREAD_TEST_VARIABLE", nullptr), 0);
  EXPECT_EQ(environment_variable("LANSPREAD_TEST_VARIABLE"), std::nullopt);
}

TEST(UserFoldersTest, TheProcessHasAProfileAndLocalAppData) {
  const auto folders = user_folders();
  EXPECT_TRUE(folders.home.has_value());
  EXPECT_EQ(folders.state.filename(), "Lanspread");
  EXPECT_TRUE(folders.state.is_absolute()) << utf8_of(folders.state);
}

#endif

}  // namespace
}  // namespace lanspread::platform
