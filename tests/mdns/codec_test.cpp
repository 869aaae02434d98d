#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "mdns/dns_message.hpp"
#include "mdns/txt_record.hpp"

namespace lanspread::mdns {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

std::string parse_error(const Bytes& bytes) {
  const auto parsed = parse_message(bytes);
  return parsed ? std::string() : parsed.error().message;
}

Message sample_response() {
  const auto instance = name_from_dotted("lanspread-0123456789abcdef._lanspread._udp.local");
  const auto host = name_from_dotted("lanspread-0123456789abcdef.local");
  Message message{.flags = kFlagResponse | kFlagAuthoritative};
  message.answers.push_back({.name = name_from_dotted("_lanspread._udp.local"),
                             .type = record_type::ptr,
                             .ttl = 120,
                             .data = PtrData{instance}});
  message.additionals.push_back({.name = instance,
                                 .type = record_type::srv,
                                 .cache_flush = true,
                                 .ttl = 120,
                                 .data = SrvData{.port = 7000, .target = host}});
  message.additionals.push_back({.name = instance,
                                 .type = record_type::txt,
                                 .cache_flush = true,
                                 .ttl = 120,
                                 .data = TxtData{{"id=abc", "v=1"}}});
  message.additionals.push_back({.name = host,
                                 .type = record_type::a,
                                 .cache_flush = true,
                                 .ttl = 120,
                                 .data = AData{asio::ip::make_address_v4("10.99.0.1")}});
  message.additionals.push_back({.name = host,
                                 .type = record_type::aaaa,
                                 .cache_flush = true,
                                 .ttl = 120,
                                 .data = AaaaData{asio::ip::make_address_v6("fe80::1")}});
  message.additionals.push_back({.name = host,
                                 .type = record_type::nsec,
                                 .cache_flush = true,
                                 .ttl = 120,
                                 .data = NsecData{host, {record_type::a, record_type::aaaa}}});
  return message;
}

// The header of a query with one question, followed by `tail`.
Bytes query_with(std::initializer_list<std::uint8_t> tail) {
  Bytes bytes{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  bytes.insert(bytes.end(), tail);
  return bytes;
}

// The header of a response with one answer: name "a" then type, class, TTL
// and the given rdata length and rdata.
Bytes answer_with(std::uint16_t type, std::uint16_t rdlength, const Bytes& rdata) {
  Bytes bytes{0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 'a', 0};
  bytes.insert(bytes.end(), {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type),
                             0, 1, 0, 0, 0, 120, static_cast<std::uint8_t>(rdlength >> 8),
                             static_cast<std::uint8_t>(rdlength)});
  bytes.insert(bytes.end(), rdata.begin(), rdata.end());
  return bytes;
}

TEST(MdnsCodec, RoundTripKeepsEveryRecord) {
  const auto message = sample_response();
  const auto bytes = serialize_message(message);
  const auto parsed = parse_message(bytes);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed.value(), message);
  EXPECT_EQ(serialize_message(parsed.value()), bytes);
}

TEST(MdnsCodec, CompressionShortensRepeatedNames) {
  const auto message = sample_response();
  std::size_t uncompressed = 12;
  for (const auto* section : {&message.answers, &message.additionals}) {
    for (const auto& record : *section)
      uncompressed += record.name.wire_length() + 10;
  }
  const auto bytes = serialize_message(message);
  // Names alone would take more than the whole compressed message.
  EXPECT_LT(bytes.size(), uncompressed);
  EXPECT_NE(std::find(bytes.begin(), bytes.end(), 0xC0), bytes.end());
}

TEST(MdnsCodec, InstanceNamesWithDotsSpacesAndUtf8SurviveARoundTrip) {
  const auto instance =
      prepend_label("Bob's PC. Zimmer \xC3\xA4", name_from_dotted("_x._udp.local"));
  Message message{.questions = {{.name = instance, .type = record_type::srv}}};
  const auto parsed = parse_message(serialize_message(message));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed.value().questions.at(0).name.labels.at(0), "Bob's PC. Zimmer \xC3\xA4");
  EXPECT_EQ(parsed.value().questions.at(0).name.labels.size(), 4u);
}

TEST(MdnsCodec, NamesCompareWithoutAsciiCase) {
  EXPECT_EQ(name_from_dotted("_LanSpread._UDP.Local"), name_from_dotted("_lanspread._udp.local"));
  EXPECT_FALSE(name_from_dotted("_lanspread._udp.local") ==
               name_from_dotted("_lanspread._tcp.local"));
  EXPECT_TRUE(
      name_from_dotted("a._lanspread._udp.local").ends_with(name_from_dotted("_UDP.local")));
}

TEST(MdnsCodec, EveryCapturedPacketParsesAndRoundTrips) {
  int parsed_count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LANSPREAD_TEST_MDNS_PACKETS)) {
    const auto bytes = read_file(entry.path());
    const auto parsed = parse_message(bytes);
    ASSERT_TRUE(parsed) << entry.path() << ": " << parsed.error();
    const auto again = parse_message(serialize_message(parsed.value()));
    ASSERT_TRUE(again) << entry.path();
    EXPECT_EQ(again.value(), parsed.value()) << entry.path();
    ++parsed_count;
  }
  EXPECT_GE(parsed_count, 40);
}

