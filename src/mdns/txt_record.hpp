#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mdns/dns_message.hpp"

namespace lanspread::mdns {

// RFC 6763 §6.4: the value of the first string whose key matches
// (case-insensitively); an empty optional when the key is absent, an empty
// string for "key=" and for a bare "key".
std::optional<std::string> txt_value(const TxtData& txt, std::string_view key);

}  // namespace lanspread::mdns
