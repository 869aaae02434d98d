#pragma once

#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "peer/install/transactions.hpp"

namespace lanspread::peer::install {

struct VerifyReport {
  std::string game_id;
  bool downloaded = false;            // a regular version.ini is present
  bool installed = false;             // local/ is a folder
  std::vector<std::string> problems;  // in words; empty when all is well

  bool ok() const { return problems.empty(); }
};

// Checks what is on disk against itself: the sentinel, that every archive set
// opens and lists to its end, no interrupted transaction or leftover, and,
// when installed, that every file the archives and loose files name is in
// local/ with the size they give. Reads headers only, so it is quick even for
// big games; it is not a hash check of the payload.
VerifyReport verify_game(const TransactionEnv& env, std::string_view game_id, std::stop_token stop);

}  // namespace lanspread::peer::install
