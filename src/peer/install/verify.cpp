#include "peer/install/verify.hpp"

#include <array>
#include <map>

#include "base/utf8_path.hpp"
#include "peer/install/archive_set.hpp"
#include "peer/install/entry_name.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/owned_dir.hpp"
#include "peer/install/relative_name.hpp"
#include "peer/library/game_root_layout.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxFileProblems = 20;

// relative path in local/ -> expected size
using Expected = std::map<std::string, std::uint64_t>;

void expect_loose(const fs::path& entry, Expected& expected) {
  std::error_code ec;
  if (!is_real_directory(entry)) {
    expected[utf8_of(entry.filename())] = fs::file_size(entry, ec);
    return;
  }
  for (auto it = fs::recursive_directory_iterator(entry, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (examine_walked(it) == platform::EntryType::File) {
      const auto relative = entry.filename() / fs::relative(it->path(), entry);
      expected[relative_name(relative)] = it->file_size(ec);
    }
  }
}

void compare_local(const fs::path& local, const Expected& expected,
                   std::vector<std::string>& problems) {
  std::size_t reported = 0;
  std::size_t unreported = 0;
  for (const auto& [relative, size] : expected) {
    std::string problem;
    std::error_code ec;
    const auto file = local / path_from_utf8(relative);
    if (!is_real_file(file))
      problem = "local/" + relative + " is missing";
    else if (const auto actual = fs::file_size(file, ec); actual != size)
      problem = "local/" + relative + " has " + std::to_string(actual) + " bytes, expected " +
                std::to_string(size);
    if (problem.empty())
      continue;
    if (reported < kMaxFileProblems) {
      problems.push_back(std::move(problem));
      ++reported;
    } else {
      ++unreported;
    }
  }
  if (unreported > 0)
    problems.push_back("and " + std::to_string(unreported) + " more installed files differ");
}

}  // namespace

VerifyReport verify_game(const TransactionEnv& env, std::string_view game_id,
                         std::stop_token stop) {
  VerifyReport report{.game_id = std::string(game_id)};
  const fs::path root = env.game_dir / path_from_utf8(game_id);
  if (!is_real_directory(root)) {
    report.problems.push_back("there is no game folder " + utf8_of(root));
    return report;
  }
  std::error_code ec;
  const fs::path version = root / path_from_utf8(layout::kVersionFile);
  report.downloaded = is_real_file(version);
  const fs::path local = root / path_from_utf8(layout::kLocalDir);
  report.installed = is_real_directory(local);
  if (!report.downloaded)
    report.problems.push_back("version.ini is missing: the download is incomplete");
  else if (fs::file_size(version, ec) == 0)
    report.problems.push_back("version.ini is empty");
  if (exists_no_follow(intent_path(env.state_dir, game_id)))
    report.problems.push_back("an interrupted operation awaits recovery");
  for (const auto name :
       std::array{layout::kInstallingDir, layout::kBackupDir, kStagingTemp, kRemovingDir}) {
    if (exists_no_follow(root / path_from_utf8(name)))
      report.problems.push_back("leftover folder " + std::string(name));
  }

  const auto planned = plan_install(root);
  if (!planned) {
    report.problems.push_back(planned.error().message);
    return report;
  }
  Expected expected;
  for (const auto& set : planned->archives) {
    auto listed = env.unpacker.list(
        set,
        [&](const ArchiveEntryInfo& entry) {
          const auto name = check_entry_name(entry.path);
          if (entry.regular_file && name)
            expected[*name] = entry.size;
        },
        stop);
    if (listed.was_cancelled()) {
      report.problems.push_back("verification was cancelled");
      return report;
    }
    if (!listed)
      report.problems.push_back(listed.error().message);
  }
  for (const auto& entry : planned->loose_entries)
    expect_loose(entry, expected);
  if (report.installed)
    compare_local(local, expected, report.problems);
  return report;
}

}  // namespace lanspread::peer::install
