#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "mdns/engine.hpp"
#include "mdns/txt_record.hpp"

// The browsing half of the engine: what other hosts' answers put in a link's
// cache, and the peers that cache resolves to.
namespace lanspread::mdns {
namespace {

using std::chrono::milliseconds;

bool is_hex_id(const std::string& id) {
  return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::optional<std::uint32_t> parse_version(const std::string& text) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return value;
}

bool is_instance_of_our_service(const DnsName& name) {
  return name.labels.size() == service_type_name().labels.size() + 1 &&
         name.ends_with(service_type_name());
}

}  // namespace

void Engine::handle_response(Link& link, const Message& response, TimePoint now) {
  std::vector<const ResourceRecord*> records;
  for (const auto* section : {&response.answers, &response.additionals}) {
    for (const auto& record : *section)
      records.push_back(&record);
  }
  for (const auto* record : records) {
    if (conflicts_with_us(link, *record)) {
      if (link.phase == Phase::probing) {
        rename(now);
      } else {
        spdlog::info("mdns: another host answers for {}; probing again", record->name.to_string());
        restart_probing_everywhere(now, milliseconds(0));
      }
      return;
    }
  }
  // RFC 6762 §7.4: someone else already gave the answer we were about to.
  if (link.pending) {
    std::erase_if(link.pending->answers, [&](const ResourceRecord& ours) {
      return std::any_of(records.begin(), records.end(), [&](const ResourceRecord* theirs) {
        return theirs->type == ours.type && theirs->name == ours.name &&
               theirs->data == ours.data && theirs->ttl * 2 >= ours.ttl;
      });
    });
  }

  bool cache_full = false;
  for (const auto* record : records) {
    const bool wanted = (record->type == record_type::ptr && record->name == service_type_name()) ||
                        ((record->type == record_type::srv || record->type == record_type::txt) &&
                         is_instance_of_our_service(record->name));
    if (wanted)
      cache_full = !link.cache.apply(*record, now) || cache_full;
  }
  // Addresses only for hosts that one of our services points at.
  const auto targets = resolve(link).targets;
  for (const auto* record : records) {
    if ((record->type == record_type::a || record->type == record_type::aaaa) &&
        targets.contains(record->name.lower_case_key()))
      cache_full = !link.cache.apply(*record, now) || cache_full;
  }
  if (cache_full && !link.cache_full_logged)
    spdlog::warn("mdns: cache on {} is full; new records are dropped", link.info.name);
  link.cache_full_logged = cache_full;
  update_peers(link);
}

Engine::Resolution Engine::resolve(const Link& link) const {
  Resolution result;
  for (const auto* ptr : link.cache.find(service_type_name(), record_type::ptr)) {
    const auto& instance = std::get<PtrData>(ptr->data).target;
    if (!is_instance_of_our_service(instance))
      continue;
    const auto srvs = link.cache.find(instance, record_type::srv);
    const auto txts = link.cache.find(instance, record_type::txt);
    if (srvs.empty())
      result.missing.push_back({.name = instance, .type = record_type::srv});
    if (txts.empty())
      result.missing.push_back({.name = instance, .type = record_type::txt});
    if (srvs.empty() || txts.empty())
      continue;
    const auto& srv = std::get<SrvData>(srvs.back()->data);
    result.targets.insert(srv.target.lower_case_key());
    const auto& txt = std::get<TxtData>(txts.back()->data);
    const auto id = txt_value(txt, "id");
    const auto version = txt_value(txt, "v");
    if (!id || !is_hex_id(*id) || !version || !parse_version(*version) || *id == self_.peer_id)
      continue;
    DiscoveredPeer peer{.peer_id = *id,
                        .protocol_version = *parse_version(*version),
                        .interface_name = link.info.name};
    for (const auto* a : link.cache.find(srv.target, record_type::a))
      peer.endpoints.emplace_back(std::get<AData>(a->data).address, srv.port);
    for (const auto* aaaa : link.cache.find(srv.target, record_type::aaaa)) {
      auto address = std::get<AaaaData>(aaaa->data).address;
      if (address.is_link_local())
        address.scope_id(link.info.index);
      peer.endpoints.emplace_back(address, srv.port);
    }
    if (peer.endpoints.empty()) {
      result.missing.push_back({.name = srv.target, .type = record_type::a});
      continue;
    }
    std::sort(peer.endpoints.begin(), peer.endpoints.end());
    result.peers.emplace(instance.lower_case_key(), std::move(peer));
  }
  return result;
}

bool Engine::reported_anywhere(const std::string& peer_id) const {
  return std::any_of(links_.begin(), links_.end(), [&](const auto& entry) {
    return std::any_of(entry.second.reported.begin(), entry.second.reported.end(),
                       [&](const auto& reported) { return reported.second.peer_id == peer_id; });
  });
}

void Engine::update_peers(Link& link) {
  auto resolution = resolve(link);
  link.has_missing = !resolution.missing.empty();
  std::vector<std::string> gone;
  for (auto it = link.reported.begin(); it != link.reported.end();) {
    const auto now_resolved = resolution.peers.find(it->first);
    if (now_resolved == resolution.peers.end() ||
        now_resolved->second.peer_id != it->second.peer_id) {
      gone.push_back(it->second.peer_id);
      it = link.reported.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& peer_id : gone) {
    if (!reported_anywhere(peer_id))
      callbacks_.lost(peer_id);
  }
  for (auto& [instance, peer] : resolution.peers) {
    auto& reported = link.reported[instance];
    if (reported == peer)
      continue;
    reported = peer;
    callbacks_.found(peer);
  }
}

}  // namespace lanspread::mdns
