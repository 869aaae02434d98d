#pragma once

#include <asio/ip/address_v4.hpp>
#include <asio/ip/address_v6.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"

// DNS messages as multicast DNS uses them (RFC 1035, RFC 6762): the parse and
// serialize functions are pure, so that the bytes from the network can be
// tested and fuzzed without any socket.
namespace lanspread::mdns {

namespace record_type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t ptr = 12;
inline constexpr std::uint16_t txt = 16;
inline constexpr std::uint16_t aaaa = 28;
inline constexpr std::uint16_t srv = 33;
inline constexpr std::uint16_t nsec = 47;
inline constexpr std::uint16_t any = 255;
}  // namespace record_type

inline constexpr std::uint16_t kClassInternet = 1;
inline constexpr std::uint16_t kFlagResponse = 0x8000;
inline constexpr std::uint16_t kFlagAuthoritative = 0x0400;
inline constexpr std::uint16_t kFlagTruncated = 0x0200;
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::size_t kMaxNameWireLength = 255;

// A domain name as labels. Labels may hold any bytes (DNS-SD instance names
// carry dots, spaces and UTF-8); comparison ignores ASCII case (RFC 6762 §16).
struct DnsName {
  std::vector<std::string> labels;

  // Dotted form for logs and tests; dots inside labels are escaped.
  std::string to_string() const;
  // Dotted form in ASCII lower case: names compare without regard to case
  // (RFC 6762 §16), so maps of names are keyed on this.
  std::string lower_case_key() const;
  // Bytes on the wire without compression, including the root label.
  std::size_t wire_length() const;
  bool ends_with(const DnsName& suffix) const;
  friend bool operator==(const DnsName& a, const DnsName& b);
};

// Builds a name from dotted text whose labels contain no dots
// ("_lanspread._udp.local").
DnsName name_from_dotted(std::string_view dotted);
// `first` as one label in front of `rest`.
DnsName prepend_label(std::string first, const DnsName& rest);

struct AData {
  asio::ip::address_v4 address;
  friend bool operator==(const AData&, const AData&) = default;
};
struct AaaaData {
  asio::ip::address_v6 address;
  friend bool operator==(const AaaaData&, const AaaaData&) = default;
};
struct PtrData {
  DnsName target;
  friend bool operator==(const PtrData&, const PtrData&) = default;
};
struct SrvData {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  DnsName target;
  friend bool operator==(const SrvData&, const SrvData&) = default;
};
// The character-strings of a TXT record, in order (see txt_record.hpp for
// the key=value view).
struct TxtData {
  std::vector<std::string> strings;
  friend bool operator==(const TxtData&, const TxtData&) = default;
};
// RFC 6762 §6.1 restricted form: the types listed exist for the name.
struct NsecData {
  DnsName next;
  std::vector<std::uint16_t> types;  // ascending, below 256
  friend bool operator==(const NsecData&, const NsecData&) = default;
};
// Any other type: kept as bytes so that it can be compared and re-sent.
struct OpaqueData {
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const OpaqueData&, const OpaqueData&) = default;
};

using RecordData = std::variant<AData, AaaaData, PtrData, SrvData, TxtData, NsecData, OpaqueData>;

struct ResourceRecord {
  DnsName name;
  std::uint16_t type = 0;
  std::uint16_t record_class = kClassInternet;
  bool cache_flush = false;  // top bit of the class: "this is the whole set"
  std::uint32_t ttl = 0;
  RecordData data;
  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

struct Question {
  DnsName name;
  std::uint16_t type = 0;
  std::uint16_t question_class = kClassInternet;
  bool unicast_response = false;  // the QU bit
  friend bool operator==(const Question&, const Question&) = default;
};

struct Message {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authorities;
  std::vector<ResourceRecord> additionals;

  bool is_response() const { return (flags & kFlagResponse) != 0; }
  friend bool operator==(const Message&, const Message&) = default;
};

// Questions plus records a message may claim before anything is allocated;
// a 9000-byte datagram cannot hold more than this many real entries.
inline constexpr std::size_t kMaxEntriesPerMessage = 512;

// Rejects (with the reason) truncated data, bad label types, compression
// loops and forward pointers, over-long labels and names, wrong rdata
// lengths, and entry counts above kMaxEntriesPerMessage.
Result<Message> parse_message(std::span<const std::uint8_t> bytes);

// Record data as it goes on the wire, without compression: what RFC 6762
// §8.2 compares when two hosts probe for the same name.
std::vector<std::uint8_t> serialize_rdata(const RecordData& data);

// Serializes with name compression. Labels longer than 63 bytes or names
// longer than 255 bytes are a programming error (std::invalid_argument).
std::vector<std::uint8_t> serialize_message(const Message& message);

}  // namespace lanspread::mdns
