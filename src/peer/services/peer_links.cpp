#include "peer/services/peer_links.hpp"

#include <spdlog/spdlog.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <stdexcept>

#include "peer/services/game_client.hpp"
#include "peer/services/party_auth.hpp"
#include "transport/endpoint.hpp"

namespace lanspread::peer {
namespace {

using Clock = std::chrono::steady_clock;

std::string address_key(const asio::ip::udp::endpoint& address) {
  return "addr:" + address.address().to_string() + ":" + std::to_string(address.port());
}

std::string describe(const asio::ip::udp::endpoint& address) {
  return address.address().to_string() + ":" + std::to_string(address.port());
}

}  // namespace

void PeerLinks::close_all(Link& link) {
  link.connection.close();
  for (auto& lane : link.transfer_lanes)
    lane.close();
}

PeerLinks::PeerLinks(asio::io_context& io, transport::Endpoint& endpoint, PartyAuth& auth,
                     std::string own_id, LivenessOptions options, Reports reports)
    : endpoint_(endpoint),
      auth_(auth),
      own_id_(std::move(own_id)),
      options_(options),
      reports_(std::move(reports)),
      timer_(io) {}

PeerLinks::~PeerLinks() {
  stop();
}

void PeerLinks::start() {
  arm_timer();
}

void PeerLinks::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  timer_.cancel();
  for (auto& [id, link] : links_)
    close_all(link);
  links_.clear();
}

void PeerLinks::arm_timer() {
  timer_.expires_after(options_.ping_interval);
  timer_.async_wait([this](std::error_code error) {
    if (error || stopped_)
      return;
    tick();
    arm_timer();
  });
}

void PeerLinks::tick() {
  const auto now = Clock::now();
  std::vector<std::string> silent;
  for (const auto& [id, link] : links_) {
    if (now - link.last_heard > options_.peer_timeout)
      silent.push_back(id);
  }
  for (const auto& id : silent) {
    drop(id, "no answer for " +
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    now - links_.at(id).last_heard)
                                    .count()) +
                 " ms");
  }
  // co_spawn may run a coroutine up to its first suspension right here, and
  // a ping that fails at once drops its link: spawn after iterating.
  std::vector<std::pair<std::string, std::uint64_t>> pings;
  for (auto& [id, link] : links_) {
    if (link.ping_in_flight)
      continue;
    link.ping_in_flight = true;
    pings.emplace_back(id, link.serial);
  }
  for (auto& [id, serial] : pings)
    asio::co_spawn(timer_.get_executor(), ping(std::move(id), serial), asio::detached);
  std::vector<std::string> keys;
  for (const auto& [key, candidate] : candidates_)
    keys.push_back(key);
  for (const auto& key : keys)
    dial_if_idle(key);
}

void PeerLinks::discovered(const std::string& id, std::vector<asio::ip::udp::endpoint> addresses) {
  if (id == own_id_ || addresses.empty())
    return;
  auto& candidate = candidates_[id];
  candidate.id = id;
  candidate.addresses = std::move(addresses);
  dial_if_idle(id);
}

void PeerLinks::departed(const std::string& id) {
  candidates_.erase(id);
  if (links_.contains(id))
    drop(id, "it said goodbye");
}

void PeerLinks::add_address(const asio::ip::udp::endpoint& address) {
  const auto key = address_key(address);
  candidates_.try_emplace(key, Candidate{.addresses = {address}});
  dial_if_idle(key);
}

void PeerLinks::recheck_all() {
  std::vector<std::string> ids;
  for (const auto& [id, link] : links_)
    ids.push_back(id);
  for (const auto& id : ids)
    drop(id, "the party passphrase changed");
  for (auto& [key, candidate] : candidates_)
    candidate.refused_until = {};
}

void PeerLinks::dial_if_idle(const std::string& candidate_key) {
  auto& candidate = candidates_.at(candidate_key);
  if (stopped_ || candidate.dialling || candidate.id == own_id_ ||
      (candidate.id && links_.contains(*candidate.id)) || Clock::now() < candidate.refused_until)
    return;
  candidate.dialling = true;
  asio::co_spawn(timer_.get_executor(), dial(candidate_key), asio::detached);
}

