#include "peer/runtime/runtime.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>
#include <stdexcept>

#include "async/wakeup.hpp"
#include "peer/download/sentinel_transaction.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/migration.hpp"
#include "peer/install/progress_throttle.hpp"
#include "peer/install/recovery.hpp"
#include "peer/install/transactions.hpp"
#include "peer/library/game_dir_check.hpp"
#include "peer/library/game_root_layout.hpp"
#include "peer/runtime/settings.hpp"
#include "peer/services/game_client.hpp"
#include "peer/services/peer_address.hpp"

namespace lanspread::peer {
namespace fs = std::filesystem;
namespace {

// Four a second are plenty for a progress bar.
constexpr auto kInstallProgressInterval = std::chrono::milliseconds(250);
std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0)
    return {};
  return name.data();
}

}  // namespace

Runtime::Runtime(fs::path game_dir, EventSink events, PeerGameDB peers,
                 std::shared_ptr<install::Unpacker> unpacker, Catalog catalog, PeerOptions options)
    : emit_(std::move(events)),
      unpacker_(std::move(unpacker)),
      catalog_(std::move(catalog)),
      options_(std::move(options)),
      game_dir_(std::move(game_dir)),
      peers_(std::move(peers)),
      monitor_(io_, catalog_, options_.fallback_scan_interval, options_.rescan_delay,
               [this](LocalGameMonitor::Rescan request) { rescan(std::move(request)); }),
      identity_(transport::load_or_create_identity(options_.state_dir)),
      hashes_(options_.state_dir),
      auth_(identity_.fingerprint, options_.name.empty() ? host_name() : options_.name,
            options_.party_key ? options_.party_key : load_settings(options_.state_dir).party_key,
            PartyAuth::Reports{
                .admitted = [this](const std::string& id,
                                   const std::string& name) { peer_admitted(id, name); },
                .refused = [this](const std::string& id,
                                  const std::string& reason) { peer_refused(id, reason); }}),
      known_peers_(options_.known_peers_file.empty() ? options_.state_dir / "known_peers.json"
                                                     : options_.known_peers_file),
      server_(
          catalog_,
          [this] {
            return GameServer::Library{game_dir_, announced_, library_revision_};
          },
          reads_, &hashes_, &auth_, GameServer::Sharing{upload_rate_, upload_slots_},
          &partial_games_),
      endpoint_(io_, identity_, transport::EndpointOptions{.bind = options_.listen},
                [this](transport::Connection connection, transport::Stream stream) {
                  return server_.serve(std::move(connection), std::move(stream));
                }),
      links_(
          io_, endpoint_, auth_, identity_.fingerprint, options_.liveness,
          PeerLinks::Reports{
              .alive = [this](const std::string& id,
                              const asio::ip::udp::endpoint& address) { peer_alive(id, address); },
              .games = [this](const std::string& id,
                              std::vector<proto::Game> games) { peer_games(id, std::move(games)); },
              .lost = [this](const std::string& id) { peer_lost(id); }}) {}

Runtime::~Runtime() {
  shutdown();
}

void Runtime::start() {
  const auto port = endpoint_.local_endpoint().port();
  spdlog::info("peer {} listening on UDP port {}", identity_.fingerprint, port);
  emit_(event::Listening{.port = port, .peer_id = identity_.fingerprint});
  const auto settings = load_settings(options_.state_dir);
  apply_rate_limits(options_.rate_limits.value_or(settings.rate_limits));
  settle_interrupted_transactions();
  monitor_.watch(game_dir_);
  links_.start();
  start_discovery();
  auto addresses = settings.peers;
  addresses.insert(addresses.end(), options_.peers.begin(), options_.peers.end());
  for (const auto& address : addresses)
    dial_address(address);
  running_ = true;
  io_thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      spdlog::critical("peer runtime stopped by an unexpected error: {}", e.what());
      emit_(event::RuntimeFailure{std::string("runtime stopped: ") + e.what()});
    }
  });
}

