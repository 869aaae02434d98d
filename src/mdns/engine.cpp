#include "mdns/engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>

namespace lanspread::mdns {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Known answers beyond this are left out rather than split over several
// packets (the TC bit is not implemented): the responder then merely answers
// again.
constexpr std::size_t kMaxKnownAnswers = 32;
constexpr auto kEchoMemory = seconds(2);
constexpr std::size_t kMaxRemembered = 64;

std::string rate_key(const ResourceRecord& record) {
  return record.name.lower_case_key() + "/" + std::to_string(record.type);
}

bool on_link(const LinkInterface& link, const asio::ip::address& source) {
  if (!source.is_v4())
    return false;
  const auto mask =
      link.prefix_length == 0 ? 0u : ~std::uint32_t{0} << (32 - std::min(link.prefix_length, 32u));
  return (source.to_v4().to_uint() & mask) == (link.address.to_uint() & mask);
}

void add_unique(std::vector<ResourceRecord>& records, const ResourceRecord& record) {
  if (std::find(records.begin(), records.end(), record) == records.end())
    records.push_back(record);
}

// RFC 6762 §8.2: records compared by class, type, then rdata bytes.
std::vector<std::tuple<std::uint16_t, std::uint16_t, std::vector<std::uint8_t>>> tiebreak_view(
    const std::vector<ResourceRecord>& records, const DnsName& name) {
  std::vector<std::tuple<std::uint16_t, std::uint16_t, std::vector<std::uint8_t>>> view;
  for (const auto& record : records) {
    if (record.name == name)
      view.emplace_back(record.record_class, record.type, serialize_rdata(record.data));
  }
  std::sort(view.begin(), view.end());
  return view;
}

}  // namespace

Engine::Engine(Advertisement self, Timing timing, Callbacks callbacks, std::uint32_t random_seed)
    : self_(std::move(self)),
      timing_(timing),
      callbacks_(std::move(callbacks)),
      random_(random_seed == 0 ? 1 : random_seed),
      label_(instance_label(self_.peer_id, 0)) {}

Engine::Link* Engine::find_link(unsigned index) {
  const auto found = links_.find(index);
  return found == links_.end() ? nullptr : &found->second;
}

std::size_t Engine::cache_size(unsigned index) const {
  const auto found = links_.find(index);
  return found == links_.end() ? 0 : found->second.cache.size();
}

std::size_t Engine::pending_answer_count(unsigned index) const {
  const auto found = links_.find(index);
  if (found == links_.end() || !found->second.pending)
    return 0;
  return found->second.pending->answers.size() + found->second.pending->additionals.size();
}

milliseconds Engine::random_delay(int min_ms, int max_ms) {
  return milliseconds(std::uniform_int_distribution<int>(min_ms, max_ms)(random_));
}

void Engine::add_interface(const LinkInterface& info, TimePoint now) {
  if (stopped_)
    return;
  if (const auto* existing = find_link(info.index)) {
    if (existing->info == info)
      return;
    remove_interface(info.index, now);
  }
  auto [it, inserted] = links_.try_emplace(
      info.index, Link{.info = info,
                       .records = make_published_records(self_, label_, info, ttl()),
                       .cache = RecordCache(timing_.max_cache_records, timing_.goodbye_grace)});
  Link& link = it->second;
  link.next_query = now + random_delay(20, 120);
  link.query_interval = timing_.first_query_interval;
  link.next_resolve_query = now;
  start_probing(link, now, random_delay(0, 250));
}

void Engine::remove_interface(unsigned index, TimePoint now) {
  (void)now;
  auto* link = find_link(index);
  if (link == nullptr)
    return;
  if (link->phase != Phase::probing)
    send_goodbye(*link);
  auto reported = std::move(link->reported);
  links_.erase(index);
  for (const auto& [instance, peer] : reported) {
    if (!reported_anywhere(peer.peer_id))
      callbacks_.lost(peer.peer_id);
  }
}

void Engine::stop(TimePoint now) {
  (void)now;
  if (stopped_)
    return;
  for (const auto& [index, link] : links_) {
    if (link.phase != Phase::probing)
      send_goodbye(link);
  }
  links_.clear();
  stopped_ = true;
}

void Engine::start_probing(Link& link, TimePoint now, milliseconds delay) {
  link.phase = Phase::probing;
  link.steps_done = 0;
  link.next_step = now + delay;
  link.pending.reset();
}