asio::awaitable<void> PeerLinks::dial(std::string candidate_key) {
  // Discovered peers are pinned to the id they announced; a peer given by
  // address is whoever answers there.
  const bool pinned = !candidate_key.starts_with("addr:");
  const auto addresses = candidates_.at(candidate_key).addresses;
  const auto expected = pinned ? candidate_key : std::string();
  std::optional<transport::Connection> connection;
  asio::ip::udp::endpoint reached;
  std::string failure;
  Result<void> admitted;
  for (const auto& address : addresses) {
    try {
      auto connecting = endpoint_.connect(address, expected);
      connection.emplace(co_await std::move(connecting));
      reached = address;
    } catch (const std::exception& e) {
      failure = e.what();
      continue;
    }
    admitted = co_await authenticate(*connection);
    if (!admitted) {
      connection->close();
      connection.reset();
    }
    break;
  }
  const auto candidate = candidates_.find(candidate_key);
  if (stopped_ || candidate == candidates_.end()) {
    if (connection)
      connection->close();
    co_return;
  }
  candidate->second.dialling = false;
  if (!admitted) {
    spdlog::warn("not using the peer at {}: {}", describe(reached), admitted.error().message);
    candidate->second.refused_until = Clock::now() + options_.refused_retry;
    co_return;
  }
  if (!connection) {
    spdlog::debug("cannot reach peer at {}: {}", describe(addresses.front()), failure);
    co_return;
  }
  connected(candidate_key, std::move(*connection), reached);
}

asio::awaitable<Result<void>> PeerLinks::authenticate(transport::Connection& connection) {
  std::optional<proto::Response> answer;
  std::string failure;
  try {
    const proto::Request request{.body = auth_.request_for(connection)};
    auto reply = co_await send_request(connection, request);
    answer = std::move(reply.response);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!answer)
    co_return Error{"the party check failed: " + failure};
  co_return auth_.check_answer(connection, *answer);
}

void PeerLinks::connected(const std::string& candidate_key, transport::Connection connection,
                          const asio::ip::udp::endpoint& address) {
  const auto id = connection.peer_fingerprint();
  auto& candidate = candidates_.at(candidate_key);
  if (candidate.id != id && candidate.id) {
    spdlog::warn("peer at {} now answers as {} (was {})", describe(address), id, *candidate.id);
  }
  candidate.id = id;
  if (id == own_id_) {
    spdlog::info("{} is this peer itself; not dialling it again", describe(address));
    connection.close();
    return;
  }
  if (links_.contains(id)) {
    connection.close();
    return;
  }
  const auto serial = next_serial_++;
  links_.emplace(id, Link{.connection = connection,
                          .address = address,
                          .last_heard = Clock::now(),
                          .serial = serial,
                          .ping_in_flight = true});
  spdlog::info("peer {} is reachable at {}", id, describe(address));
  reports_.alive(id, address);
  // The first ping also fetches its games, so they are known at once.
  asio::co_spawn(timer_.get_executor(), ping(id, serial), asio::detached);
}

