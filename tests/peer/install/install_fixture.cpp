#include "install_fixture.hpp"

#include "test_archives.hpp"

namespace lanspread::test {
namespace fs = std::filesystem;
namespace {

std::string map_data(int version) {
  return random_bytes(64 * 1024, static_cast<unsigned>(version));
}

}  // namespace

InstallFixture::InstallFixture() {
  fs::create_directories(games());
  fs::create_directories(state());
}

void InstallFixture::write_payload(int version) {
  const auto v = std::to_string(version);
  fs::create_directories(root());
  write_archive(root() / "a_data.tar", {{.path = "bin", .type = TestEntry::Type::Dir},
                                        {.path = "bin/game.exe", .data = "exe v" + v},
                                        {.path = "data/map.dat", .data = map_data(version)},
                                        {.path = "data/v" + v + ".txt", .data = v}});
  write_archive(root() / "b_patch.zip", {{.path = "bin/game.exe", .data = "patched exe v" + v}},
                TestFormat::Zip);
  write_file(root() / "readme.txt", "read me v" + v);
  write_file(root() / "version.ini", "2024010" + v);
}

std::map<std::string, std::string> InstallFixture::expected_local(int version) {
  const auto v = std::to_string(version);
  return {{"bin", "dir"},
          {"bin/game.exe", "file:patched exe v" + v},
          {"data", "dir"},
          {"data/map.dat", "file:" + map_data(version)},
          {"data/v" + v + ".txt", "file:" + v},
          {"readme.txt", "file:read me v" + v}};
}

}  // namespace lanspread::test
