#include "peer/services/party_proof.hpp"

#include <gtest/gtest.h>

#include "proto/codec.hpp"
#include "proto/hex.hpp"

namespace lanspread::peer {
namespace {

std::string exporter_value() {
  std::string value;
  for (int i = 0; i < 32; ++i)
    value += static_cast<char>(i);
  return value;
}

// Expected values computed with an independent implementation (Python's
// hashlib.pbkdf2_hmac and hmac), so the derivation is pinned to the
// documented construction, not just to itself.
constexpr std::string_view kPassphrase = "correct horse battery staple";
constexpr std::string_view kKeyHex =
    "b7b505efeda107d83b4c2adeb0e92207b046bea56ba79ff11e1eae73df8023d3";

TEST(PartyProof, TheKeyIsPbkdf2HmacSha256WithTheProtocolSalt) {
  EXPECT_EQ(PartyKey::derive(kPassphrase).value().hex(), kKeyHex);
}

TEST(PartyProof, DifferentPassphrasesGiveDifferentKeys) {
  EXPECT_NE(PartyKey::derive("lan party").value(), PartyKey::derive("lan party ").value());
  const auto empty = PartyKey::derive("");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("empty passphrase"), std::string::npos) << empty.error();
}

TEST(PartyProof, TheKeyRoundTripsThroughItsStoredForm) {
  const auto key = PartyKey::from_hex(kKeyHex);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->hex(), kKeyHex);
  EXPECT_FALSE(PartyKey::from_hex("b7b5"));
  EXPECT_FALSE(PartyKey::from_hex(std::string(64, 'g')));
  EXPECT_FALSE(PartyKey::from_hex(std::string(64, 'A')));
}

TEST(PartyProof, TheProofIsAnHmacOfTheRoleAndTheExporterValue) {
  const auto key = *PartyKey::from_hex(kKeyHex);
  EXPECT_EQ(proto::to_hex(party_proof(key, ProofRole::Client, exporter_value())),
            "0ac09cac89782110b5975204c81591892afc8ebf4c411cb062a87ef14c42ca86");
  EXPECT_EQ(proto::to_hex(party_proof(key, ProofRole::Server, exporter_value())),
            "7f7d787106bdfe7816af2d84794069cc7eed703471b9221af2d0ab907d8a5b9c");
}

TEST(PartyProof, AnotherSessionOrKeyGivesAnotherProof) {
  const auto key = *PartyKey::from_hex(kKeyHex);
  const auto proof = party_proof(key, ProofRole::Client, exporter_value());
  auto other_session = exporter_value();
  other_session[31] ^= 1;
  EXPECT_FALSE(proofs_match(proof, party_proof(key, ProofRole::Client, other_session)));
  EXPECT_FALSE(proofs_match(
      proof, party_proof(PartyKey::derive("x").value(), ProofRole::Client, exporter_value())));
  EXPECT_TRUE(proofs_match(proof, party_proof(key, ProofRole::Client, exporter_value())));
}

TEST(PartyProof, BothSidesBuildTheSameExporterContext) {
  const std::string a(64, 'a');
  const std::string b(64, 'b');
  EXPECT_EQ(party_exporter_context(a, b), party_exporter_context(b, a));
  EXPECT_EQ(party_exporter_context(b, a), a + ":" + b);
}

TEST(PartyProof, APassphraseFileGivesItsFirstLine) {
  EXPECT_EQ(passphrase_from_file_text("lan party\n"), "lan party");
  EXPECT_EQ(passphrase_from_file_text("lan party\r\nsecond line\n"), "lan party");
  EXPECT_EQ(passphrase_from_file_text(" spaces kept "), " spaces kept ");
  EXPECT_EQ(passphrase_from_file_text("\n"), "");
}

TEST(PartyProof, WhatCrossesTheWireHoldsNeitherThePassphraseNorTheKey) {
  const auto key = PartyKey::derive(kPassphrase).value();
  const proto::Request request{
      .body = proto::AuthenticateRequest{
          .peer_name = "lan-box", .proof = party_proof(key, ProofRole::Client, exporter_value())}};
  const auto bytes = proto::encode(request);
  EXPECT_EQ(bytes.find(kPassphrase), std::string::npos);
  EXPECT_EQ(bytes.find(key.hex()), std::string::npos);
  EXPECT_NE(bytes.find("\"proof\":\"0ac09cac"), std::string::npos) << bytes;
}

}  // namespace
}  // namespace lanspread::peer
