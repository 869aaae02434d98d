#pragma once

#include <string>

#include "cli/global_options.hpp"

namespace lanspread::cli {

enum class Transaction { Install, Uninstall, Remove, Verify };

// `lanspread install|uninstall|remove|verify ID`: the local transactions, no
// network needed. Interrupted transactions of earlier runs are settled first.
// Returns the exit code: 0 done, 1 failed or cancelled (reason on stderr).
int run_transaction(const GlobalOptions& options, Transaction transaction,
                    const std::string& game_id);

}  // namespace lanspread::cli
