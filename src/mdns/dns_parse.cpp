#include <cstring>

#include "mdns/dns_message.hpp"

namespace lanspread::mdns {
namespace {

// Reads big-endian fields; every read is bounds-checked and a failure is
// sticky, so callers check `error` once per entry.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::size_t position() const { return position_; }
  std::size_t size() const { return bytes_.size(); }
  const std::string& error() const { return error_; }
  bool failed() const { return !error_.empty(); }

  void fail(std::string reason) {
    if (error_.empty())
      error_ = std::move(reason);
  }

  std::uint8_t u8() {
    if (!need(1))
      return 0;
    return bytes_[position_++];
  }
  std::uint16_t u16() {
    if (!need(2))
      return 0;
    const auto value = static_cast<std::uint16_t>(bytes_[position_] << 8 | bytes_[position_ + 1]);
    position_ += 2;
    return value;
  }
  std::uint32_t u32() {
    const std::uint32_t high = u16();
    return high << 16 | u16();
  }
  std::span<const std::uint8_t> take(std::size_t count) {
    if (!need(count))
      return {};
    auto slice = bytes_.subspan(position_, count);
    position_ += count;
    return slice;
  }

  // A possibly compressed name. Every compression pointer must point before
  // the segment it was found in, so the walk strictly moves backwards and
  // ends; `limit` is where the uncompressed part must end (rdata end).
  DnsName name(std::size_t limit) {
    DnsName name;
    std::size_t wire_length = 1;
    std::size_t cursor = position_;
    std::size_t segment_start = position_;
    bool jumped = false;
    for (;;) {
      const std::size_t end = jumped ? bytes_.size() : limit;
      if (cursor >= end) {
        fail("name runs past its end");
        return {};
      }
      const std::uint8_t length = bytes_[cursor];
      if ((length & 0xC0) == 0xC0) {
        if (cursor + 1 >= end) {
          fail("truncated compression pointer");
          return {};
        }
        const std::size_t target =
            static_cast<std::size_t>(length & 0x3F) << 8 | bytes_[cursor + 1];
        if (target >= segment_start) {
          fail("compression pointer does not point backwards");
          return {};
        }
        if (!jumped)
          position_ = cursor + 2;
        jumped = true;
        segment_start = target;
        cursor = target;
        continue;
      }
      if ((length & 0xC0) != 0) {
        fail("reserved label type");
        return {};
      }
      if (length == 0) {
        if (!jumped)
          position_ = cursor + 1;
        return name;
      }
      if (cursor + 1 + length > end) {
        fail("label runs past its end");
        return {};
      }
      wire_length += 1 + length;
      if (wire_length > kMaxNameWireLength) {
        fail("name longer than 255 bytes");
        return {};
      }
      name.labels.emplace_back(reinterpret_cast<const char*>(&bytes_[cursor + 1]), length);
      cursor += 1 + length;
    }
  }

