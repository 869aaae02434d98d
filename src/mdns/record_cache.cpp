#include "mdns/record_cache.hpp"

#include <algorithm>

namespace lanspread::mdns {
namespace {

bool same_set(const ResourceRecord& a, const ResourceRecord& b) {
  return a.type == b.type && a.record_class == b.record_class && a.name == b.name;
}

std::chrono::steady_clock::duration seconds_of(std::uint32_t ttl) {
  return std::chrono::seconds(ttl);
}

}  // namespace

bool RecordCache::apply(const ResourceRecord& received_record, TimePoint now) {
  // Longer TTLs are clamped, so that a spoofed record cannot live for years
  // and TTL arithmetic cannot overflow.
  constexpr std::uint32_t kMaxTtl = 4500;
  ResourceRecord record = received_record;
  record.ttl = std::min(record.ttl, kMaxTtl);
  if (record.cache_flush && record.ttl > 0) {
    for (auto& cached : records_) {
      if (same_set(cached.record, record) && cached.record.data != record.data &&
          now - cached.received > std::chrono::seconds(1)) {
        cached.expires = std::min(cached.expires, now + std::chrono::seconds(1));
      }
    }
  }
  const auto existing = std::find_if(records_.begin(), records_.end(), [&](const CachedRecord& c) {
    return same_set(c.record, record) && c.record.data == record.data;
  });
  if (record.ttl == 0) {
    if (existing != records_.end())
      existing->expires = std::min(existing->expires, now + goodbye_grace_);
    return true;
  }
  if (existing != records_.end()) {
    existing->record = record;
    existing->received = now;
    existing->expires = now + seconds_of(record.ttl);
    existing->refresh_queries_sent = 0;
    return true;
  }
  if (records_.size() >= capacity_)
    return false;
  records_.push_back({record, now, now + seconds_of(record.ttl), 0});
  return true;
}

void RecordCache::remove_expired(TimePoint now) {
  std::erase_if(records_, [now](const CachedRecord& c) { return c.expires <= now; });
}

TimePoint RecordCache::refresh_point(const CachedRecord& cached) const {
  const auto lifetime = seconds_of(cached.record.ttl);
  return cached.received + lifetime * (80 + 5 * cached.refresh_queries_sent) / 100;
}

std::vector<Question> RecordCache::take_refresh_questions(TimePoint now) {
  std::vector<Question> questions;
  for (auto& cached : records_) {
    // A record in its goodbye grace period is not worth refreshing.
    if (cached.refresh_queries_sent >= 4 || refresh_point(cached) > now ||
        cached.expires < cached.received + seconds_of(cached.record.ttl)) {
      continue;
    }
    while (cached.refresh_queries_sent < 4 && refresh_point(cached) <= now)
      ++cached.refresh_queries_sent;
    Question question{.name = cached.record.name, .type = cached.record.type};
    if (std::find(questions.begin(), questions.end(), question) == questions.end())
      questions.push_back(std::move(question));
  }
  return questions;
}

std::optional<TimePoint> RecordCache::next_deadline() const {
  std::optional<TimePoint> next;
  for (const auto& cached : records_) {
    auto candidate = cached.expires;
    if (cached.refresh_queries_sent < 4 &&
        cached.expires >= cached.received + seconds_of(cached.record.ttl)) {
      candidate = std::min(candidate, refresh_point(cached));
    }
    if (!next || candidate < *next)
      next = candidate;
  }
  return next;
}

std::vector<const ResourceRecord*> RecordCache::find(const DnsName& name,
                                                     std::uint16_t type) const {
  std::vector<const ResourceRecord*> found;
  for (const auto& cached : records_) {
    if (cached.record.type == type && cached.record.name == name)
      found.push_back(&cached.record);
  }
  return found;
}

std::vector<ResourceRecord> RecordCache::known_answers(const DnsName& name, std::uint16_t type,
                                                       TimePoint now) const {
  std::vector<ResourceRecord> answers;
  for (const auto& cached : records_) {
    if (cached.record.type != type || !(cached.record.name == name))
      continue;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(cached.expires - now);
    if (left.count() * 2 > static_cast<long long>(cached.record.ttl)) {
      auto answer = cached.record;
      answer.ttl = static_cast<std::uint32_t>(left.count());
      answers.push_back(std::move(answer));
    }
  }
  return answers;
}

}  // namespace lanspread::mdns