asio::awaitable<void> PeerLinks::ping(std::string id, std::uint64_t serial) {
  const auto* started = link(id, serial);
  if (started == nullptr)
    co_return;
  auto connection = started->connection;
  std::optional<std::uint64_t> revision;
  std::string failure;
  try {
    const proto::Request request{.body = proto::PingRequest{}};
    auto reply = co_await send_request(connection, request);
    if (const auto* pong = std::get_if<proto::PongResponse>(&reply.response)) {
      revision = pong->library_revision;
    } else if (const auto* refusal = std::get_if<proto::ErrorResponse>(&reply.response);
               refusal != nullptr && refusal->code == proto::ErrorCode::WrongPassphrase) {
      // The peer's passphrase changed: dial again, which checks anew.
      if (link(id, serial) != nullptr)
        drop(id, refusal->message);
      co_return;
    } else {
      failure = "it answered a ping with something else";
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }

  auto* current = link(id, serial);
  if (current == nullptr)
    co_return;
  if (!revision) {
    spdlog::debug("ping to {} failed: {}", id, failure);
    current->ping_in_flight = false;
    // A connection the peer closed means it stopped: no need to wait out
    // the timeout. Anything else is retried on the next tick.
    if (!connection.is_open())
      drop(id, "its connection closed (" + failure + ")");
    co_return;
  }
  current->last_heard = Clock::now();
  if (current->library_revision == revision) {
    current->ping_in_flight = false;
    co_return;
  }

  std::optional<std::vector<proto::Game>> games;
  try {
    const proto::Request request{.body = proto::ListGamesRequest{}};
    auto reply = co_await send_request(connection, request);
    if (auto* list = std::get_if<proto::GamesResponse>(&reply.response))
      games = std::move(list->games);
  } catch (const std::exception& e) {
    spdlog::debug("cannot list {}'s games: {}", id, e.what());
  }
  current = link(id, serial);
  if (current == nullptr)
    co_return;
  current->ping_in_flight = false;
  if (games) {
    // Only now: a failed fetch is retried on the next ping.
    current->library_revision = revision;
    reports_.games(id, std::move(*games));
  }
}

void PeerLinks::drop(const std::string& id, std::string_view why) {
  const auto it = links_.find(id);
  if (it == links_.end())
    return;
  close_all(it->second);
  links_.erase(it);
  spdlog::info("peer {} lost: {}", id, why);
  reports_.lost(id);
}

PeerLinks::Link* PeerLinks::link(const std::string& id, std::uint64_t serial) {
  if (stopped_)
    return nullptr;
  const auto it = links_.find(id);
  return it == links_.end() || it->second.serial != serial ? nullptr : &it->second;
}

std::optional<transport::Connection> PeerLinks::connection(const std::string& id) const {
  const auto it = links_.find(id);
  if (it == links_.end())
    return std::nullopt;
  return it->second.connection;
}

std::optional<transport::Connection> PeerLinks::transfer_connection(const std::string& id) {
  const auto it = links_.find(id);
  if (it == links_.end())
    return std::nullopt;
  auto& link = it->second;
  std::erase_if(link.transfer_lanes,
                [](const transport::Connection& lane) { return !lane.is_open(); });
  if (link.transfer_lanes.size() + 1 < options_.transfer_connections && !link.lane_dialling &&
      Clock::now() >= link.lane_retry_after) {
    link.lane_dialling = true;
    asio::co_spawn(timer_.get_executor(), dial_transfer_lane(id, link.serial), asio::detached);
  }
  const auto turn = link.next_lane++ % (link.transfer_lanes.size() + 1);
  return turn == 0 ? link.connection : link.transfer_lanes[turn - 1];
}

asio::awaitable<void> PeerLinks::dial_transfer_lane(std::string id, std::uint64_t serial) {
  const auto* started = link(id, serial);
  if (started == nullptr)
    co_return;
  const auto address = started->address;
  std::optional<transport::Connection> lane;
  std::string failure;
  try {
    auto connecting = endpoint_.connect(address, id);
    lane.emplace(co_await std::move(connecting));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (lane) {
    if (auto admitted = co_await authenticate(*lane); !admitted) {
      failure = admitted.error().message;
      lane->close();
      lane.reset();
    }
  }
  auto* current = link(id, serial);
  if (current == nullptr) {
    if (lane)
      lane->close();
    co_return;
  }
  current->lane_dialling = false;
  if (!lane) {
    // Transfers go on over the connections there are; try again later.
    spdlog::debug("no extra transfer connection to {}: {}", id, failure);
    current->lane_retry_after = Clock::now() + options_.refused_retry;
    co_return;
  }
  current->transfer_lanes.push_back(std::move(*lane));
  spdlog::debug("{} transfer connections to {}", current->transfer_lanes.size() + 1, id);
}

}  // namespace lanspread::peer