 private:
  bool need(std::size_t count) {
    if (failed())
      return false;
    if (bytes_.size() - position_ < count) {
      fail("truncated message");
      return false;
    }
    return true;
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
  std::string error_;
};

RecordData parse_txt(std::span<const std::uint8_t> rdata, Reader& reader) {
  TxtData txt;
  std::size_t i = 0;
  while (i < rdata.size()) {
    const std::size_t length = rdata[i];
    if (i + 1 + length > rdata.size()) {
      reader.fail("TXT string runs past its record");
      return txt;
    }
    txt.strings.emplace_back(reinterpret_cast<const char*>(&rdata[i + 1]), length);
    i += 1 + length;
  }
  if (txt.strings.empty())
    txt.strings.emplace_back();  // RFC 6763 §6.1: empty TXT means one empty string
  return txt;
}

// Opaque NSEC bytes with the next name written out uncompressed, so that
// they mean the same wherever they are re-sent.
OpaqueData opaque_nsec(const DnsName& next, std::span<const std::uint8_t> bitmap) {
  OpaqueData opaque;
  for (const auto& label : next.labels) {
    opaque.bytes.push_back(static_cast<std::uint8_t>(label.size()));
    opaque.bytes.insert(opaque.bytes.end(), label.begin(), label.end());
  }
  opaque.bytes.push_back(0);
  opaque.bytes.insert(opaque.bytes.end(), bitmap.begin(), bitmap.end());
  return opaque;
}

// The restricted mDNS form (one window, types below 256); anything else is
// kept opaque.
RecordData parse_nsec(std::span<const std::uint8_t> rdata, std::size_t rdata_end, Reader& reader) {
  const auto start = reader.position();
  NsecData nsec{.next = reader.name(rdata_end)};
  if (reader.failed())
    return nsec;
  const auto bitmap_offset = reader.position() - start;
  const auto bitmap = rdata.subspan(bitmap_offset);
  if (bitmap.size() < 2 || bitmap[0] != 0 || bitmap[1] == 0 || bitmap[1] > 32 ||
      bitmap.size() != 2u + bitmap[1] || bitmap.back() == 0) {
    return opaque_nsec(nsec.next, bitmap);
  }
  for (std::size_t byte = 0; byte < bitmap[1]; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      if (bitmap[2 + byte] & (0x80 >> bit))
        nsec.types.push_back(static_cast<std::uint16_t>(byte * 8 + static_cast<std::size_t>(bit)));
    }
  }
  if (nsec.types.empty())
    return opaque_nsec(nsec.next, bitmap);
  return nsec;
}

RecordData parse_rdata(std::uint16_t type, std::size_t length, Reader& reader) {
  const std::size_t start = reader.position();
  const std::size_t end = start + length;
  if (end > reader.size()) {
    reader.fail("record data runs past the message");
    return OpaqueData{};
  }
  RecordData data;
  switch (type) {
    case record_type::a: {
      if (length != 4) {
        reader.fail("A record is not 4 bytes");
        return data;
      }
      const auto bytes = reader.take(4);
      return AData{asio::ip::address_v4({bytes[0], bytes[1], bytes[2], bytes[3]})};
    }
    case record_type::aaaa: {
      if (length != 16) {
        reader.fail("AAAA record is not 16 bytes");
        return data;
      }
      asio::ip::address_v6::bytes_type raw{};
      const auto bytes = reader.take(16);
      std::memcpy(raw.data(), bytes.data(), raw.size());
      return AaaaData{asio::ip::address_v6(raw)};
    }
    case record_type::ptr:
      data = PtrData{reader.name(end)};
      break;
    case record_type::srv: {
      if (length < 7) {
        reader.fail("SRV record too short");
        return data;
      }
      SrvData srv;
      srv.priority = reader.u16();
      srv.weight = reader.u16();
      srv.port = reader.u16();
      srv.target = reader.name(end);
      data = std::move(srv);
      break;
    }
    case record_type::txt:
      return parse_txt(reader.take(length), reader);
    case record_type::nsec: {
      Reader probe = reader;
      data = parse_nsec(probe.take(length), end, reader);
      if (!reader.failed())
        reader.take(end - reader.position());
      return data;
    }
    default: {
      const auto bytes = reader.take(length);
      return OpaqueData{{bytes.begin(), bytes.end()}};
    }
  }
  if (!reader.failed() && reader.position() != end)
    reader.fail("record data length does not match its content");
  return data;
}

bool parse_record(Reader& reader, std::vector<ResourceRecord>& records) {
  ResourceRecord record;
  record.name = reader.name(reader.size());
  record.type = reader.u16();
  const std::uint16_t raw_class = reader.u16();
  record.cache_flush = (raw_class & 0x8000) != 0;
  record.record_class = raw_class & 0x7FFF;
  record.ttl = reader.u32();
  const std::uint16_t length = reader.u16();
  if (reader.failed())
    return false;
  record.data = parse_rdata(record.type, length, reader);
  if (reader.failed())
    return false;
  records.push_back(std::move(record));
  return true;
}

}  // namespace

Result<Message> parse_message(std::span<const std::uint8_t> bytes) {
  Reader reader(bytes);
  Message message;
  message.id = reader.u16();
  message.flags = reader.u16();
  const std::size_t question_count = reader.u16();
  const std::size_t answer_count = reader.u16();
  const std::size_t authority_count = reader.u16();
  const std::size_t additional_count = reader.u16();
  if (reader.failed())
    return Error{"truncated header"};
  if (question_count + answer_count + authority_count + additional_count > kMaxEntriesPerMessage)
    return Error{"more entries than a message can hold"};

  for (std::size_t i = 0; i < question_count; ++i) {
    Question question;
    question.name = reader.name(reader.size());
    question.type = reader.u16();
    const std::uint16_t raw_class = reader.u16();
    question.unicast_response = (raw_class & 0x8000) != 0;
    question.question_class = raw_class & 0x7FFF;
    if (reader.failed())
      return Error{"question " + std::to_string(i) + ": " + reader.error()};
    message.questions.push_back(std::move(question));
  }
  const std::pair<std::size_t, std::vector<ResourceRecord>*> sections[] = {
      {answer_count, &message.answers},
      {authority_count, &message.authorities},
      {additional_count, &message.additionals}};
  for (const auto& [count, records] : sections) {
    for (std::size_t i = 0; i < count; ++i) {
      if (!parse_record(reader, *records))
        return Error{"record: " + reader.error()};
    }
  }
  return message;
}

}  // namespace lanspread::mdns
