#include "mdns/discovery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <future>
#include <map>
#include <random>
#include <stdexcept>
#include <thread>

#include "mdns/engine.hpp"
#include "mdns/multicast_socket.hpp"
#include "platform/network_interfaces.hpp"

namespace lanspread::mdns {
namespace {

Result<std::vector<LinkInterface>> suitable_interfaces(const Options& options) {
  const auto interfaces = platform::list_network_interfaces();
  if (!interfaces)
    return interfaces.error();
  std::vector<LinkInterface> links;
  for (const auto& candidate : *interfaces) {
    if (!candidate.up || candidate.index == 0)
      continue;
    if (candidate.loopback ? !options.include_loopback : !candidate.multicast)
      continue;
    if (!options.only_interfaces.empty() &&
        std::find(options.only_interfaces.begin(), options.only_interfaces.end(), candidate.name) ==
            options.only_interfaces.end()) {
      continue;
    }
    for (const auto& address : candidate.addresses) {
      if (address.address.is_v4()) {
        links.push_back(
            {candidate.index, candidate.name, address.address.to_v4(), address.prefix_length});
        break;  // one address per interface goes into the A record
      }
    }
  }
  return links;
}

}  // namespace

class Discovery::Worker {
 public:
  Worker(Advertisement self, Options options, FoundCallback on_found, LostCallback on_lost)
      : options_(std::move(options)),
        on_found_(std::move(on_found)),
        on_lost_(std::move(on_lost)),
        socket_(io_),
        timer_(io_),
        poll_timer_(io_),
        engine_(std::move(self), options_.timing,
                Engine::Callbacks{.send = [this](const OutgoingPacket& packet) { send(packet); },
                                  .found = [this](const DiscoveredPeer& peer) { found(peer); },
                                  .lost = [this](const std::string& id) { lost(id); }},
                std::random_device()()) {
    socket_.start_receiving([this](const IncomingPacket& packet) {
      engine_.receive(packet, Clock::now());
      rearm();
    });
    asio::post(io_, [this] { poll_interfaces(); });
    thread_ = std::thread([this] { io_.run(); });
  }

  void stop() {
    if (!thread_.joinable())
      return;
    if (std::this_thread::get_id() == thread_.get_id())
      throw std::logic_error("mdns::Discovery::stop called from its own callback");
    asio::post(io_, [this] {
      // A poll or deadline whose timer fired before the cancel below is
      // already queued with success; without this it would re-arm, and the
      // thread would never run out of work.
      stopped_ = true;
      engine_.stop(Clock::now());
      timer_.cancel();
      poll_timer_.cancel();
      socket_.close();
    });
    thread_.join();
  }

 private:
  void send(const OutgoingPacket& packet) {
    const auto link = links_.find(packet.interface_index);
    if (link == links_.end())
      return;
    socket_.send(
        link->second, packet.bytes,
        packet.unicast_destination.value_or(asio::ip::udp::endpoint(kMdnsGroupV4, kMdnsPort)));
  }

  void found(const DiscoveredPeer& peer) {
    try {
      on_found_(peer);
    } catch (const std::exception& error) {
      spdlog::error("mdns: on_found callback threw: {}", error.what());
    }
  }

  void lost(const std::string& peer_id) {
    try {
      on_lost_(peer_id);
    } catch (const std::exception& error) {
      spdlog::error("mdns: on_lost callback threw: {}", error.what());
    }
  }

  void poll_interfaces() {
    std::vector<LinkInterface> wanted;
    if (auto found = suitable_interfaces(options_))
      wanted = std::move(*found);
    else
      spdlog::warn("mdns: cannot list interfaces: {}", found.error().message);
    const auto now = Clock::now();
    for (auto it = links_.begin(); it != links_.end();) {
      const auto still = std::find(wanted.begin(), wanted.end(), it->second);
      if (still != wanted.end()) {
        ++it;
        continue;
      }
      spdlog::info("mdns: leaving {}", it->second.name);
      engine_.remove_interface(it->first, now);  // goodbyes go out while we still know it
      socket_.leave(it->second);
      it = links_.erase(it);
    }
    for (const auto& link : wanted) {
      if (links_.contains(link.index) || !socket_.join(link))
        continue;
      spdlog::info("mdns: running on {} ({})", link.name, link.address.to_string());
      links_.emplace(link.index, link);
      engine_.add_interface(link, now);
    }
    poll_timer_.expires_after(options_.interface_poll_interval);
    poll_timer_.async_wait([this](const std::error_code& error) {
      if (!error && !stopped_)
        poll_interfaces();
    });
    rearm();
  }

  void rearm() {
    if (stopped_)
      return;
    const auto deadline = engine_.next_deadline();
    if (!deadline) {
      timer_.cancel();
      return;
    }
    timer_.expires_at(*deadline);
    timer_.async_wait([this](const std::error_code& error) {
      if (error || stopped_)
        return;
      engine_.run_due(Clock::now());
      rearm();
    });
  }

  Options options_;
  FoundCallback on_found_;
  LostCallback on_lost_;
  asio::io_context io_;
  MulticastSocket socket_;
  asio::steady_timer timer_;
  asio::steady_timer poll_timer_;
  std::map<unsigned, LinkInterface> links_;
  Engine engine_;
  bool stopped_ = false;  // touched only on the worker thread
  std::thread thread_;
};

Discovery::Discovery(Advertisement self, Options options, FoundCallback on_found,
                     LostCallback on_lost) {
  if (self.peer_id.empty())
    throw std::invalid_argument("mdns::Discovery needs a peer id");
  worker_ = std::make_unique<Worker>(std::move(self), std::move(options), std::move(on_found),
                                     std::move(on_lost));
}

Discovery::~Discovery() {
  stop();
}

void Discovery::stop() {
  if (worker_)
    worker_->stop();
}

}  // namespace lanspread::mdns
