#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace lanspread::peer {

struct CatalogEntry {
  std::string id;
  std::string name;
  std::string description;
  std::string genre;
  std::uint32_t max_players = 0;
  std::uint32_t release_year = 0;
  std::uint64_t size_bytes = 0;  // typical download size, shown before anybody has it

  bool operator==(const CatalogEntry&) const = default;
};

// The titles Lanspread knows. Only folders named after a catalog id are
// scanned, announced or served. The format is JSON Lines: one title per line,
// so every error can name its line; blank lines and lines starting with '#'
// are ignored.
class Catalog {
 public:
  // Parses catalog text; `source` names it in error messages. Refused at
  // the first bad line, with an error that names the source and the line.
  static Result<Catalog> parse(std::string_view text, std::string_view source);

  // The catalog compiled into the program.
  static Catalog bundled();

  // The bundled catalog extended (and overridden by id) by the user's
  // `<state_dir>/catalog.jsonl` when that file exists; refused when that
  // file cannot be read or has a bad line.
  static Result<Catalog> load(const std::filesystem::path& state_dir);

  // Adds the titles of `other`; an id already present is replaced.
  void merge(const Catalog& other);

  const CatalogEntry* find(std::string_view id) const;
  bool contains(std::string_view id) const { return find(id) != nullptr; }
  std::size_t size() const { return entries_.size(); }
  std::vector<const CatalogEntry*> entries() const;

 private:
  std::map<std::string, CatalogEntry, std::less<>> entries_;
};

inline constexpr std::string_view kUserCatalogFile = "catalog.jsonl";

}  // namespace lanspread::peer
