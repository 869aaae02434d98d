#pragma once

#include <nlohmann/json_fwd.hpp>

#include "peer/library/local_game.hpp"
#include "peer/runtime/events.hpp"

namespace lanspread::peer {

// The JSON shape of events for the CLI's --json output and the app's event
// stream: {"event": "<event_name>", ...fields}.
nlohmann::json to_json(const PeerEvent& event);
nlohmann::json to_json(const LocalGame& game);

}  // namespace lanspread::peer
