#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "peer/library/game_dir_check.hpp"
#include "peer/runtime/runtime.hpp"
#include "peer/runtime/settings.hpp"

// The commands that change what outlives a run (settings.json): the game
// folder, the rate limits, the party passphrase.
namespace lanspread::peer {
namespace fs = std::filesystem;

void Runtime::handle(const command::SetGameDir& command) {
  if (const auto problem = game_dir_problem(command.path)) {
    command_failed(command::SetGameDir::kName, "", *problem);
    return;
  }
  auto path = fs::absolute(command.path).lexically_normal();
  auto settings = load_settings(options_.state_dir);
  settings.game_dir = path;
  if (const auto error = save_settings(options_.state_dir, settings)) {
    command_failed(command::SetGameDir::kName, "", "cannot remember the game folder: " + *error);
    return;
  }
  spdlog::info("game folder is now {}", path.string());
  game_dir_ = path;
  ++game_dir_generation_;
  library_.clear();
  emit_(event::GameDirChanged{game_dir_});
  publish_library();
  monitor_.watch(game_dir_);
}

void Runtime::handle(const command::SetRateLimits& command) {
  const auto& limits = command.limits;
  if (!(limits.upload_mbit >= 0) || !(limits.download_mbit >= 0)) {
    command_failed(command::SetRateLimits::kName, "", "a limit is a number of Mbit/s, 0 for none");
    return;
  }
  auto settings = load_settings(options_.state_dir);
  settings.rate_limits = limits;
  if (const auto error = save_settings(options_.state_dir, settings))
    spdlog::warn("cannot remember the rate limits: {}", *error);
  apply_rate_limits(limits);
}

void Runtime::apply_rate_limits(const RateLimits& limits) {
  upload_rate_.set_rate(bytes_per_second(limits.upload_mbit));
  download_rate_.set_rate(bytes_per_second(limits.download_mbit));
  spdlog::info("upload limit {}, download limit {}",
               limits.upload_mbit > 0 ? fmt::format("{} Mbit/s", limits.upload_mbit) : "none",
               limits.download_mbit > 0 ? fmt::format("{} Mbit/s", limits.download_mbit) : "none");
  emit_(event::RateLimitsChanged{limits});
}

void Runtime::handle(const command::SetPassphrase& c) {
  if (c.passphrase && c.passphrase->empty()) {
    command_failed(command::SetPassphrase::kName, "", "the passphrase is empty");
    return;
  }
  // Deriving the key takes a good half second on purpose: off the I/O thread.
  asio::post(disk_,
             [this, passphrase = c.passphrase, keep_io_running = asio::make_work_guard(io_)] {
               std::optional<PartyKey> key;
               std::string failure;
               try {
                 if (passphrase)
                   key = PartyKey::derive(*passphrase);
               } catch (const std::exception& e) {
                 failure = e.what();
               }
               asio::post(io_, [this, key, failure] {
                 if (stopping_)
                   return;
                 if (!failure.empty()) {
                   command_failed(command::SetPassphrase::kName, "", failure);
                   return;
                 }
                 apply_party_key(key);
               });
             });
}

}  // namespace lanspread::peer
