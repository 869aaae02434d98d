#pragma once

#include <asio/ip/udp.hpp>
#include <cstddef>
#include <optional>

namespace lanspread::platform {

// The MTU of the route to `remote` as the OS knows it: the outgoing
// interface's, or a smaller one the OS learned for that destination. The
// same figure TCP sizes its segments from. Nothing when the OS has no route.
std::optional<std::size_t> route_mtu(const asio::ip::udp::endpoint& remote);

}  // namespace lanspread::platform
