#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace lanspread::peer {

// Which key each peer name went by (name -> peer id), remembered in a small
// JSON file so that a name that turns up with another key is noticed across
// runs. Names are what peers call themselves, so they are not unique: a
// change means "look at this", not proof of an attack.
class KnownPeers {
 public:
  // At most this many names are remembered; later ones are not recorded.
  static constexpr std::size_t kMaxNames = 1024;

  // Loads `file`; a missing file is empty, a broken one is logged and
  // replaced on the next change.
  explicit KnownPeers(std::filesystem::path file);

  // Records that `name` goes by `peer_id` now. Returns the peer id it went by
  // before when that differs. Saving failures are logged, never fatal.
  std::optional<std::string> record(const std::string& name, const std::string& peer_id);

  const std::map<std::string, std::string>& names() const { return names_; }

 private:
  void save() const;

  std::filesystem::path file_;
  std::map<std::string, std::string> names_;
};

}  // namespace lanspread::peer
