#pragma once

#include <string>

namespace lanspread::platform {

// This machine's name as UTF-8 (gethostname; Windows: its DNS host name,
// GetComputerNameExW), or "" when the system does not say.
std::string host_name();

}  // namespace lanspread::platform
