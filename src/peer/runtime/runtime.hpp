#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string_view>
#include <thread>

#include "peer/catalog/catalog.hpp"
#include "peer/download/download_job.hpp"
#include "peer/install/game_lock.hpp"
#include "peer/install/transactions.hpp"
#include "peer/install/unpacker.hpp"
#include "peer/library/block_hash_cache.hpp"
#include "peer/library/library_index.hpp"
#include "peer/library/local_game_monitor.hpp"
#include "peer/library/scan.hpp"
#include "peer/peers/peer_game_db.hpp"
#include "peer/runtime/active_operations.hpp"
#include "peer/runtime/known_peers.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "peer/runtime/settings.hpp"
#include "peer/services/game_server.hpp"
#include "peer/services/partial_games.hpp"
#include "peer/services/party_auth.hpp"
#include "peer/services/peer_links.hpp"
#include "peer/services/rate_limiter.hpp"
#include "peer/services/upload_slots.hpp"
#include "transport/endpoint.hpp"
#include "transport/identity.hpp"

namespace lanspread::peer {

// The runtime owns all peer state. Everything below runs on one I/O thread,
// so state needs no locks; blocking disk work runs on `disk_` and posts its
// result back. Nothing else touches this state.
//
// One class, one source file per concern (docs/ARCHITECTURE.md): runtime.cpp
// starts, dispatches and stops; runtime_library.cpp keeps the local library;
// runtime_peers.cpp the peers and their trust; runtime_downloads.cpp the
// downloads; runtime_transactions.cpp installs, uninstalls and removals;
// runtime_settings.cpp what is remembered in settings.json and
// known_peers.json.
class Runtime {
 public:
  Runtime(std::filesystem::path game_dir, EventSink events, PeerGameDB peers,
          std::shared_ptr<install::Unpacker> unpacker, Catalog catalog, PeerOptions options,
          transport::Identity identity);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  void start();
  bool post(PeerCommand command);
  void shutdown();

 private:
  // Enough parallel blocks for one peer to fill a LAN link (the downloader's
  // scheduler asks for at most 16 per peer), so the cap only bites on a peer
  // that asks for more than its share.
  static constexpr std::size_t kUploadsPerPeer = 16;

  // State only the disk thread touches.
  struct DiskState {
    std::filesystem::path game_dir;
    std::unique_ptr<LibraryIndex> index;
  };

  // runtime.cpp: the guard of every command that works on one game. Refuses
  // (CommandFailed naming `command`; nothing starts) a game that is not in
  // the catalog and, unless allowed, one an operation runs on.
  enum class WhileBusy { Refuse, Allow };
  bool admit(std::string_view command, const std::string& game_id,
             WhileBusy while_busy = WhileBusy::Refuse);
  // Reports a refused command, or one without events of its own that failed;
  // `game_id` is empty when the command names no game.
  void command_failed(std::string_view command, const std::string& game_id, std::string reason);

  // Runs `work` on the disk thread and `then(result)` back on the I/O thread,
  // unless the game folder changed meanwhile or the runtime is stopping.
  template <class Work, class Then>
  void on_disk(Work work, Then then);
  // The same, delivered whatever the game folder is by then (settings).
  template <class Work, class Then>
  void on_disk_any_folder(Work work, Then then);
  template <class Work, class Then>
  void post_to_disk(Work work, Then then, bool folder_bound);

  // runtime_library.cpp
  void handle(command::ListGames);
  void use_game_dir(const std::filesystem::path& path);
  void rescan(LocalGameMonitor::Rescan rescan);
  void apply_full_scan(LibraryScan scan);
  void apply_rescans(const std::vector<std::pair<std::string, std::optional<LocalGame>>>& results);
  void publish_library();
  // Hashes what we serve in the background, so a peer's GetGame is a lookup.
  void hash_announced_games();
  LibraryIndex& index_for(DiskState& disk, const std::filesystem::path& game_dir);

  // runtime_peers.cpp
  void handle(command::GetPeerCount);
  void handle(const command::AddPeer& command);
  void apply_party_key(std::optional<PartyKey> key);
  void peer_admitted(const std::string& id, const std::string& name);
  void peer_refused(const std::string& id, const std::string& reason);
  void start_discovery();
  void dial_address(const std::string& address);
  void peer_alive(const std::string& id, const asio::ip::udp::endpoint& address);
  void peer_games(const std::string& id, std::vector<proto::Game> games);
  void peer_lost(const std::string& id);

  // runtime_downloads.cpp
  void handle(const command::GetGame& command);
  void handle(const command::FetchLatestFromPeers& command);
  void handle(const command::DownloadGameFiles& command);
  void handle(const command::CancelDownload& command);
  asio::awaitable<void> get_game(std::string game_id);
  // Awaited at once by its callers, so `game_id` outlives it.
  asio::awaitable<std::optional<AgreedManifest>> fetch_manifests(const std::string& game_id);
  asio::awaitable<void> fetch_manifest(std::string game_id, std::string peer_id);
  // A peer's games changed: it may have what a running download fetches.
  asio::awaitable<void> offer_as_source(std::string game_id, std::string peer_id);
  asio::awaitable<void> download(command::DownloadGameFiles command);
  void download_ended(const std::string& game_id, const Result<void>& outcome, bool install);

