#pragma once

#include <filesystem>
#include <stop_token>
#include <vector>

#include "peer/download/block_plan.hpp"
#include "proto/file_description.hpp"

namespace lanspread::peer::download {

// Which blocks of `plan` are already on disk under `game_root` with the
// manifest's hash, so a resumed download (after a crash, a failure, or an
// update where most files did not change) does not fetch them again. Files
// are opened without following symlinks and read with positioned reads
// through one bounded buffer; a missing or unreadable file verifies nothing;
// a shorter file verifies the blocks it fully holds. Read-only: safe to run
// before the transaction begins. Stops early (the rest unverified) when
// `stop` is requested.
std::vector<bool> resume_scan(const std::filesystem::path& game_root,
                              const std::vector<proto::GameFileDescription>& files,
                              const BlockPlan& plan, std::stop_token stop = {});

}  // namespace lanspread::peer::download
