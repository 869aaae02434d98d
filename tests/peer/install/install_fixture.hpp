#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "peer/install/libarchive_unpacker.hpp"
#include "peer/install/transactions.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::test {

// A game folder and a state folder with one downloadable game, "cs16", whose
// payload is two archive sets and a loose file in either of two versions.
class InstallFixture : public ::testing::Test {
 protected:
  InstallFixture();

  std::filesystem::path games() const { return temp_ / "games"; }
  std::filesystem::path state() const { return temp_ / "state"; }
  std::filesystem::path root() const { return games() / "cs16"; }
  std::filesystem::path local() const { return root() / "local"; }

  peer::install::TransactionEnv env(peer::install::StepHook hook = {}) {
    return {.game_dir = games(), .state_dir = state(), .unpacker = unpacker_, .on_step = hook};
  }

  // Replaces the payload with version `version` (1 or 2).
  void write_payload(int version);
  // What local/ holds after installing version `version`.
  static std::map<std::string, std::string> expected_local(int version);

  Result<void> install(peer::install::StepHook hook = {}) {
    return peer::install::install_game(env(std::move(hook)), "cs16", {}, {});
  }

  TempDir temp_;
  peer::install::LibarchiveUnpacker unpacker_;
};

}  // namespace lanspread::test