TEST(MdnsCodec, EveryTruncationIsRejected) {
  const auto bytes = serialize_message(sample_response());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
    EXPECT_FALSE(parse_message(prefix)) << "prefix of " << length << " bytes";
  }
}

TEST(MdnsCodec, RejectsCompressionLoopsAndForwardPointers) {
  // Pointer to itself (offset 12).
  EXPECT_EQ(parse_error(query_with({0xC0, 12, 0, 1, 0, 1})),
            "question 0: compression pointer does not point backwards");
  // Pointer forward to a valid name further on.
  EXPECT_EQ(parse_error(query_with({0xC0, 18, 0, 1, 0, 1, 1, 'a', 0})),
            "question 0: compression pointer does not point backwards");
  // Two names pointing at each other: the second is reached backwards, but
  // then points forward again.
  const Bytes mutual{0,    0,   0,    0,  0, 2, 0, 0, 0, 0, 0, 0,  //
                     1,    'a', 0xC0, 20, 0, 1, 0, 1,              // "a" then pointer to 20
                     0xC0, 12,  0,    1,  0, 1};                   // pointer to 12
  EXPECT_FALSE(parse_message(mutual));
}

TEST(MdnsCodec, RejectsReservedLabelTypes) {
  EXPECT_EQ(parse_error(query_with({0x40, 'a', 0, 0, 1, 0, 1})), "question 0: reserved label type");
  EXPECT_EQ(parse_error(query_with({0x80, 'a', 0, 0, 1, 0, 1})), "question 0: reserved label type");
}

TEST(MdnsCodec, RejectsNamesOverTwoHundredFiftyFiveBytes) {
  Bytes tail;
  for (int i = 0; i < 128; ++i)  // 128 labels of one byte: 257 bytes
    tail.insert(tail.end(), {1, 'x'});
  tail.insert(tail.end(), {0, 0, 1, 0, 1});
  Bytes bytes = query_with({});
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  EXPECT_EQ(parse_error(bytes), "question 0: name longer than 255 bytes");

  Message message{.questions = {{.name = name_from_dotted(std::string(64, 'x') + ".local")}}};
  EXPECT_THROW(serialize_message(message), std::invalid_argument);
}

TEST(MdnsCodec, RejectsHugeCountsBeforeAllocating) {
  const Bytes bytes{0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(parse_error(bytes), "more entries than a message can hold");
}

TEST(MdnsCodec, RejectsRdataOfTheWrongSize) {
  EXPECT_EQ(parse_error(answer_with(record_type::a, 5, {10, 0, 0, 1, 9})),
            "record: A record is not 4 bytes");
  EXPECT_EQ(parse_error(answer_with(record_type::aaaa, 4, {10, 0, 0, 1})),
            "record: AAAA record is not 16 bytes");
  EXPECT_EQ(parse_error(answer_with(record_type::a, 9, {10, 0, 0, 1})),
            "record: record data runs past the message");
  // A PTR whose name runs past its rdlength, though the message goes on.
  EXPECT_EQ(parse_error(answer_with(record_type::ptr, 2, {1, 'b', 0})),
            "record: name runs past its end");
  // A PTR followed by bytes its rdlength claims.
  EXPECT_EQ(parse_error(answer_with(record_type::ptr, 4, {1, 'b', 0, 7})),
            "record: record data length does not match its content");
  EXPECT_EQ(parse_error(answer_with(record_type::srv, 3, {0, 0, 0})),
            "record: SRV record too short");
  EXPECT_EQ(parse_error(answer_with(record_type::txt, 3, {5, 'a', 'b'})),
            "record: TXT string runs past its record");
}

TEST(MdnsCodec, UnknownTypesStayOpaque) {
  const auto parsed = parse_message(answer_with(99, 3, {1, 2, 3}));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(std::get<OpaqueData>(parsed.value().answers.at(0).data).bytes, (Bytes{1, 2, 3}));
}

TEST(MdnsCodec, TxtEdgeCases) {
  const auto empty = parse_message(answer_with(record_type::txt, 0, {}));
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_EQ(std::get<TxtData>(empty.value().answers.at(0).data).strings,
            std::vector<std::string>{""});

  Bytes long_string{255};
  long_string.insert(long_string.end(), 255, 'x');
  const auto longest = parse_message(answer_with(record_type::txt, 256, long_string));
  ASSERT_TRUE(longest) << longest.error();
  EXPECT_EQ(std::get<TxtData>(longest.value().answers.at(0).data).strings.at(0).size(), 255u);

  const TxtData txt{{"ID=first", "id=second", "flag", "empty=", "v=3"}};
  EXPECT_EQ(txt_value(txt, "id"), "first");  // RFC 6763 §6.4: the first one counts
  EXPECT_EQ(txt_value(txt, "flag"), "");
  EXPECT_EQ(txt_value(txt, "empty"), "");
  EXPECT_EQ(txt_value(txt, "v"), "3");
  EXPECT_EQ(txt_value(txt, "missing"), std::nullopt);
}

TEST(MdnsCodec, UnicastAndCacheFlushBitsSurvive) {
  Message message{
      .questions = {
          {.name = name_from_dotted("a.local"), .type = record_type::a, .unicast_response = true}}};
  const auto parsed = parse_message(serialize_message(message));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed.value().questions.at(0).unicast_response);
  EXPECT_EQ(parsed.value().questions.at(0).question_class, kClassInternet);
}

}  // namespace
}  // namespace lanspread::mdns
