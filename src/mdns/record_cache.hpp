#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "mdns/dns_message.hpp"
#include "mdns/types.hpp"

namespace lanspread::mdns {

struct CachedRecord {
  ResourceRecord record;
  TimePoint received;
  TimePoint expires;
  int refresh_queries_sent = 0;  // of the four at 80/85/90/95 % of the TTL
};

// Records learned on one interface, with RFC 6762 §10 semantics, bounded in
// size so that a flood of spoofed records cannot grow it without limit.
class RecordCache {
 public:
  RecordCache(std::size_t capacity, std::chrono::milliseconds goodbye_grace)
      : capacity_(capacity), goodbye_grace_(goodbye_grace) {}

  // Inserts or refreshes a record; TTL 0 (a goodbye) schedules its removal
  // after the grace period; the cache-flush bit expires other data for the
  // same name and type that is more than a second old. Returns false when
  // the record was new and the cache is full.
  bool apply(const ResourceRecord& record, TimePoint now);
  void remove_expired(TimePoint now);
  // Questions for records whose refresh point passed, each asked once.
  std::vector<Question> take_refresh_questions(TimePoint now);
  // The earliest expiry or refresh point.
  std::optional<TimePoint> next_deadline() const;

  std::vector<const ResourceRecord*> find(const DnsName& name, std::uint16_t type) const;
  // For known-answer lists: records with more than half their TTL left.
  std::vector<ResourceRecord> known_answers(const DnsName& name, std::uint16_t type,
                                            TimePoint now) const;
  std::size_t size() const { return records_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  TimePoint refresh_point(const CachedRecord& cached) const;

  std::size_t capacity_;
  std::chrono::milliseconds goodbye_grace_;
  std::vector<CachedRecord> records_;
};

}  // namespace lanspread::mdns