bool Runtime::post(PeerCommand command) {
  if (!running_)
    return false;
  asio::post(io_, [this, command = std::move(command)]() mutable {
    if (stopping_)
      return;
    std::visit([this](auto&& c) { handle(std::forward<decltype(c)>(c)); }, std::move(command));
  });
  return true;
}

void Runtime::shutdown() {
  if (!running_.exchange(false))
    return;
  // Goodbyes first, while the QUIC side still answers.
  if (discovery_)
    discovery_->stop();
  // Stopping the monitor cancels the last pending waits, so io_.run()
  // returns once in-flight disk work has posted back.
  asio::post(io_, [this] {
    stopping_ = true;
    // Downloads stop where they are (resumed at the next start) instead of
    // waiting out their peers' timeouts and the grace.
    for (auto& [game_id, download] : downloads_)
      download.job->halt();
    monitor_.stop();
    links_.stop();
    endpoint_.close();
    // Paced transfers parked in the limiters would otherwise hold the
    // shutdown for as long as their bytes take at the limit.
    upload_rate_.set_rate(0);
    download_rate_.set_rate(0);
  });
  shutting_down_.request_stop();
  io_thread_.join();
  disk_.join();
  reads_.join();
  blocks_.join();
  hashing_.join();
}

template <class Work, class Then>
void Runtime::on_disk(Work work, Then then) {
  const auto generation = game_dir_generation_;
  asio::post(disk_, [this, generation, work = std::move(work), then = std::move(then),
                     keep_io_running = asio::make_work_guard(io_)]() mutable {
    try {
      auto result = work(disk_state_);
      asio::post(io_,
                 [this, generation, then = std::move(then), result = std::move(result)]() mutable {
                   if (!stopping_ && generation == game_dir_generation_)
                     then(std::move(result));
                 });
    } catch (const std::exception& e) {
      asio::post(io_, [this, reason = std::string(e.what())] {
        emit_(event::RuntimeFailure{"disk work failed: " + reason});
      });
    }
  });
}

LibraryIndex& Runtime::index_for(DiskState& disk, const fs::path& game_dir) {
  if (!disk.index || disk.game_dir != game_dir) {
    disk.game_dir = game_dir;
    disk.index = std::make_unique<LibraryIndex>(options_.state_dir / kLibraryIndexFile, game_dir);
  }
  return *disk.index;
}

void Runtime::rescan(LocalGameMonitor::Rescan request) {
  if (request.everything) {
    on_disk(
        [this, game_dir = game_dir_](DiskState& disk) {
          return scan_local_library(game_dir, catalog_, index_for(disk, game_dir));
        },
        [this](LibraryScan scan) { apply_full_scan(std::move(scan)); });
    return;
  }
  on_disk(
      [this, game_dir = game_dir_, ids = std::move(request.game_ids)](DiskState& disk) {
        auto& index = index_for(disk, game_dir);
        std::vector<std::pair<std::string, std::optional<LocalGame>>> results;
        for (const auto& id : ids)
          results.emplace_back(id, scan_game_root(game_dir, id, index));
        index.save();
        return results;
      },
      [this](const auto& results) { apply_rescans(results); });
}

void Runtime::apply_full_scan(LibraryScan scan) {
  // A game with an operation in flight keeps its last settled state; the
  // monitor rescans it when the operation ends.
  for (const auto& [id, kind] : operations_) {
    scan.games.erase(id);
    if (const auto it = library_.find(id); it != library_.end())
      scan.games.insert(*it);
  }
  std::vector<std::string> roots;
  for (const auto& [id, game] : scan.games)
    roots.push_back(id);
  monitor_.watch_roots(roots);
  if (scan.games == library_ && library_published_)
    return;
  library_ = std::move(scan.games);
  publish_library();
}

