#include "peer/catalog/catalog.hpp"

#include <fmt/format.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "base/utf8_path.hpp"
#include "peer/catalog/bundled_catalog.hpp"
#include "peer/catalog/game_id.hpp"

namespace lanspread::peer {
namespace {

using nlohmann::json;

// What is wrong with one line. The checks of a line throw it, and parse()
// turns it into its Error with the source and line number; it never leaves
// this file.
class LineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const json& field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end())
    throw LineError(fmt::format("missing field '{}'", key));
  return *it;
}

std::string string_field(const json& object, const char* key, bool allow_empty) {
  const json& value = field(object, key);
  if (!value.is_string())
    throw LineError(fmt::format("field '{}' must be a string", key));
  auto text = value.get<std::string>();
  if (!allow_empty && text.empty())
    throw LineError(fmt::format("field '{}' is empty", key));
  return text;
}

std::uint64_t unsigned_field(const json& object, const char* key, std::uint64_t max) {
  const json& value = field(object, key);
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() > max) {
    throw LineError(fmt::format("field '{}' must be an integer from 0 to {}", key, max));
  }
  return value.get<std::uint64_t>();
}

CatalogEntry parse_entry(std::string_view line) {
  json object;
  try {
    object = json::parse(line);
  } catch (const json::parse_error& e) {
    throw LineError(fmt::format("not valid JSON ({})", e.what()));
  }
  if (!object.is_object())
    throw LineError("expected one JSON object per line");

  CatalogEntry entry;
  entry.id = string_field(object, "id", false);
  if (!is_valid_game_id(entry.id)) {
    throw LineError(fmt::format(
        "id '{}' is not a safe folder name (1-64 of a-z, 0-9, '_', '-'; not a reserved name)",
        entry.id));
  }
  entry.name = string_field(object, "name", false);
  entry.description = string_field(object, "description", true);
  entry.genre = string_field(object, "genre", true);
  constexpr auto kMax32 = std::numeric_limits<std::uint32_t>::max();
  entry.max_players = static_cast<std::uint32_t>(unsigned_field(object, "max_players", kMax32));
  entry.release_year = static_cast<std::uint32_t>(unsigned_field(object, "release_year", 9999));
  entry.size_bytes =
      unsigned_field(object, "size_bytes", std::numeric_limits<std::uint64_t>::max());
  return entry;
}

bool is_skipped_line(std::string_view line) {
  const auto first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

}  // namespace

Result<Catalog> Catalog::parse(std::string_view text, std::string_view source) {
  Catalog catalog;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (is_skipped_line(line))
      continue;
    try {
      auto entry = parse_entry(line);
      if (catalog.contains(entry.id)) {
        throw LineError(fmt::format("id '{}' appears twice", entry.id));
      }
      auto id = entry.id;
      catalog.entries_.emplace(std::move(id), std::move(entry));
    } catch (const LineError& e) {
      return Error{fmt::format("{}:{}: {}", source, line_number, e.what())};
    }
  }
  return catalog;
}

Catalog Catalog::bundled() {
  auto parsed = parse(bundled_catalog_text(), "bundled catalog");
  // data/catalog.jsonl is compiled in: a bad line is a bug of the build,
  // which the catalog's tests catch, not something a user can fix.
  if (!parsed)
    throw std::logic_error(parsed.error().message);
  return std::move(*parsed);
}

Result<Catalog> Catalog::load(const std::filesystem::path& state_dir) {
  Catalog catalog = bundled();
  const auto user_file = state_dir / kUserCatalogFile;
  std::ifstream in(user_file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (std::filesystem::exists(user_file, ec))
      return Error{fmt::format("{}: cannot be read", utf8_of(user_file))};
    return catalog;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto user = parse(text.str(), utf8_of(user_file));
  if (!user)
    return user.error();
  catalog.merge(*user);
  return catalog;
}

void Catalog::merge(const Catalog& other) {
  for (const auto& [id, entry] : other.entries_)
    entries_.insert_or_assign(id, entry);
}

const CatalogEntry* Catalog::find(std::string_view id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<const CatalogEntry*> Catalog::entries() const {
  std::vector<const CatalogEntry*> result;
  result.reserve(entries_.size());
  for (const auto& [id, entry] : entries_)
    result.push_back(&entry);
  return result;
}

}  // namespace lanspread::peer
