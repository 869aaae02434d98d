#include "peer/install/steps.hpp"

namespace lanspread::peer::install {

std::string_view to_string(Step step) {
  switch (step) {
    case Step::IntentRecorded:
      return "intent-recorded";
    case Step::LocalMarked:
      return "local-marked";
    case Step::BackupInPlace:
      return "backup-in-place";
    case Step::StagingCreated:
      return "staging-created";
    case Step::StagingInPlace:
      return "staging-in-place";
    case Step::ArchiveSetUnpacked:
      return "archive-set-unpacked";
    case Step::LooseFilesCopied:
      return "loose-files-copied";
    case Step::UserFilesCarriedOver:
      return "user-files-carried-over";
    case Step::NewLocalInPlace:
      return "new-local-in-place";
    case Step::NewLocalRecorded:
      return "new-local-recorded";
    case Step::NewLocalUnmarked:
      return "new-local-unmarked";
    case Step::OwnedDirPartlyRemoved:
      return "owned-dir-partly-removed";
    case Step::BackupRemoved:
      return "backup-removed";
    case Step::LocalMovedAside:
      return "local-moved-aside";
    case Step::AsideRemoved:
      return "aside-removed";
    case Step::IntentCleared:
      return "intent-cleared";
  }
  return "unknown";
}

}  // namespace lanspread::peer::install