void Runtime::apply_rescans(
    const std::vector<std::pair<std::string, std::optional<LocalGame>>>& results) {
  bool changed = false;
  for (const auto& [id, game] : results) {
    if (operations_.contains(id))
      continue;
    const auto it = library_.find(id);
    if (!game) {
      changed = changed || it != library_.end();
      if (it != library_.end())
        library_.erase(it);
    } else if (it == library_.end() || it->second != *game) {
      library_.insert_or_assign(id, *game);
      changed = true;
    }
  }
  if (changed)
    publish_library();
}

void Runtime::publish_library() {
  library_published_ = true;
  ++library_revision_;
  announced_ =
      std::make_shared<const std::vector<proto::Game>>(announced_games(library_, catalog_));
  hash_announced_games();
  std::vector<LocalGame> games;
  games.reserve(library_.size());
  for (const auto& [id, game] : library_)
    games.push_back(game);
  emit_(event::LocalLibraryChanged{std::move(games)});
  handle(command::ListGames{});
}

void Runtime::hash_announced_games() {
  std::vector<std::string> ids;
  for (const auto& game : *announced_)
    ids.push_back(game.id);
  asio::post(hashing_,
             [this, ids = std::move(ids), game_dir = game_dir_, stop = shutting_down_.get_token()] {
               hashes_.hash_games(game_dir, ids, stop);
             });
}

void Runtime::handle(command::ListGames) {
  emit_(event::AggregatedLibraryChanged{peers_.merged_library(library_, catalog_)});
}

