#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>

#include "async/wakeup.hpp"
#include "base/utf8_path.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/library/game_root_layout.hpp"
#include "peer/runtime/runtime.hpp"
#include "peer/services/game_client.hpp"

// Downloads: the agreed manifest, the DownloadJob that fetches it, the
// sources that join while it runs, its end (and the install after it), and
// cancelling it.
namespace lanspread::peer {

void Runtime::handle(const command::GetGame& c) {
  if (admit(command::GetGame::kName, c.game_id, WhileBusy::Allow))
    asio::co_spawn(io_, get_game(c.game_id), asio::detached);
}

// Asks the peers again even when the game is here: blocks that are already
// on disk and verify are kept by the download itself, so local archives
// never need to be trusted in place of the peers' manifest.
void Runtime::handle(const command::FetchLatestFromPeers& c) {
  if (admit(command::FetchLatestFromPeers::kName, c.game_id, WhileBusy::Allow))
    asio::co_spawn(io_, get_game(c.game_id), asio::detached);
}

asio::awaitable<void> Runtime::get_game(std::string game_id) {
  const auto manifest = co_await fetch_manifests(game_id);
  if (stopping_)
    co_return;
  if (!manifest) {
    emit_(event::NoPeersHaveGame{game_id});
    co_return;
  }
  emit_(event::GotGameFiles{game_id, manifest->files});
}

asio::awaitable<std::optional<AgreedManifest>> Runtime::fetch_manifests(
    const std::string& game_id) {
  const auto peers = peers_.peers_with_latest(game_id);
  auto all_answered = std::make_shared<std::size_t>(0);
  async::Wakeup answered(io_.get_executor());
  for (const auto& peer_id : peers) {
    asio::co_spawn(io_, fetch_manifest(game_id, peer_id),
                   [all_answered, &answered](const std::exception_ptr&) {
                     ++*all_answered;
                     answered.notify();
                   });
  }
  while (*all_answered < peers.size())
    co_await answered.wait();
  co_return peers_.agreed_manifest(game_id);
}

asio::awaitable<void> Runtime::fetch_manifest(std::string game_id, std::string peer_id) {
  auto connection = links_.connection(peer_id);
  if (!connection) {
    spdlog::info("{}: cannot get the manifest from {}: it is not connected", game_id, peer_id);
    co_return;
  }
  try {
    const proto::Request request{.body = proto::GetGameRequest{.game_id = game_id}};
    auto reply = co_await send_request(*connection, request, &blocks_);
    if (auto* files = std::get_if<proto::GameFilesResponse>(&reply.response)) {
      peers_.set_manifest(peer_id, game_id, std::move(files->files));
    } else if (const auto* refusal = std::get_if<proto::ErrorResponse>(&reply.response)) {
      spdlog::info("{}: peer {} has no manifest for it: {}", game_id, peer_id, refusal->message);
    }
  } catch (const std::exception& e) {
    spdlog::info("{}: cannot get the manifest from {}: {}", game_id, peer_id, e.what());
  }
}

asio::awaitable<void> Runtime::offer_as_source(std::string game_id, std::string peer_id) {
  co_await fetch_manifest(game_id, peer_id);
  const auto download = downloads_.find(game_id);
  const auto* peer = peers_.find(peer_id);
  if (download == downloads_.end() || peer == nullptr)
    co_return;
  const auto manifest = peer->manifests.find(game_id);
  auto& sources = download->second.agreed.peers;
  if (manifest == peer->manifests.end() || std::ranges::find(sources, peer_id) != sources.end())
    co_return;
  if (manifest->second != download->second.agreed.files) {
    spdlog::info("{}: peer {} has other files than the ones being downloaded; not a source",
                 game_id, peer_id);
    co_return;
  }
  sources.push_back(peer_id);
  download->second.job->source_found(peer_id);
}

void Runtime::handle(const command::DownloadGameFiles& c) {
  if (!admit(command::DownloadGameFiles::kName, c.game_id))
    return;
  auto locked = install::lock_game(options_.state_dir, c.game_id);
  if (!locked) {
    command_failed(command::DownloadGameFiles::kName, c.game_id, locked.error().message);
    return;
  }
  download_locks_.insert_or_assign(c.game_id, std::move(*locked));
  // Busy from now on, so a second command cannot start a second download.
  set_operation(c.game_id, OperationKind::Downloading);
  monitor_.hold(c.game_id);
  asio::co_spawn(io_, download(c), asio::detached);
}

asio::awaitable<void> Runtime::download(command::DownloadGameFiles command) {
  const auto id = command.game_id;
  auto manifest = peers_.agreed_manifest(id);
  if (!manifest)
    manifest = co_await fetch_manifests(id);
  if (stopping_)
    co_return;
  if (!manifest) {
    download_ended(id, Error{"no peer has " + id + " any more"}, false);
    co_return;
  }
  const auto agreed = *manifest;
  if (!command.files.empty()) {
    // The selection names files; their sizes and hashes come from the peers.
    std::erase_if(manifest->files, [&](const proto::GameFileDescription& file) {
      return !file.is_dir && file.relative_path != layout::kVersionFile &&
             std::ranges::find(command.files, file.relative_path,
                               &proto::GameFileDescription::relative_path) == command.files.end();
    });
  }
  auto job = download::DownloadJob::start(
      io_, disk_, blocks_,
      download::DownloadJob::Setup{.game_root = game_dir_ / path_from_utf8(id),
                                   .game_id = id,
                                   .manifest = std::move(manifest->files),
                                   .sources = std::move(manifest->peers),
                                   .download_rate = &download_rate_,
                                   .source_grace = options_.download_source_grace,
                                   .partial = &partial_games_,
                                   .other_peers = [this] { return peers_.peer_ids(); }},
      [this](const std::string& peer_id) { return links_.transfer_connection(peer_id); },
      download::DownloadJob::Reports{
          .begun = [this, id] { emit_(event::DownloadGameFilesBegin{id}); },
          .progress =
              [this, id](const download::JobProgress& p) {
                emit_(event::DownloadGameFilesProgress{.game_id = id,
                                                       .bytes_done = p.bytes_done,
                                                       .bytes_total = p.bytes_total,
                                                       .bytes_per_second = p.bytes_per_second,
                                                       .peers_streaming = p.peers_streaming});
              },
          .ended = [this, id, install = command.install](
                       const Result<void>& outcome) { download_ended(id, outcome, install); }});
  downloads_.insert_or_assign(id, RunningDownload{std::move(job), agreed});
  // Peers whose games arrived while the manifests were being fetched were
  // not asked then; they may share the work too.
  for (const auto& peer_id : peers_.peers_with_latest(id)) {
    if (std::ranges::find(agreed.peers, peer_id) == agreed.peers.end())
      asio::co_spawn(io_, offer_as_source(id, peer_id), asio::detached);
  }
}

void Runtime::download_ended(const std::string& game_id, const Result<void>& outcome,
                             bool install) {
  downloads_.erase(game_id);
  download_locks_.erase(game_id);
  set_operation(game_id, std::nullopt);
  // The rescan release() asks for reports the new local state.
  monitor_.release(game_id);
  if (outcome) {
    spdlog::info("{}: downloaded", game_id);
    emit_(event::DownloadGameFilesFinished{game_id});
    if (install)
      handle(command::InstallGame{game_id});
  } else if (outcome.was_cancelled()) {
    spdlog::info("{}: download cancelled", game_id);
    emit_(event::DownloadGameFilesCancelled{game_id});
  } else {
    spdlog::warn("{}: download failed: {}", game_id, outcome.error().message);
    emit_(event::DownloadGameFilesFailed{game_id, outcome.error().message});
  }
}

void Runtime::handle(const command::CancelDownload& c) {
  const auto job = downloads_.find(c.game_id);
  if (job == downloads_.end()) {
    command_failed(command::CancelDownload::kName, c.game_id,
                   "no download of " + c.game_id + " is running");
    return;
  }
  job->second.job->cancel();
}

}  // namespace lanspread::peer