  // runtime_transactions.cpp
  void handle(const command::InstallGame& command);
  void handle(const command::UninstallGame& command);
  void handle(const command::RemoveDownloadedGame& command);
  // Runs a local transaction on the disk thread with `game_id` marked busy:
  // the monitor holds its rescans and operation snapshots show it.
  template <class Work, class Then>
  void run_operation(const std::string& game_id, OperationKind kind, Work work, Then then);
  void set_operation(const std::string& game_id, std::optional<OperationKind> kind);
  install::TransactionEnv transaction_env(const std::filesystem::path& game_dir) const;
  void settle_interrupted_transactions();

  // runtime_settings.cpp: settings.json and known_peers.json are written on
  // the disk thread, in the order of the changes, so the last change wins and
  // a stop waits for the changes already made.
  void handle(const command::SetGameDir& command);
  void handle(const command::SetRateLimits& command);
  void handle(const command::SetPassphrase& command);
  void apply_rate_limits(const RateLimits& limits);
  void remember_choices_made_before_start();
  // Applies `change` to settings.json, then `then(written)` on the I/O
  // thread.
  void remember(std::function<void(Settings&)> change,
                std::function<void(const Result<void>&)> then);
  void remember_known_peers();

  asio::io_context io_;
  asio::thread_pool disk_{1};
  // File reads for peers, apart from scans so a long scan never delays them.
  asio::thread_pool reads_{2};
  // Verifying and writing downloaded blocks.
  asio::thread_pool blocks_{2};
  // Hashing the games we serve ahead of requests, apart from the disk thread
  // so a big game never delays an install.
  asio::thread_pool hashing_{1};
  // Requested at shutdown: background hashing stops, and an install running
  // then rolls back (crash-safe, as if interrupted) instead of holding the
  // shutdown until it finishes.
  std::stop_source shutting_down_;
  std::thread io_thread_;
  std::atomic<bool> running_{false};

  EventSink emit_;
  std::shared_ptr<install::Unpacker> unpacker_;
  Catalog catalog_;
  PeerOptions options_;
  std::filesystem::path game_dir_;
  std::uint64_t game_dir_generation_ = 0;
  LocalLibrary library_;
  bool library_published_ = false;  // the first scan is always reported
  // What peers are told we have, rebuilt only when the library changes.
  std::shared_ptr<const std::vector<proto::Game>> announced_ =
      std::make_shared<const std::vector<proto::Game>>();
  std::uint64_t library_revision_ = 0;
  PeerGameDB peers_;
  ActiveOperations operations_;
  LocalGameMonitor monitor_;
  transport::Identity identity_;
  // Before the server, which answers manifests from it.
  BlockHashCache hashes_;
  // Before the server and the downloads, which pace their bytes with them.
  RateLimiter upload_rate_{io_.get_executor()};
  RateLimiter download_rate_{io_.get_executor()};
  UploadSlots upload_slots_{io_.get_executor(), kUploadsPerPeer};
  PartialGames partial_games_;  // what running downloads already share
  // Before the server and the links, which check peers with it.
  PartyAuth auth_;
  KnownPeers known_peers_;
  std::map<std::string, std::string> peer_names_;  // peer id -> the name it gave
  std::set<std::string> refusals_reported_;        // peer id + reason
  GameServer server_;
  transport::Endpoint endpoint_;
  PeerLinks links_;
  struct RunningDownload {
    std::shared_ptr<download::DownloadJob> job;
    AgreedManifest agreed;  // what a peer must have sent to join as a source
  };
  std::map<std::string, RunningDownload, std::less<>> downloads_;
  // Held from the command to the end of each download, so that another
  // process neither removes nor "recovers" the game meanwhile.
  std::map<std::string, install::GameLock, std::less<>> download_locks_;
  // Its own thread; what it finds is posted here.
  std::unique_ptr<mdns::Discovery> discovery_;
  bool stopping_ = false;

  DiskState disk_state_;
};

template <class Work, class Then>
void Runtime::on_disk(Work work, Then then) {
  post_to_disk(std::move(work), std::move(then), true);
}

template <class Work, class Then>
void Runtime::on_disk_any_folder(Work work, Then then) {
  post_to_disk(std::move(work), std::move(then), false);
}

template <class Work, class Then>
void Runtime::post_to_disk(Work work, Then then, bool folder_bound) {
  const auto generation = game_dir_generation_;
  asio::post(disk_, [this, generation, folder_bound, work = std::move(work), then = std::move(then),
                     keep_io_running = asio::make_work_guard(io_)]() mutable {
    try {
      auto result = work(disk_state_);
      asio::post(io_, [this, generation, folder_bound, then = std::move(then),
                       result = std::move(result)]() mutable {
        if (!stopping_ && (!folder_bound || generation == game_dir_generation_))
          then(std::move(result));
      });
    } catch (const std::exception& e) {
      asio::post(io_, [this, reason = std::string(e.what())] {
        emit_(event::RuntimeFailure{"disk work failed: " + reason});
      });
    }
  });
}

}  // namespace lanspread::peer
