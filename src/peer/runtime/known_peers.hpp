#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace lanspread::peer {

// Which key each peer name went by (name -> peer id), remembered in a small
// JSON file so that a name that turns up with another key is noticed across
// runs. Names are what peers call themselves, so they are not unique: a
// change means "look at this", not proof of an attack.
class KnownPeers {
 public:
  using Names = std::map<std::string, std::string>;

  // At most this many names are remembered; later ones are not recorded.
  static constexpr std::size_t kMaxNames = 1024;

  // Loads `file`; a missing file is empty, a broken one is logged and
  // replaced on the next change.
  explicit KnownPeers(std::filesystem::path file);

  struct Recorded {
    bool changed = false;                 // the names differ: the file needs writing
    std::optional<std::string> previous;  // the peer id the name went by before, if another
  };
  // Records, in memory, that `name` goes by `peer_id` now.
  Recorded record(const std::string& name, const std::string& peer_id);

  const std::filesystem::path& file() const { return file_; }
  const Names& names() const { return names_; }

  // Replaces `file` with `names` (atomically, with fsync). Blocking: the
  // runtime calls it on its disk thread.
  static Result<void> save(const std::filesystem::path& file, const Names& names);

 private:
  std::filesystem::path file_;
  Names names_;
};

}  // namespace lanspread::peer
