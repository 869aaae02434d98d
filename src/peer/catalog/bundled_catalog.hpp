#pragma once

#include <string_view>

namespace lanspread::peer {

// data/catalog.jsonl, compiled in so the program needs no data files.
std::string_view bundled_catalog_text();

}  // namespace lanspread::peer
