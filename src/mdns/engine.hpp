#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mdns/dns_message.hpp"
#include "mdns/published_records.hpp"
#include "mdns/record_cache.hpp"
#include "mdns/types.hpp"

namespace lanspread::mdns {

// The mDNS responder and browser for our one service type, without sockets
// or clocks: packets and the current time go in, packets to send and peer
// events come out. Discovery drives it from its own thread; tests and the
// fuzzer drive it directly.
class Engine {
 public:
  struct Callbacks {
    std::function<void(OutgoingPacket)> send;
    std::function<void(DiscoveredPeer)> found;
    std::function<void(const std::string& peer_id)> lost;
  };

  Engine(Advertisement self, Timing timing, Callbacks callbacks, std::uint32_t random_seed);

  // Starts probing for our names on the interface and browsing on it.
  void add_interface(const LinkInterface& link, TimePoint now);
  // Sends goodbyes on the interface, forgets what was learned there.
  void remove_interface(unsigned index, TimePoint now);
  void receive(const IncomingPacket& packet, TimePoint now);
  // Runs whatever is due: probes, announcements, queries, delayed answers,
  // expiry.
  void run_due(TimePoint now);
  std::optional<TimePoint> next_deadline() const;
  // Goodbyes on every interface; the engine is idle afterwards.
  void stop(TimePoint now);

  const std::string& label() const { return label_; }
  std::size_t cache_size(unsigned index) const;
  std::size_t pending_answer_count(unsigned index) const;

 private:
  enum class Phase { probing, announcing, running };

  struct PendingAnswers {
    TimePoint due;
    std::vector<ResourceRecord> answers;
    std::vector<ResourceRecord> additionals;
  };

  struct Link {
    LinkInterface info;
    PublishedRecords records;
    Phase phase = Phase::probing;
    int steps_done = 0;  // probes or announcements sent in the current phase
    TimePoint next_step;
    TimePoint next_query;
    std::chrono::milliseconds query_interval{0};
    TimePoint next_resolve_query;
    std::optional<PendingAnswers> pending;
    // Last multicast of each of our records (name/type), for the 1 s rate
    // limit of RFC 6762 §6.
    std::map<std::string, TimePoint> last_multicast;
    RecordCache cache;
    // instance name (lower case text) -> what we last reported
    std::map<std::string, DiscoveredPeer> reported;
    bool has_missing = false;
    bool cache_full_logged = false;  // one warning per flood, not one per packet  // some instance
                                     // lacks records: resolve queries due
  };

  // What the cache of one link resolves to.
  struct Resolution {
    std::map<std::string, DiscoveredPeer> peers;  // by instance name, lower case
    std::set<std::string> targets;                // SRV host names, lower case
    std::vector<Question> missing;                // records still to ask for
  };

  void start_probing(Link& link, TimePoint now, std::chrono::milliseconds delay);
  void step(Link& link, TimePoint now);
  void send_query(Link& link, TimePoint now);
  void send_resolve_queries(Link& link, TimePoint now);
  void send_response(Link& link, std::vector<ResourceRecord> answers,
                     std::vector<ResourceRecord> additionals, TimePoint now);
  void send_goodbye(const Link& link);
  void flush_pending(Link& link, TimePoint now);

  void handle_query(Link& link, const Message& query, const IncomingPacket& packet, TimePoint now);
  void handle_response(Link& link, const Message& response, TimePoint now);
  bool conflicts_with_us(const Link& link, const ResourceRecord& record) const;
  bool loses_probe_tiebreak(const Link& link, const Message& probe) const;
  void rename(TimePoint now);
  void restart_probing_everywhere(TimePoint now, std::chrono::milliseconds delay);

  // Compares what the cache resolves to with what was reported and fires
  // found/lost for the differences.
  void update_peers(Link& link);
  Resolution resolve(const Link& link) const;
  bool reported_anywhere(const std::string& peer_id) const;

  bool is_our_echo(const IncomingPacket& packet) const;
  void remember_sent(const std::vector<std::uint8_t>& bytes, TimePoint now);
  std::chrono::milliseconds random_delay(int min_ms, int max_ms);
  std::uint32_t ttl() const { return static_cast<std::uint32_t>(timing_.record_ttl.count()); }
  Link* find_link(unsigned index);

  Advertisement self_;
  Timing timing_;
  Callbacks callbacks_;
  std::minstd_rand random_;
  int conflicts_ = 0;
  std::string label_;
  bool stopped_ = false;
  std::map<unsigned, Link> links_;
  // Hashes of recently sent packets: a multicast we receive back is our own.
  std::deque<std::pair<std::size_t, TimePoint>> recently_sent_;
};

}  // namespace lanspread::mdns
