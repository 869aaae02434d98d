#pragma once

#include <map>
#include <string>
#include <string_view>

namespace lanspread::peer {

enum class OperationKind { Downloading, Installing, Updating, Uninstalling, Removing };

std::string_view to_string(OperationKind kind);

// game id -> what is running on it. Snapshots of this map are the single
// source of truth for "is something running on game X".
using ActiveOperations = std::map<std::string, OperationKind, std::less<>>;

}  // namespace lanspread::peer
