#pragma once

#include <functional>
#include <string_view>

namespace lanspread::peer::install {

// The moments between two durable changes of a transaction; each is a place
// a crash can happen, and recovery must cope with every one of them.
//   install:   IntentRecorded, StagingCreated, StagingInPlace,
//              ArchiveSetUnpacked (once per set), LooseFilesCopied,
//              NewLocalInPlace, NewLocalUnmarked, IntentCleared
//   update:    IntentRecorded, LocalMarked, BackupInPlace, StagingCreated,
//              StagingInPlace, ArchiveSetUnpacked..., LooseFilesCopied,
//              UserFilesCarriedOver, NewLocalInPlace, NewLocalRecorded,
//              NewLocalUnmarked,
//              OwnedDirPartlyRemoved,
//              BackupRemoved, IntentCleared
//   uninstall: IntentRecorded, LocalMarked, LocalMovedAside,
//              OwnedDirPartlyRemoved, AsideRemoved, IntentCleared
enum class Step {
  IntentRecorded,         // install_intent.json written
  LocalMarked,            // .lanspread_owned written into the current local/
  BackupInPlace,          // local/ renamed to .local.backup/
  StagingCreated,         // .lanspread.staging/ made and marked
  StagingInPlace,         // renamed to .local.installing/
  ArchiveSetUnpacked,     // one more archive set is in .local.installing/
  LooseFilesCopied,       // loose root files are in .local.installing/
  UserFilesCarriedOver,   // update: the user's files of the old local/ copied in too
  NewLocalInPlace,        // .local.installing/ renamed to local/
  NewLocalRecorded,       // update: the intent says the new local/ is in place
  NewLocalUnmarked,       // the marker inside the new local/ removed
  OwnedDirPartlyRemoved,  // an owned folder is being removed, marker still there
  BackupRemoved,          // .local.backup/ gone
  LocalMovedAside,        // uninstall: local/ renamed to .lanspread.removing/
  AsideRemoved,           // .lanspread.removing/ gone
  IntentCleared,          // install_intent.json removed: the transaction is over
};

std::string_view to_string(Step step);

// Called at every step; tests make it kill the process to simulate a crash.
using StepHook = std::function<void(Step)>;

}  // namespace lanspread::peer::install
