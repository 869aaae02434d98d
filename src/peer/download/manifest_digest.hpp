#pragma once

#include <vector>

#include "proto/file_description.hpp"

namespace lanspread::peer::download {

// Names one exact manifest: SHA-256 over every entry's path, kind, size,
// block size and block hashes, in manifest order. Two downloaders trade
// blocks by plan index only when their digests match, since the plan is
// derived from the manifest.
proto::Sha256Digest manifest_digest(const std::vector<proto::GameFileDescription>& manifest);

}  // namespace lanspread::peer::download
