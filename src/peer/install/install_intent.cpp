#include "peer/install/install_intent.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/utf8_path.hpp"
#include "platform/atomic_file.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

constexpr int kFormat = 1;

std::optional<Operation> parse_operation(std::string_view text) {
  if (text == "install")
    return Operation::Install;
  if (text == "update")
    return Operation::Update;
  if (text == "uninstall")
    return Operation::Uninstall;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Operation operation) {
  switch (operation) {
    case Operation::Install:
      return "install";
    case Operation::Update:
      return "update";
    case Operation::Uninstall:
      return "uninstall";
  }
  return "unknown";
}

fs::path game_state_dir(const fs::path& state_dir, std::string_view game_id) {
  return state_dir / "games" / path_from_utf8(game_id);
}

fs::path intent_path(const fs::path& state_dir, std::string_view game_id) {
  return game_state_dir(state_dir, game_id) / path_from_utf8(kIntentFile);
}

std::string encode_intent(const InstallIntent& intent) {
  const nlohmann::json json = {{"format", kFormat},
                               {"operation", to_string(intent.operation)},
                               {"game_id", intent.game_id},
                               {"game_root", utf8_of(intent.game_root)},
                               {"new_local_in_place", intent.new_local_in_place}};
  return json.dump(2) + "\n";
}

Result<std::optional<InstallIntent>> read_intent(const fs::path& file,
                                                 const fs::path& game_root_if_missing) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::optional<InstallIntent>();
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return Error{utf8_of(file) + " is not valid JSON"};
  const auto operation = json.find("operation");
  if (operation == json.end() || !operation->is_string())
    return Error{utf8_of(file) + " has no operation"};
  const auto parsed = parse_operation(operation->get<std::string>());
  if (!parsed)
    return Error{utf8_of(file) + " has an unknown operation"};
  InstallIntent intent{.operation = *parsed, .game_root = game_root_if_missing};
  intent.game_id = utf8_of(file.parent_path().filename());
  if (const auto root = json.find("game_root"); root != json.end() && root->is_string())
    intent.game_root = path_from_utf8(root->get<std::string>());
  if (const auto in_place = json.find("new_local_in_place");
      in_place != json.end() && in_place->is_boolean())
    intent.new_local_in_place = in_place->get<bool>();
  return std::optional(std::move(intent));
}

Result<void> record_intent(const fs::path& state_dir, const InstallIntent& intent) {
  return platform::write_file_atomically(intent_path(state_dir, intent.game_id),
                                         encode_intent(intent));
}

Result<void> clear_intent(const fs::path& state_dir, std::string_view game_id) {
  const auto file = intent_path(state_dir, game_id);
  std::error_code ec;
  fs::remove(file, ec);
  if (ec)
    return Error{"cannot remove " + utf8_of(file) + ": " + ec.message()};
  platform::sync_directory(file.parent_path());
  return {};
}

}  // namespace lanspread::peer::install
