#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "peer/download/file_set.hpp"
#include "proto/file_description.hpp"

namespace lanspread::peer::download {

// The version-sentinel transaction of a download (docs/download.md), on one game
// root. The root is DOWNLOADED iff `version.ini` exists; this transaction
// makes that true only after every payload byte is on disk:
//
//   begin    checks every manifest path, refuses what would escape the root
//            or go through a symlink, checks the free space, parks an
//            existing version.ini as .version.ini.discarded, creates the
//            directories and files and sizes them (extending or shrinking,
//            never truncating what is already there).
//   files()  positioned writes of verified blocks.
//   commit   flushes the payload, writes the sentinel's bytes (kept in
//            memory until now) to .version.ini.tmp, fsyncs it, renames it to
//            version.ini, fsyncs the root, drops .version.ini.discarded.
//   fail     sweeps .version.ini.tmp and .version.ini.discarded; the old
//            sentinel is NOT restored (the payload is no longer that
//            version); the payload stays for a later resume.
//   cancel   discards the payload files of the manifest and the folders this
//            transaction created, sweeps the sentinel temporaries; keeps
//            local/ and every launcher file (.lanspread*).
//
// Nothing outside the game root is touched: every path is opened component
// by component from the root, never following a symlink.
class SentinelTransaction {
 public:
  // `files` is the manifest (dirs and the sentinel included); file indices of
  // writes are indices into it.
  static Result<SentinelTransaction> begin(const std::filesystem::path& game_root,
                                           std::vector<proto::GameFileDescription> files);

  SentinelTransaction(SentinelTransaction&&) noexcept;
  SentinelTransaction& operator=(SentinelTransaction&&) noexcept;
  // A transaction dropped unsettled fails (see fail()).
  ~SentinelTransaction();

  const FileSet& files() const;

  // `version_ini` must match the manifest's sentinel entry (size, and hash
  // when given). On failure the transaction stays open: the caller then
  // fails or cancels it.
  Result<void> commit(std::string_view version_ini);
  void fail();
  void cancel();

 private:
  struct State;
  explicit SentinelTransaction(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// What startup recovery does for a download a crash interrupted: removes
// .version.ini.tmp and .version.ini.discarded from `game_root` (the payload
// stays; the game is not DOWNLOADED until a download commits again).
void sweep_sentinel_temporaries(const std::filesystem::path& game_root);

}  // namespace lanspread::peer::download
