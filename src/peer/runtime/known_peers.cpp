#include "peer/runtime/known_peers.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "platform/atomic_file.hpp"

namespace lanspread::peer {

KnownPeers::KnownPeers(std::filesystem::path file) : file_(std::move(file)) {
  std::ifstream in(file_, std::ios::binary);
  if (!in)
    return;
  try {
    const auto document = nlohmann::json::parse(in);
    for (const auto& [name, id] : document.at("names").items()) {
      if (id.is_string() && names_.size() < kMaxNames)
        names_.emplace(name, id.get<std::string>());
    }
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("ignoring unreadable {}: {}", file_.string(), e.what());
  }
}

std::optional<std::string> KnownPeers::record(const std::string& name, const std::string& peer_id) {
  const auto it = names_.find(name);
  if (it != names_.end() && it->second == peer_id)
    return std::nullopt;
  std::optional<std::string> previous;
  if (it != names_.end()) {
    previous = it->second;
    it->second = peer_id;
  } else if (names_.size() < kMaxNames) {
    names_.emplace(name, peer_id);
  } else {
    return std::nullopt;
  }
  save();
  return previous;
}

void KnownPeers::save() const {
  const nlohmann::json document = {{"names", names_}};
  if (const auto error = platform::write_file_atomically(
          file_, document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"))
    spdlog::warn("cannot remember known peers in {}: {}", file_.string(), *error);
}

}  // namespace lanspread::peer
