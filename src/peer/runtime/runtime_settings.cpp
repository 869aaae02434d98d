#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/utf8_path.hpp"
#include "peer/library/game_dir_check.hpp"
#include "peer/runtime/runtime.hpp"

// What outlives a run: settings.json (the game folder, peers by address,
// rate limits, the party key) and known_peers.json. The runtime is their
// only writer. Blocking writes (each with fsync) run on the disk thread, one
// at a time in the order of the changes, so the last change wins; a stop
// lets the disk thread finish the writes already asked for.
namespace lanspread::peer {
namespace fs = std::filesystem;

void Runtime::remember(std::function<void(Settings&)> change,
                       std::function<void(const Result<void>&)> then) {
  on_disk_any_folder([state_dir = options_.state_dir, change = std::move(change)](
                         DiskState&) { return update_settings(state_dir, change); },
                     std::move(then));
}

// Failures are logged, never fatal: the record only helps notice a change.
void Runtime::remember_known_peers() {
  on_disk_any_folder([file = known_peers_.file(), names = known_peers_.names()](
                         DiskState&) { return KnownPeers::save(file, names); },
                     [file = known_peers_.file()](const Result<void>& saved) {
                       if (!saved)
                         spdlog::warn("cannot remember known peers in {}: {}", utf8_of(file),
                                      saved.error().message);
                     });
}

void Runtime::remember_choices_made_before_start() {
  if (options_.remember_game_dir) {
    remember([game_dir = game_dir_](Settings& settings) { settings.game_dir = game_dir; },
             [this](const Result<void>& remembered) {
               if (!remembered)
                 command_failed(command::SetGameDir::kName, "",
                                "cannot remember the game folder: " + remembered.error().message);
             });
  }
  if (options_.remember_party_key) {
    remember([key = options_.party_key](Settings& settings) { settings.party_key = key; },
             [this](const Result<void>& remembered) {
               if (!remembered)
                 command_failed(command::SetPassphrase::kName, "",
                                "cannot remember the passphrase: " + remembered.error().message);
             });
  }
}

// Checked (a probe file is written) and remembered on the disk thread; the
// runtime moves to the folder only once both succeeded.
void Runtime::handle(const command::SetGameDir& command) {
  on_disk_any_folder(
      [state_dir = options_.state_dir, requested = command.path](DiskState&) -> Result<fs::path> {
        if (auto usable = check_game_dir(requested); !usable)
          return usable.error();
        auto path = fs::absolute(requested).lexically_normal();
        if (const auto remembered = update_settings(
                state_dir, [&path](Settings& settings) { settings.game_dir = path; });
            !remembered)
          return Error{"cannot remember the game folder: " + remembered.error().message};
        return path;
      },
      [this](const Result<fs::path>& checked) {
        if (!checked) {
          command_failed(command::SetGameDir::kName, "", checked.error().message);
          return;
        }
        use_game_dir(*checked);
      });
}

// Applied at once; remembered behind (a write that fails is logged).
void Runtime::handle(const command::SetRateLimits& command) {
  const auto& limits = command.limits;
  if (!(limits.upload_mbit >= 0) || !(limits.download_mbit >= 0)) {
    command_failed(command::SetRateLimits::kName, "", "a limit is a number of Mbit/s, 0 for none");
    return;
  }
  apply_rate_limits(limits);
  remember([limits](Settings& settings) { settings.rate_limits = limits; },
           [](const Result<void>& remembered) {
             if (!remembered)
               spdlog::warn("cannot remember the rate limits: {}", remembered.error().message);
           });
}

void Runtime::apply_rate_limits(const RateLimits& limits) {
  upload_rate_.set_rate(bytes_per_second(limits.upload_mbit));
  download_rate_.set_rate(bytes_per_second(limits.download_mbit));
  spdlog::info("upload limit {}, download limit {}",
               limits.upload_mbit > 0 ? fmt::format("{} Mbit/s", limits.upload_mbit) : "none",
               limits.download_mbit > 0 ? fmt::format("{} Mbit/s", limits.download_mbit) : "none");
  emit_(event::RateLimitsChanged{limits});
}

// Deriving the key takes a good half second on purpose, and remembering it
// writes a file: both on the disk thread. The key is used only once
// remembered.
void Runtime::handle(const command::SetPassphrase& command) {
  if (command.passphrase && command.passphrase->empty()) {
    command_failed(command::SetPassphrase::kName, "", "the passphrase is empty");
    return;
  }
  // The key, or none when the passphrase is cleared.
  using Derived = Result<std::optional<PartyKey>>;
  on_disk_any_folder(
      [state_dir = options_.state_dir, passphrase = command.passphrase](DiskState&) -> Derived {
        std::optional<PartyKey> key;
        if (passphrase) {
          auto derived = PartyKey::derive(*passphrase);
          if (!derived)
            return derived.error();
          key = *derived;
        }
        if (const auto remembered = update_settings(
                state_dir, [&key](Settings& settings) { settings.party_key = key; });
            !remembered)
          return Error{"cannot remember the passphrase: " + remembered.error().message};
        return key;
      },
      [this](const Derived& derived) {
        if (!derived) {
          command_failed(command::SetPassphrase::kName, "", derived.error().message);
          return;
        }
        apply_party_key(*derived);
      });
}

}  // namespace lanspread::peer