void Runtime::handle(const command::SetGameDir& command) {
  if (const auto problem = game_dir_problem(command.path)) {
    emit_(event::CommandFailed{"set-game-dir", "", *problem});
    return;
  }
  auto path = fs::absolute(command.path).lexically_normal();
  auto settings = load_settings(options_.state_dir);
  settings.game_dir = path;
  if (const auto error = save_settings(options_.state_dir, settings)) {
    emit_(event::CommandFailed{"set-game-dir", "", "cannot remember the game folder: " + *error});
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

void Runtime::handle(command::GetPeerCount) {
  emit_(event::PeerCount{peers_.peer_count()});
}

void Runtime::handle(const command::AddPeer& command) {
  if (!parse_peer_address(command.address)) {
    emit_(event::CommandFailed{"add-peer", "",
                               "\"" + command.address +
                                   "\" is not a peer address: expected host:port, "
                                   "a.b.c.d:port or [v6]:port"});
    return;
  }
  auto settings = load_settings(options_.state_dir);
  if (std::ranges::find(settings.peers, command.address) == settings.peers.end()) {
    settings.peers.push_back(command.address);
    if (const auto error = save_settings(options_.state_dir, settings))
      spdlog::warn("cannot remember peer {}: {}", command.address, *error);
  }
  dial_address(command.address);
}

void Runtime::handle(const command::SetRateLimits& command) {
  const auto& limits = command.limits;
  if (!(limits.upload_mbit >= 0) || !(limits.download_mbit >= 0)) {
    emit_(event::CommandFailed{"set-rate-limits", "", "a limit is a number of Mbit/s, 0 for none"});
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

void Runtime::start_discovery() {
  if (!options_.mdns)
    return;
  const auto local = endpoint_.local_endpoint();
  try {
    discovery_ = std::make_unique<mdns::Discovery>(
        mdns::Advertisement{.peer_id = identity_.fingerprint,
                            .protocol_version = proto::kProtocolVersion,
                            .port = local.port()},
        *options_.mdns,
        [this, v4 = local.address().is_v4()](mdns::DiscoveredPeer peer) {
          if (peer.protocol_version != proto::kProtocolVersion) {
            spdlog::info("ignoring peer {}: it speaks protocol version {}, we speak {}",
                         peer.peer_id, peer.protocol_version, proto::kProtocolVersion);
            return;
          }
          // Our one socket reaches only its own address family.
          std::erase_if(peer.endpoints, [v4](const auto& e) { return e.address().is_v4() != v4; });
          asio::post(io_, [this, peer = std::move(peer)]() mutable {
            if (!stopping_)
              links_.discovered(peer.peer_id, std::move(peer.endpoints));
          });
        },
        [this](std::string peer_id) {
          asio::post(io_, [this, peer_id = std::move(peer_id)] {
            if (!stopping_)
              links_.departed(peer_id);
          });
        });
  } catch (const std::exception& e) {
    // Peers given by address still work.
    spdlog::warn("mDNS discovery is off: {}", e.what());
  }
}

void Runtime::dial_address(const std::string& address) {
  const auto parsed = parse_peer_address(address);
  if (!parsed) {
    spdlog::warn("ignoring peer address \"{}\": expected host:port", address);
    return;
  }
  auto resolver = std::make_shared<asio::ip::udp::resolver>(io_);
  resolver->async_resolve(
      parsed->host, std::to_string(parsed->port),
      [this, resolver, address](std::error_code error,
                                const asio::ip::udp::resolver::results_type& results) {
        if (stopping_)
          return;
        if (error || results.empty()) {
          emit_(event::CommandFailed{"add-peer", "",
                                     "cannot resolve " + address + ": " + error.message()});
          return;
        }
        links_.add_address(results.begin()->endpoint());
      });
}

void Runtime::peer_alive(const std::string& id, const asio::ip::udp::endpoint& address) {
  peers_.add_peer(id, address);
  const auto name = peer_names_.find(id);
  emit_(event::PeerDiscovered{
      .peer_id = id,
      .address = address.address().to_string() + ":" + std::to_string(address.port()),
      .name = name == peer_names_.end() ? std::string() : name->second});
  emit_(event::PeerCount{peers_.peer_count()});
}

void Runtime::peer_games(const std::string& id, std::vector<proto::Game> games) {
  peers_.set_games(id, std::move(games));
  handle(command::ListGames{});
  for (const auto& [game_id, download] : downloads_) {
    const auto* peer = peers_.find(id);
    const auto offered = std::ranges::find(peer->games, game_id, &proto::Game::id);
    if (offered != peer->games.end() && offered->version == download.agreed.version &&
        std::ranges::find(download.agreed.peers, id) == download.agreed.peers.end())
      asio::co_spawn(io_, offer_as_source(game_id, id), asio::detached);
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

void Runtime::peer_lost(const std::string& id) {
  for (auto& [game_id, download] : downloads_) {
    download.job->source_lost(id);
    std::erase(download.agreed.peers, id);  // may join again when it returns
  }
  if (!peers_.remove_peer(id))
    return;
  emit_(event::PeerLost{id});
  emit_(event::PeerCount{peers_.peer_count()});
  handle(command::ListGames{});
}

void Runtime::handle(const command::GetGame& c) {
  asio::co_spawn(io_, get_game(c.game_id, "get-game"), asio::detached);
}

// Asks the peers again even when the game is here: blocks that are already
// on disk and verify are kept by the download itself, so local archives
// never need to be trusted in place of the peers' manifest.
void Runtime::handle(const command::FetchLatestFromPeers& c) {
  asio::co_spawn(io_, get_game(c.game_id, "fetch-latest-from-peers"), asio::detached);
}

asio::awaitable<void> Runtime::get_game(std::string game_id, std::string command) {
  if (!catalog_.contains(game_id)) {
    emit_(event::CommandFailed{command, game_id, game_id + " is not a catalog game"});
    co_return;
  }
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
  try {
    auto connection = links_.connection(peer_id);
    const proto::Request request{.body = proto::GetGameRequest{.game_id = game_id}};
    auto reply = co_await send_request(connection, request, &blocks_);
    if (auto* files = std::get_if<proto::GameFilesResponse>(&reply.response)) {
      peers_.set_manifest(peer_id, game_id, std::move(files->files));
    } else if (const auto* refusal = std::get_if<proto::ErrorResponse>(&reply.response)) {
      spdlog::info("{}: peer {} has no manifest for it: {}", game_id, peer_id, refusal->message);
    }
  } catch (const std::exception& e) {
    spdlog::info("{}: cannot get the manifest from {}: {}", game_id, peer_id, e.what());
  }
}

void Runtime::handle(const command::DownloadGameFiles& c) {
  if (operations_.contains(c.game_id) || !catalog_.contains(c.game_id)) {
    emit_(event::DownloadGameFilesFailed{
        c.game_id, operations_.contains(c.game_id) ? "another operation is running on " + c.game_id
                                                   : c.game_id + " is not a catalog game"});
    return;
  }
  auto locked = install::lock_game(options_.state_dir, c.game_id);
  if (!locked.lock) {
    emit_(event::DownloadGameFilesFailed{c.game_id, locked.error});
    return;
  }
  download_locks_.insert_or_assign(c.game_id, std::move(*locked.lock));
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
    download_ended(id, {download::JobOutcome::Kind::Failed, "no peer has " + id + " any more"},
                   false);
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
      download::DownloadJob::Setup{.game_root = game_dir_ / id,
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
          .ended =
              [this, id, install = command.install](const download::JobOutcome& outcome) {
                download_ended(id, outcome, install);
              }});
  downloads_.insert_or_assign(id, RunningDownload{std::move(job), agreed});
  // Peers whose games arrived while the manifests were being fetched were
  // not asked then; they may share the work too.
  for (const auto& peer_id : peers_.peers_with_latest(id)) {
    if (std::ranges::find(agreed.peers, peer_id) == agreed.peers.end())
      asio::co_spawn(io_, offer_as_source(id, peer_id), asio::detached);
  }
}

void Runtime::download_ended(const std::string& game_id, const download::JobOutcome& outcome,
                             bool install) {
  downloads_.erase(game_id);
  download_locks_.erase(game_id);
  set_operation(game_id, std::nullopt);
  // The rescan release() asks for reports the new local state.
  monitor_.release(game_id);
  switch (outcome.kind) {
    case download::JobOutcome::Kind::Finished:
      spdlog::info("{}: downloaded", game_id);
      emit_(event::DownloadGameFilesFinished{game_id});
      if (install)
        handle(command::InstallGame{game_id});
      break;
    case download::JobOutcome::Kind::Cancelled:
      spdlog::info("{}: download cancelled", game_id);
      emit_(event::DownloadGameFilesCancelled{game_id});
      break;
    case download::JobOutcome::Kind::Failed:
      spdlog::warn("{}: download failed: {}", game_id, outcome.reason);
      emit_(event::DownloadGameFilesFailed{game_id, outcome.reason});
      break;
  }
}
void Runtime::handle(const command::InstallGame& c) {
  const auto id = c.game_id;
  const auto kind = library_.contains(id) && library_.at(id).installed ? OperationKind::Updating
                                                                       : OperationKind::Installing;
  if (operations_.contains(id) || !catalog_.contains(id)) {
    emit_(event::InstallGameFailed{id, operations_.contains(id)
                                           ? "another operation is running on " + id
                                           : id + " is not a catalog game"});
    return;
  }
  emit_(event::InstallGameBegin{id});
  run_operation(
      id, kind,
      [this, id, game_dir = game_dir_, stop = shutting_down_.get_token()] {
        install::ProgressThrottle throttle(kInstallProgressInterval);
        const auto report = [&](const install::InstallProgress& progress) {
          if (!throttle.due())
            return;
          // Posted like the result, so no progress arrives after Finished.
          asio::post(io_, [this, progress_event = event::InstallGameProgress{id, progress.done,
                                                                             progress.total}] {
            if (!stopping_)
              emit_(progress_event);
          });
        };
        return install::install_game(transaction_env(game_dir), id, report, stop);
      },
      [this, id](const install::Result& result) {
        if (result.ok()) {
          emit_(event::InstallGameFinished{id});
        } else {
          emit_(event::InstallGameFailed{id, result.reason()});
        }
      });
}

void Runtime::handle(const command::UninstallGame& c) {
  const auto id = c.game_id;
  if (operations_.contains(id) || !catalog_.contains(id)) {
    emit_(event::UninstallGameFailed{id, operations_.contains(id)
                                             ? "another operation is running on " + id
                                             : id + " is not a catalog game"});
    return;
  }
  emit_(event::UninstallGameBegin{id});
  run_operation(
      id, OperationKind::Uninstalling,
      [this, id, game_dir = game_dir_] {
        return install::uninstall_game(transaction_env(game_dir), id);
      },
      [this, id](const install::Result& result) {
        if (result.ok()) {
          emit_(event::UninstallGameFinished{id});
        } else {
          emit_(event::UninstallGameFailed{id, result.reason()});
        }
      });
}

void Runtime::handle(const command::RemoveDownloadedGame& c) {
  const auto id = c.game_id;
  if (operations_.contains(id)) {
    emit_(event::CommandFailed{"remove-downloaded-game", id,
                               "another operation is running on " + id});
    return;
  }
  run_operation(
      id, OperationKind::Removing,
      [this, id, game_dir = game_dir_] {
        return install::remove_downloaded_game(transaction_env(game_dir), catalog_, id, false);
      },
      [this, id](const install::Result& result) {
        if (!result.ok())
          emit_(event::CommandFailed{"remove-downloaded-game", id, result.reason()});
      });
}

install::TransactionEnv Runtime::transaction_env(const fs::path& game_dir) const {
  return {.game_dir = game_dir, .state_dir = options_.state_dir, .unpacker = *unpacker_};
}

template <class Work, class Then>
void Runtime::run_operation(const std::string& game_id, OperationKind kind, Work work, Then then) {
  set_operation(game_id, kind);
  monitor_.hold(game_id);
  on_disk([work = std::move(work)](DiskState&) { return work(); },
          [this, game_id, then = std::move(then)](const install::Result& result) {
            set_operation(game_id, std::nullopt);
            // The library changes are reported by the rescan release() asks for.
            monitor_.release(game_id);
            then(result);
          });
}

void Runtime::set_operation(const std::string& game_id, std::optional<OperationKind> kind) {
  if (kind) {
    operations_[game_id] = *kind;
  } else {
    operations_.erase(game_id);
  }
  emit_(event::ActiveOperationsChanged{operations_});
}

void Runtime::settle_interrupted_transactions() {
  // Before the first scan, so the library never shows a half-done state.
  on_disk(
      [this, game_dir = game_dir_](DiskState&) {
        install::migrate_legacy_files(game_dir, options_.state_dir, catalog_);
        // A download a crash interrupted: its sentinel temporaries go, its
        // payload stays for the resume.
        std::error_code ec;
        for (const auto& root : fs::directory_iterator(game_dir, ec)) {
          const auto id = root.path().filename().string();
          if (!catalog_.contains(id) || !root.is_directory(ec) || root.is_symlink(ec))
            continue;
          // Another process downloading it still needs its temporaries.
          if (install::lock_game(options_.state_dir, id).lock)
            download::sweep_sentinel_temporaries(root.path());
        }
        return install::recover_interrupted_transactions(game_dir, options_.state_dir);
      },
      [this](const std::vector<install::RecoveryAction>& actions) {
        for (const auto& action : actions) {
          spdlog::info("{}: settled an interrupted transaction: {}", action.game_id,
                       action.description);
          emit_(event::InstallTransactionRecovered{.game_id = action.game_id,
                                                   .operation = action.operation,
                                                   .outcome = action.outcome,
                                                   .description = action.description});
          if (action.outcome == install::RecoveryAction::Outcome::Failed) {
            emit_(event::RuntimeFailure{action.game_id + ": " + action.description});
          }
        }
      });
}

void Runtime::handle(const command::CancelDownload& c) {
  const auto job = downloads_.find(c.game_id);
  if (job == downloads_.end()) {
    emit_(event::CommandFailed{"cancel-download", c.game_id,
                               "no download of " + c.game_id + " is running"});
    return;
  }
  job->second.job->cancel();
}

void Runtime::handle(const command::SetPassphrase& c) {
  if (c.passphrase && c.passphrase->empty()) {
    emit_(event::CommandFailed{"set-passphrase", "", "the passphrase is empty"});
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
                   emit_(event::CommandFailed{"set-passphrase", "", failure});
                   return;
                 }
                 apply_party_key(key);
               });
             });
}

void Runtime::apply_party_key(std::optional<PartyKey> key) {
  auto settings = load_settings(options_.state_dir);
  settings.party_key = key;
  if (const auto error = save_settings(options_.state_dir, settings)) {
    emit_(event::CommandFailed{"set-passphrase", "", "cannot remember the passphrase: " + *error});
    return;
  }
  spdlog::info("the party passphrase is now {}", key ? "set" : "not set");
  auth_.set_key(key);
  refusals_reported_.clear();
  links_.recheck_all();
  emit_(event::PassphraseChanged{.set = auth_.has_passphrase()});
}

void Runtime::peer_admitted(const std::string& id, const std::string& name) {
  std::erase_if(refusals_reported_, [&](const std::string& key) { return key.starts_with(id); });
  peer_names_.insert_or_assign(id, name);
  if (name.empty())
    return;
  // Two machines online at once under one name (a default host name, say)
  // are two peers, not a key that changed: only a name whose other key is
  // gone is flagged.
  const bool name_taken = std::ranges::any_of(peer_names_, [&](const auto& other) {
    return other.first != id && other.second == name && peers_.find(other.first) != nullptr;
  });
  if (name_taken)
    return;
  if (auto previous = known_peers_.record(name, id)) {
    spdlog::warn("peer \"{}\" has a new key: {} (was {})", name, id, *previous);
    emit_(event::PeerIdentityChanged{
        .name = name, .old_peer_id = std::move(*previous), .new_peer_id = id});
  }
}

void Runtime::peer_refused(const std::string& id, const std::string& reason) {
  if (!refusals_reported_.insert(id + reason).second)
    return;
  spdlog::warn("peer {}: {}", id, reason);
  emit_(event::PeerAuthenticationFailed{.peer_id = id, .reason = reason});
}

PeerRuntimeHandle::PeerRuntimeHandle(std::unique_ptr<Runtime> runtime)
    : runtime_(std::move(runtime)) {}
PeerRuntimeHandle::~PeerRuntimeHandle() {
  shutdown();
}
PeerRuntimeHandle::PeerRuntimeHandle(PeerRuntimeHandle&&) noexcept = default;
PeerRuntimeHandle& PeerRuntimeHandle::operator=(PeerRuntimeHandle&&) noexcept = default;

bool PeerRuntimeHandle::send(PeerCommand command) {
  return runtime_ && runtime_->post(std::move(command));
}

void PeerRuntimeHandle::shutdown() {
  if (runtime_)
    runtime_->shutdown();
}

PeerRuntimeHandle start_peer(const fs::path& game_dir, EventSink events, PeerGameDB peers,
                             std::shared_ptr<install::Unpacker> unpacker, Catalog catalog,
                             PeerOptions options) {
  if (const auto problem = game_dir_problem(game_dir))
    throw std::invalid_argument(*problem);
  if (options.state_dir.empty())
    throw std::invalid_argument("no state directory given");
  if (!unpacker)
    throw std::invalid_argument("no unpacker given");
  auto runtime = std::make_unique<Runtime>(fs::absolute(game_dir).lexically_normal(),
                                           std::move(events), std::move(peers), std::move(unpacker),
                                           std::move(catalog), std::move(options));
  runtime->start();
  return PeerRuntimeHandle(std::move(runtime));
}

}  // namespace lanspread::peer
