#include "peer/runtime/runtime.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "peer/library/game_dir_check.hpp"
#include "platform/host_name.hpp"

// Starting, dispatching commands, the guard of game commands, stopping; and
// the handle the programs hold. Each concern's handlers live in the
// runtime_*.cpp file named after it.
namespace lanspread::peer {
namespace fs = std::filesystem;
Runtime::Runtime(fs::path game_dir, EventSink events, PeerGameDB peers,
                 std::shared_ptr<install::Unpacker> unpacker, Catalog catalog, PeerOptions options,
                 transport::Identity identity)
    : emit_(std::move(events)),
      unpacker_(std::move(unpacker)),
      catalog_(std::move(catalog)),
      options_(std::move(options)),
      game_dir_(std::move(game_dir)),
      peers_(std::move(peers)),
      monitor_(io_, catalog_, options_.fallback_scan_interval, options_.rescan_delay,
               [this](LocalGameMonitor::Rescan request) { rescan(std::move(request)); }),
      identity_(std::move(identity)),
      hashes_(options_.state_dir),
      auth_(identity_.fingerprint, options_.name.empty() ? platform::host_name() : options_.name,
            options_.party_key || options_.remember_party_key
                ? options_.party_key
                : load_settings(options_.state_dir).party_key,
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
      endpoint_(io_, identity_,
                transport::EndpointOptions{.bind = options_.listen,
                                           .congestion_control = options_.congestion_control},
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
  // First on the disk thread, before recovery and the first scan.
  remember_choices_made_before_start();
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
  // Disk work holds io_ open until it has posted back, so this also waits
  // for the settings and known-peers writes asked for before the stop.
  io_thread_.join();
  disk_.join();
  reads_.join();
  blocks_.join();
  hashing_.join();
}

bool Runtime::admit(std::string_view command, const std::string& game_id, WhileBusy while_busy) {
  if (!catalog_.contains(game_id)) {
    command_failed(command, game_id, game_id + " is not a catalog game");
    return false;
  }
  if (while_busy == WhileBusy::Refuse && operations_.contains(game_id)) {
    command_failed(command, game_id, "another operation is running on " + game_id);
    return false;
  }
  return true;
}

void Runtime::command_failed(std::string_view command, const std::string& game_id,
                             std::string reason) {
  emit_(event::CommandFailed{
      .command = std::string(command), .game_id = game_id, .reason = std::move(reason)});
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

// Builds the runtime, so it throws as a constructor does (docs/decisions.md,
// Errors): a runtime that cannot start has nothing to return.
PeerRuntimeHandle start_peer(const fs::path& game_dir, EventSink events, PeerGameDB peers,
                             std::shared_ptr<install::Unpacker> unpacker, Catalog catalog,
                             PeerOptions options) {
  if (const auto usable = check_game_dir(game_dir); !usable)
    throw std::invalid_argument(usable.error().message);
  if (options.state_dir.empty())
    throw std::invalid_argument("no state directory given");
  if (!unpacker)
    throw std::invalid_argument("no unpacker given");
  auto identity = transport::load_or_create_identity(options.state_dir);
  if (!identity)
    throw std::runtime_error(identity.error().message);
  auto runtime = std::make_unique<Runtime>(
      fs::absolute(game_dir).lexically_normal(), std::move(events), std::move(peers),
      std::move(unpacker), std::move(catalog), std::move(options), std::move(*identity));
  runtime->start();
  return PeerRuntimeHandle(std::move(runtime));
}

}  // namespace lanspread::peer
