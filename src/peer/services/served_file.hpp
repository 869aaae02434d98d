#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.hpp"
#include "platform/directory_handle.hpp"
#include "proto/response.hpp"

namespace lanspread::peer {

// A file a peer asked for, opened for positioned reads, or the refusal the
// server answers with. The request's path is checked before the disk is
// touched (no absolute paths, no "..", no empty or unservable components,
// nothing under local/ or the reserved root entries), and every component is
// then opened relative to its parent without following symlinks, so no
// request can reach outside the game root, not even through a link swapped
// in meanwhile.
using ServedFile = Result<platform::ReadOnlyFile, proto::ErrorResponse>;

ServedFile open_served_file(const std::filesystem::path& game_dir, std::string_view game_id,
                            std::string_view relative_path);

}  // namespace lanspread::peer