void Engine::restart_probing_everywhere(TimePoint now, milliseconds delay) {
  for (auto& [index, link] : links_)
    start_probing(link, now, delay);
}

void Engine::rename(TimePoint now) {
  ++conflicts_;
  label_ = instance_label(self_.peer_id, conflicts_);
  spdlog::info("mdns: name conflict, now advertising as {}", label_);
  for (auto& [index, link] : links_)
    link.records = make_published_records(self_, label_, link.info, ttl());
  restart_probing_everywhere(now, random_delay(0, 250));
}

void Engine::remember_sent(const std::vector<std::uint8_t>& bytes, TimePoint now) {
  const auto hash = std::hash<std::string_view>()(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  recently_sent_.emplace_back(hash, now);
  while (recently_sent_.size() > kMaxRemembered ||
         (!recently_sent_.empty() && now - recently_sent_.front().second > kEchoMemory)) {
    recently_sent_.pop_front();
  }
}

bool Engine::is_our_echo(const IncomingPacket& packet) const {
  const bool from_us = std::any_of(links_.begin(), links_.end(), [&](const auto& entry) {
    return packet.source.address() == asio::ip::address(entry.second.info.address);
  });
  if (!from_us)
    return false;
  const auto hash = std::hash<std::string_view>()(
      std::string_view(reinterpret_cast<const char*>(packet.bytes.data()), packet.bytes.size()));
  return std::any_of(recently_sent_.begin(), recently_sent_.end(),
                     [hash](const auto& sent) { return sent.first == hash; });
}

void Engine::send_response(Link& link, std::vector<ResourceRecord> answers,
                           std::vector<ResourceRecord> additionals, TimePoint now) {
  Message message{.flags = kFlagResponse | kFlagAuthoritative,
                  .answers = std::move(answers),
                  .additionals = std::move(additionals)};
  for (const auto& answer : message.answers)
    link.last_multicast[rate_key(answer)] = now;
  auto bytes = serialize_message(message);
  remember_sent(bytes, now);
  callbacks_.send({link.info.index, std::move(bytes), std::nullopt});
}

void Engine::send_goodbye(const Link& link) {
  Message message{.flags = kFlagResponse | kFlagAuthoritative, .answers = link.records.announced()};
  for (auto& record : message.answers)
    record.ttl = 0;
  const auto bytes = serialize_message(message);
  // Twice: a lost goodbye would leave us in other caches for a whole TTL.
  callbacks_.send({link.info.index, bytes, std::nullopt});
  callbacks_.send({link.info.index, bytes, std::nullopt});
}

void Engine::step(Link& link, TimePoint now) {
  if (link.phase == Phase::probing) {
    if (link.steps_done < 3) {
      Message probe{.questions = {{.name = link.records.instance, .type = record_type::any},
                                  {.name = link.records.host, .type = record_type::any}},
                    .authorities = link.records.unique()};
      auto bytes = serialize_message(probe);
      remember_sent(bytes, now);
      callbacks_.send({link.info.index, std::move(bytes), std::nullopt});
      ++link.steps_done;
      link.next_step = now + timing_.probe_interval;
      return;
    }
    link.phase = Phase::announcing;
    link.steps_done = 0;
  }
  if (link.phase == Phase::announcing) {
    send_response(link, link.records.announced(),
                  {link.records.instance_nsec, link.records.host_nsec}, now);
    ++link.steps_done;
    if (link.steps_done >= timing_.announcement_count) {
      link.phase = Phase::running;
    } else {
      link.next_step = now + seconds(1) * (1 << (link.steps_done - 1));
    }
  }
}

void Engine::send_query(Link& link, TimePoint now) {
  Message query{.questions = {{.name = service_type_name(), .type = record_type::ptr}}};
  query.answers = link.cache.known_answers(service_type_name(), record_type::ptr, now);
  if (query.answers.size() > kMaxKnownAnswers)
    query.answers.resize(kMaxKnownAnswers);
  auto bytes = serialize_message(query);
  remember_sent(bytes, now);
  callbacks_.send({link.info.index, std::move(bytes), std::nullopt});
  link.next_query = now + link.query_interval;
  link.query_interval = std::min(link.query_interval * 2, timing_.max_query_interval);
}

void Engine::send_resolve_queries(Link& link, TimePoint now) {
  std::vector<Question> questions = link.cache.take_refresh_questions(now);
  if (now >= link.next_resolve_query) {
    for (auto& question : resolve(link).missing) {
      if (std::find(questions.begin(), questions.end(), question) == questions.end())
        questions.push_back(std::move(question));
    }
    if (!questions.empty())
      link.next_resolve_query = now + seconds(1);
  }
  if (questions.empty())
    return;
  if (questions.size() > kMaxKnownAnswers)
    questions.resize(kMaxKnownAnswers);
  auto bytes = serialize_message(Message{.questions = std::move(questions)});
  remember_sent(bytes, now);
  callbacks_.send({link.info.index, std::move(bytes), std::nullopt});
}

void Engine::flush_pending(Link& link, TimePoint now) {
  auto pending = std::move(*link.pending);
  link.pending.reset();
  std::erase_if(pending.answers, [&](const ResourceRecord& record) {
    const auto last = link.last_multicast.find(rate_key(record));
    return last != link.last_multicast.end() && now - last->second < seconds(1);
  });
  if (!pending.answers.empty())
    send_response(link, std::move(pending.answers), std::move(pending.additionals), now);
}

void Engine::run_due(TimePoint now) {
  if (stopped_)
    return;
  for (auto& [index, link] : links_) {
    if (link.phase != Phase::running && link.next_step <= now)
      step(link, now);
    if (link.next_query <= now)
      send_query(link, now);
    if (link.pending && link.pending->due <= now)
      flush_pending(link, now);
    link.cache.remove_expired(now);
    send_resolve_queries(link, now);
    update_peers(link);
  }
}

std::optional<TimePoint> Engine::next_deadline() const {
  std::optional<TimePoint> next;
  const auto consider = [&next](TimePoint candidate) {
    if (!next || candidate < *next)
      next = candidate;
  };
  for (const auto& [index, link] : links_) {
    if (link.phase != Phase::running)
      consider(link.next_step);
    consider(link.next_query);
    if (link.pending)
      consider(link.pending->due);
    if (const auto cache_deadline = link.cache.next_deadline())
      consider(*cache_deadline);
    if (link.has_missing)
      consider(link.next_resolve_query);
  }
  return next;
}

void Engine::receive(const IncomingPacket& packet, TimePoint now) {
  auto* link = find_link(packet.interface_index);
  if (stopped_ || link == nullptr)
    return;
  // RFC 6762 §11: only packets from this link count.
  if (!on_link(link->info, packet.source.address()) || is_our_echo(packet))
    return;
  auto parsed = parse_message(packet.bytes);
  if (!parsed) {
    spdlog::debug("mdns: dropped malformed packet from {}: {}", packet.source.address().to_string(),
                  parsed.error().message);
    return;
  }
  const bool legacy_query = packet.source.port() != kMdnsPort;
  if (parsed.value().is_response()) {
    if (packet.hop_limit != 255 || legacy_query)
      return;
    handle_response(*link, parsed.value(), now);
  } else {
    if (packet.hop_limit != 255 && !legacy_query)
      return;
    handle_query(*link, parsed.value(), packet, now);
  }
}

bool Engine::loses_probe_tiebreak(const Link& link, const Message& probe) const {
  const auto ours = link.records.unique();
  for (const auto* name : {&link.records.instance, &link.records.host}) {
    const auto theirs = tiebreak_view(probe.authorities, *name);
    if (!theirs.empty() && theirs > tiebreak_view(ours, *name))
      return true;
  }
  return false;
}

void Engine::handle_query(Link& link, const Message& query, const IncomingPacket& packet,
                          TimePoint now) {
  const bool probe_for_our_names =
      std::any_of(query.authorities.begin(), query.authorities.end(),
                  [&](const ResourceRecord& r) { return link.records.owns_name(r.name); });
  if (link.phase == Phase::probing) {
    // RFC 6762 §8.2: the lexicographically later data wins; the loser waits
    // a second and probes again, and then the winner's answer renames it.
    if (probe_for_our_names && loses_probe_tiebreak(link, query))
      restart_probing_everywhere(now, seconds(1));
    return;
  }

  const bool legacy = packet.source.port() != kMdnsPort;
  bool unicast_requested = false;
  std::vector<ResourceRecord> answers;
  const auto ours = link.records.announced();
  for (const auto& question : query.questions) {
    if (question.question_class != kClassInternet && question.question_class != record_type::any)
      continue;
    unicast_requested = unicast_requested || question.unicast_response;
    bool name_matched = false;
    for (const auto& record : ours) {
      if (!(record.name == question.name))
        continue;
      name_matched = true;
      if (question.type != record_type::any && question.type != record.type)
        continue;
      const bool known = !legacy && std::any_of(query.answers.begin(), query.answers.end(),
                                                [&](const ResourceRecord& known_answer) {
                                                  return known_answer.type == record.type &&
                                                         known_answer.name == record.name &&
                                                         known_answer.data == record.data &&
                                                         known_answer.ttl * 2 >= record.ttl;
                                                });
      if (!known)
        add_unique(answers, record);
    }
    // RFC 6762 §6.1: a name we own but a type we do not have gets an NSEC.
    if (name_matched && link.records.owns_name(question.name) &&
        std::none_of(answers.begin(), answers.end(),
                     [&](const ResourceRecord& a) { return a.name == question.name; })) {
      add_unique(answers, question.name == link.records.host ? link.records.host_nsec
                                                             : link.records.instance_nsec);
    }
  }
  if (answers.empty())
    return;

  // RFC 6763 §12: what the asker will want next.
  std::vector<ResourceRecord> additionals;
  for (const auto& answer : answers) {
    if (answer.type == record_type::ptr && answer == link.records.service_ptr) {
      for (const auto& extra : {link.records.srv, link.records.txt, link.records.address,
                                link.records.instance_nsec, link.records.host_nsec}) {
        add_unique(additionals, extra);
      }
    } else if (answer.type == record_type::srv) {
      add_unique(additionals, link.records.address);
      add_unique(additionals, link.records.host_nsec);
    }
  }
  std::erase_if(additionals, [&](const ResourceRecord& r) {
    return std::find(answers.begin(), answers.end(), r) != answers.end();
  });

  if (legacy || unicast_requested) {
    Message response{.flags = kFlagResponse | kFlagAuthoritative};
    if (legacy) {
      // RFC 6762 §6.7: echo id and questions, no cache-flush bit, TTL <= 10.
      response.id = query.id;
      response.questions = query.questions;
      for (auto* section : {&answers, &additionals}) {
        for (auto& record : *section) {
          record.cache_flush = false;
          record.ttl = std::min<std::uint32_t>(record.ttl, 10);
        }
      }
    }
    response.answers = std::move(answers);
    response.additionals = std::move(additionals);
    const asio::ip::udp::endpoint destination(packet.source.address(),
                                              legacy ? packet.source.port() : kMdnsPort);
    callbacks_.send({link.info.index, serialize_message(response), destination});
    return;
  }

  const auto rate_limit = probe_for_our_names ? milliseconds(250) : milliseconds(1000);
  std::erase_if(answers, [&](const ResourceRecord& record) {
    const auto last = link.last_multicast.find(rate_key(record));
    return last != link.last_multicast.end() && now - last->second < rate_limit;
  });
  if (answers.empty())
    return;
  const bool all_unique = std::all_of(answers.begin(), answers.end(),
                                      [](const ResourceRecord& r) { return r.cache_flush; });
  if (all_unique) {
    send_response(link, std::move(answers), std::move(additionals), now);
    return;
  }
  // RFC 6762 §6.3: shared answers wait 20-120 ms so that answers from
  // several responders do not collide; queries meanwhile merge into them.
  if (!link.pending)
    link.pending = PendingAnswers{.due = now + random_delay(20, 120)};
  for (const auto& answer : answers)
    add_unique(link.pending->answers, answer);
  for (const auto& additional : additionals)
    add_unique(link.pending->additionals, additional);
}

bool Engine::conflicts_with_us(const Link& link, const ResourceRecord& record) const {
  if (record.ttl == 0 || !link.records.owns_name(record.name))
    return false;
  if (record.type != record_type::srv && record.type != record_type::txt &&
      record.type != record_type::a) {
    return false;
  }
  // Identical data is not a conflict (RFC 6762 §9), including our record as
  // another of our interfaces sent it.
  return std::none_of(links_.begin(), links_.end(), [&](const auto& entry) {
    const auto unique = entry.second.records.unique();
    return std::any_of(unique.begin(), unique.end(), [&](const ResourceRecord& ours) {
      return ours.type == record.type && ours.data == record.data;
    });
  });
}

}  // namespace lanspread::mdns
