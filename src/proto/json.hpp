#pragma once

#include <nlohmann/json.hpp>

#include "proto/file_description.hpp"
#include "proto/game.hpp"

// The wire representation of these types (see codec.hpp), for reuse wherever
// they are stored or printed as JSON. Found by ADL, so `nlohmann::json j =
// game;` and `j.get<std::vector<Game>>()` work.
namespace lanspread::proto {

void to_json(nlohmann::json& out, const Game& game);
void to_json(nlohmann::json& out, const GameFileDescription& file);

// Validate exactly as decode_response() does. On failure they throw
// nlohmann::json::type_error (id 302) whose message names the offending
// field, so callers catching nlohmann::json::exception handle both malformed
// JSON and malformed content.
void from_json(const nlohmann::json& in, Game& game);
void from_json(const nlohmann::json& in, GameFileDescription& file);

}  // namespace lanspread::proto
