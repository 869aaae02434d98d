#include "peer/runtime/known_peers.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/utf8_path.hpp"
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
    spdlog::warn("ignoring unreadable {}: {}", utf8_of(file_), e.what());
  }
}

KnownPeers::Recorded KnownPeers::record(const std::string& name, const std::string& peer_id) {
  const auto it = names_.find(name);
  if (it != names_.end() && it->second == peer_id)
    return {};
  if (it != names_.end()) {
    Recorded recorded{.changed = true, .previous = it->second};
    it->second = peer_id;
    return recorded;
  }
  if (names_.size() >= kMaxNames)
    return {};
  names_.emplace(name, peer_id);
  return {.changed = true};
}

Result<void> KnownPeers::save(const std::filesystem::path& file, const Names& names) {
  const nlohmann::json document = {{"names", names}};
  return platform::write_file_atomically(
      file, document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace lanspread::peer
