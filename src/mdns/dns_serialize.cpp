#include <map>
#include <stdexcept>

#include "mdns/dns_message.hpp"

namespace lanspread::mdns {
namespace {

class Writer {
 public:
  void u8(std::uint8_t value) { bytes_.push_back(value); }
  void u16(std::uint16_t value) {
    bytes_.push_back(static_cast<std::uint8_t>(value >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(value));
  }
  void u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value >> 16));
    u16(static_cast<std::uint16_t>(value));
  }
  void raw(std::span<const std::uint8_t> data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
  }
  void text(const std::string& data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }

  // Suffixes already written are replaced by a pointer. Matching is
  // byte-exact, so that a round trip reproduces the same bytes.
  void name(const DnsName& name, bool compress) {
    if (name.wire_length() > kMaxNameWireLength)
      throw std::invalid_argument("DNS name longer than 255 bytes: " + name.to_string());
    for (std::size_t i = 0; i < name.labels.size(); ++i) {
      std::vector<std::string> suffix(name.labels.begin() + static_cast<std::ptrdiff_t>(i),
                                      name.labels.end());
      if (compress) {
        if (const auto found = suffixes_.find(suffix); found != suffixes_.end()) {
          u16(static_cast<std::uint16_t>(0xC000 | found->second));
          return;
        }
        if (bytes_.size() < 0x4000)
          suffixes_.emplace(std::move(suffix), static_cast<std::uint16_t>(bytes_.size()));
      }
      const auto& label = name.labels[i];
      if (label.empty() || label.size() > kMaxLabelLength)
        throw std::invalid_argument("DNS label empty or longer than 63 bytes");
      u8(static_cast<std::uint8_t>(label.size()));
      text(label);
    }
    u8(0);
  }

  std::size_t size() const { return bytes_.size(); }
  void patch_u16(std::size_t at, std::uint16_t value) {
    bytes_[at] = static_cast<std::uint8_t>(value >> 8);
    bytes_[at + 1] = static_cast<std::uint8_t>(value);
  }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<std::uint8_t> bytes_;
  std::map<std::vector<std::string>, std::uint16_t> suffixes_;
};

struct RdataWriter {
  Writer& out;

  void operator()(const AData& a) { out.raw(a.address.to_bytes()); }
  void operator()(const AaaaData& aaaa) { out.raw(aaaa.address.to_bytes()); }
  void operator()(const PtrData& ptr) { out.name(ptr.target, true); }
  void operator()(const SrvData& srv) {
    out.u16(srv.priority);
    out.u16(srv.weight);
    out.u16(srv.port);
    out.name(srv.target, true);
  }
  void operator()(const TxtData& txt) {
    if (txt.strings.empty())
      out.u8(0);
    for (const auto& string : txt.strings) {
      if (string.size() > 255)
        throw std::invalid_argument("TXT string longer than 255 bytes");
      out.u8(static_cast<std::uint8_t>(string.size()));
      out.text(string);
    }
  }
  void operator()(const NsecData& nsec) {
    out.name(nsec.next, false);
    std::uint8_t bitmap[32] = {};
    std::size_t length = 0;
    for (const auto type : nsec.types) {
      if (type >= 256)
        throw std::invalid_argument("NSEC type outside the first window");
      bitmap[type / 8] |= static_cast<std::uint8_t>(0x80 >> (type % 8));
      length = std::max<std::size_t>(length, type / 8u + 1);
    }
    out.u8(0);
    out.u8(static_cast<std::uint8_t>(length));
    out.raw(std::span<const std::uint8_t>(bitmap, length));
  }
  void operator()(const OpaqueData& opaque) { out.raw(opaque.bytes); }
};

void write_record(Writer& out, const ResourceRecord& record) {
  out.name(record.name, true);
  out.u16(record.type);
  out.u16(static_cast<std::uint16_t>(record.record_class | (record.cache_flush ? 0x8000 : 0)));
  out.u32(record.ttl);
  const auto length_at = out.size();
  out.u16(0);
  std::visit(RdataWriter{out}, record.data);
  const auto length = out.size() - length_at - 2;
  if (length > 0xFFFF)
    throw std::invalid_argument("record data longer than 65535 bytes");
  out.patch_u16(length_at, static_cast<std::uint16_t>(length));
}

}  // namespace

std::vector<std::uint8_t> serialize_rdata(const RecordData& data) {
  Writer out;  // fresh: nothing earlier to point at, so names stay whole
  std::visit(RdataWriter{out}, data);
  return out.take();
}

std::vector<std::uint8_t> serialize_message(const Message& message) {
  Writer out;
  out.u16(message.id);
  out.u16(message.flags);
  for (const auto count : {message.questions.size(), message.answers.size(),
                           message.authorities.size(), message.additionals.size()}) {
    out.u16(static_cast<std::uint16_t>(count));
  }
  for (const auto& question : message.questions) {
    out.name(question.name, true);
    out.u16(question.type);
    out.u16(static_cast<std::uint16_t>(question.question_class |
                                       (question.unicast_response ? 0x8000 : 0)));
  }
  for (const auto* section : {&message.answers, &message.authorities, &message.additionals}) {
    for (const auto& record : *section)
      write_record(out, record);
  }
  return out.take();
}

}  // namespace lanspread::mdns
